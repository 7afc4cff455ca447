package io.ghostflow.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.OptionalProto;
import io.ghostflow.onnx.proto.Onnx.SequenceProto;
import io.ghostflow.onnx.proto.Onnx.SparseTensorProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * TensorProto and the other value messages of ONNX <-> GhostFlow values.
 *
 * <p>Reading never copies data whose file layout equals GhostFlow's storage (little-endian
 * float, double, integers, 16-bit float bit patterns, 8-bit types, complex pairs): raw_data that
 * aliases a mapped model, and external data, are wrapped as they are. Sub-byte types are
 * unpacked to one element per byte on the heap; typed repeated fields are decoded to the heap.
 */
public final class TensorProtos {
    private TensorProtos() {
    }

    /**
     * Converts a TensorProto.
     *
     * @param baseDir directory that external data locations are resolved against (the model's
     *                directory); null refuses external data
     * @throws GhostFlowException INVALID_FORMAT for malformed or hostile tensors (message names the
     *                            tensor), IO_ERROR for unreadable external files
     */
    public static Tensor toTensor(TensorProto t, Path baseDir) {
        String what = ProtoShapes.name(t.getName());
        DType dtype = dtypeOf(t.getDataType(), what);
        int[] shape = ProtoShapes.shape(t.getDimsList(), what);
        int n = ProtoShapes.size(shape);
        if (t.hasSegment()) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, what + ": segmented tensors are not supported");
        }
        if (ExternalData.isExternal(t)) {
            if (dtype == DType.STRING) {
                throw ProtoShapes.invalid(what + ": STRING tensors cannot use external data");
            }
            return fromFileLayout(dtype, shape, n, ExternalData.slice(t, baseDir, fileBytes(dtype, n)));
        }
        if (t.hasRawData()) {
            if (dtype == DType.STRING) {
                throw ProtoShapes.invalid(what + ": STRING tensors must use string_data, not raw_data");
            }
            long need = fileBytes(dtype, n);
            ByteString raw = t.getRawData();
            if (raw.size() != need) {
                throw ProtoShapes.invalid(what + ": raw_data has " + raw.size() + " bytes, dims " + t.getDimsList()
                        + " and type " + dtype + " need " + need);
            }
            // For a model parsed with aliasing this is a view of the mapped file, not a copy.
            MemorySegment seg = MemorySegment.ofBuffer(raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
            return fromFileLayout(dtype, shape, n, seg);
        }
        return TypedFields.decode(t, dtype, shape, n);
    }

    /** Bytes {@code n} elements take in a file (packed for sub-byte types). */
    static long fileBytes(DType dtype, int n) {
        return PackedBits.isPacked(dtype) ? PackedBits.packedBytes(dtype, n) : (long) n * dtype.storageBytes();
    }

    private static Tensor fromFileLayout(DType dtype, int[] shape, int n, MemorySegment seg) {
        if (PackedBits.isPacked(dtype)) {
            return Tensor.ofArray(dtype, PackedBits.unpack(dtype, seg, n), shape);
        }
        return Tensor.wrap(dtype, shape, seg);
    }

    static DType dtypeOf(int code, String what) {
        try {
            return DType.fromOnnx(code);
        } catch (GhostFlowException e) {
            throw ProtoShapes.invalid(what + ": unknown data_type " + code);
        }
    }

    /**
     * Converts a tensor to a TensorProto: raw_data (little-endian, sub-byte types packed) for
     * every type but STRING, which uses string_data as the spec requires.
     */
    public static TensorProto fromTensor(Tensor t, String name) {
        TensorProto.Builder b = header(t, name);
        if (t.dtype() == DType.STRING) {
            for (String s : t.strings()) {
                b.addStringData(ByteString.copyFrom(s, StandardCharsets.UTF_8));
            }
            return b.build();
        }
        return b.setRawData(UnsafeByteOperations.unsafeWrap(fileLayout(t, name))).build();
    }

    /** dims, data_type and name of {@code t}. */
    static TensorProto.Builder header(Tensor t, String name) {
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(t.dtype().onnxCode());
        if (name != null) {
            b.setName(name);
        }
        for (int d : t.shape()) {
            b.addDims(d);
        }
        return b;
    }

    /** The bytes {@code t} takes in a file (a fresh array; sub-byte types packed). */
    static byte[] fileLayout(Tensor t, String name) {
        MemorySegment seg = t.segment();
        if (PackedBits.isPacked(t.dtype())) {
            return PackedBits.pack(t.dtype(), seg, t.size());
        }
        if (seg.byteSize() > Integer.MAX_VALUE - 8) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, ProtoShapes.name(name) + " has " + seg.byteSize()
                    + " bytes, too many for raw_data; write the model with external data");
        }
        return seg.toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Densifies a sparse tensor. Indices are an integer tensor of shape [NNZ] (linear indices)
     * or [NNZ, rank]; every index is bounds-checked. Values must be a [NNZ] tensor.
     */
    public static Tensor fromSparse(SparseTensorProto sp, Path baseDir) {
        return SparseTensors.densify(sp, baseDir);
    }

    /**
     * Converts a SequenceProto of tensors (or sparse tensors, densified) to a TensorSequence.
     * Nested sequences and maps have no GhostFlow value type and are refused (NOT_IMPLEMENTED).
     */
    public static io.ghostflow.tensor.Value toValue(SequenceProto s, Path baseDir) {
        return Values.sequence(s, baseDir);
    }

    /** Converts an OptionalProto; an empty optional (no value) is {@link io.ghostflow.tensor.OptionalValue#EMPTY}. */
    public static io.ghostflow.tensor.Value toValue(OptionalProto o, Path baseDir) {
        return Values.optional(o, baseDir);
    }
}
