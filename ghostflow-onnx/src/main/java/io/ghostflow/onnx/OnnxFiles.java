package io.ghostflow.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.OptionalProto;
import io.ghostflow.onnx.proto.Onnx.SequenceProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reading and writing ONNX protobuf files. Models are memory-mapped and parsed with aliasing,
 * so {@code raw_data} fields are views into the mapped file, not heap copies.
 */
public final class OnnxFiles {
    private OnnxFiles() {
    }

    /** Reads a model file; the result's raw_data fields alias the mapped file. */
    public static ModelProto readModel(Path file) {
        ByteBuffer mapped = map(file);
        try {
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(mapped).newCodedInput();
            in.enableAliasing(true);
            in.setRecursionLimit(256);
            ModelProto model = ModelProto.parseFrom(in);
            ModelChecks.checkModel(model, file.toString());
            return model;
        } catch (IOException | RuntimeException e) {
            throw wrapParse(e, file.toString());
        }
    }

    /** Parses a model from bytes already in memory. */
    public static ModelProto parseModel(byte[] bytes, String what) {
        try {
            ModelProto model = ModelProto.parseFrom(bytes);
            ModelChecks.checkModel(model, what);
            return model;
        } catch (IOException | RuntimeException e) {
            throw wrapParse(e, what);
        }
    }

    public static TensorProto readTensor(Path file) {
        try {
            return TensorProto.parseFrom(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw wrapParse(e, file.toString());
        }
    }

    public static SequenceProto readSequence(Path file) {
        try {
            return SequenceProto.parseFrom(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw wrapParse(e, file.toString());
        }
    }

    public static OptionalProto readOptional(Path file) {
        try {
            return OptionalProto.parseFrom(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw wrapParse(e, file.toString());
        }
    }

    public static void writeModel(ModelProto model, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (var out = Files.newOutputStream(file)) {
                model.writeTo(out);
            }
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer map(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new GhostFlowException(ErrorCode.INVALID_FORMAT,
                        file + " is larger than 2 GiB; store the weights as external data");
            }
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return buf;
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static GhostFlowException wrapParse(Exception e, String what) {
        if (e instanceof GhostFlowException g) {
            return g;
        }
        return new GhostFlowException(ErrorCode.INVALID_FORMAT, what + " is not a valid ONNX protobuf: " + e.getMessage(), e);
    }
}
