package io.ghostflow.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.OptionalProto;
import io.ghostflow.onnx.proto.Onnx.SequenceProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Reading and writing ONNX protobuf files. Files are memory-mapped and parsed with aliasing,
 * so {@code raw_data} fields are views into the mapped file, not heap copies; the mapping lives
 * as long as the returned message (or a tensor made from it) is reachable.
 */
public final class OnnxFiles {
    /** Protobuf nesting limit: deep enough for real models with nested If/Loop bodies. */
    private static final int RECURSION_LIMIT = 256;
    /** Files smaller than this are read rather than mapped. */
    private static final long MAP_THRESHOLD = 64 * 1024;

    private OnnxFiles() {
    }

    /** Reads a model file; the result's raw_data fields alias the mapped file. */
    public static ModelProto readModel(Path file) {
        ModelProto model = parse(map(file), ModelProto.parser(), file.toString());
        ModelChecks.checkModel(model, file.toString());
        return model;
    }

    /**
     * Parses a model from bytes already in memory. raw_data fields alias {@code bytes}, so the
     * caller must not modify the array afterwards.
     */
    public static ModelProto parseModel(byte[] bytes, String what) {
        ModelProto model = parse(ByteBuffer.wrap(bytes), ModelProto.parser(), what);
        ModelChecks.checkModel(model, what);
        return model;
    }

    /** Reads a file holding one TensorProto (an ONNX test-data {@code .pb} file). */
    public static TensorProto readTensor(Path file) {
        return parse(map(file), TensorProto.parser(), file.toString());
    }

    public static SequenceProto readSequence(Path file) {
        return parse(map(file), SequenceProto.parser(), file.toString());
    }

    public static OptionalProto readOptional(Path file) {
        return parse(map(file), OptionalProto.parser(), file.toString());
    }

    /** Writes a model as one file (all tensors inline); fails if it would exceed protobuf's 2 GiB. */
    public static void writeModel(ModelProto model, Path file) {
        writeMessage(model, file);
    }

    /**
     * Writes a model, moving initializers of at least {@code policy.thresholdBytes()} into one
     * external data file beside it ({@code policy.location()}), each at an aligned offset. The
     * input model is not changed. Needed for models whose weights exceed protobuf's 2 GiB.
     */
    public static void writeModel(ModelProto model, Path file, ExternalDataPolicy policy) {
        Path dir = file.toAbsolutePath().getParent();
        Path dataFile = checkedDataFile(dir, policy.location());
        Path tmpData = dataFile.resolveSibling(dataFile.getFileName() + ".tmp");
        try {
            Files.createDirectories(dir);
            ModelProto rewritten = ExternalDataWriter.externalize(model, tmpData, policy);
            Files.move(tmpData, dataFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            writeMessage(rewritten, file);
        } catch (IOException e) {
            throw ExternalDataWriter.writeFailed(dataFile, e);
        } finally {
            try {
                Files.deleteIfExists(tmpData);
            } catch (IOException ignored) {
                // best effort: a leftover temporary file is harmless
            }
        }
    }

    private static Path checkedDataFile(Path dir, String location) {
        String normalized = location.replace('\\', '/');
        if (normalized.isEmpty() || normalized.startsWith("/") || normalized.contains(":")
                || java.util.Arrays.asList(normalized.split("/")).contains("..")) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT,
                    "external data location '" + location + "' must be a relative path inside the model directory");
        }
        return dir.resolve(normalized).normalize();
    }

    private static void writeMessage(com.google.protobuf.MessageLite message, Path file) {
        Path tmp = file.toAbsolutePath().resolveSibling(file.getFileName() + ".tmp");
        try {
            int size = message.getSerializedSize();
            if (size < 0) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "cannot write " + file
                        + ": the model exceeds protobuf's 2 GiB limit; write it with an ExternalDataPolicy");
            }
            Files.createDirectories(tmp.getParent());
            try (var out = Files.newOutputStream(tmp)) {
                message.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw ExternalDataWriter.writeFailed(file, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /**
     * The file's bytes: small files are read onto the heap (a mapping costs a page-aligned
     * region and a kernel map entry, and test suites open thousands of tiny files), larger ones
     * are mapped. Either way the parse aliases them, so weights exist once.
     */
    private static ByteBuffer map(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new GhostFlowException(ErrorCode.INVALID_FORMAT,
                        file + " is larger than 2 GiB; store the weights as external data");
            }
            if (size < MAP_THRESHOLD) {
                ByteBuffer heap = ByteBuffer.allocate((int) size);
                while (heap.hasRemaining() && ch.read(heap) >= 0) {
                    // read fully
                }
                return heap.flip();
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses with aliasing. Protobuf reports corrupt input with InvalidProtocolBufferException but
     * can also throw other runtime exceptions on hostile bytes; all become INVALID_FORMAT.
     */
    private static <T> T parse(ByteBuffer bytes, Parser<T> parser, String what) {
        try {
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
            in.enableAliasing(true);
            in.setRecursionLimit(RECURSION_LIMIT);
            T message = parser.parseFrom(in);
            return message;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            if (e instanceof GhostFlowException g) {
                throw g;
            }
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT, what + " is not a valid ONNX protobuf: " + e.getMessage(), e);
        }
    }
}
