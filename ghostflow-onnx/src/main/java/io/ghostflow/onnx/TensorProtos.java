package io.ghostflow.onnx;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** TensorProto <-> Tensor. */
public final class TensorProtos {
    private TensorProtos() {
    }

    /**
     * Converts a TensorProto. raw_data that aliases a mapped file is wrapped without copying.
     *
     * @param baseDir directory that external data locations are resolved against; null refuses external data
     */
    public static Tensor toTensor(TensorProto t, Path baseDir) {
        DType dtype = DType.fromOnnx(t.getDataType());
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int[] shape = Shapes.toIntShape(dims, "tensor '" + t.getName() + "'");
        int n = Shapes.size(shape);
        if (t.hasRawData()) {
            var buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            MemorySegment seg = MemorySegment.ofBuffer(buf);
            if (seg.byteSize() < (long) n * dtype.storageBytes()) {
                throw new GhostFlowException(ErrorCode.INVALID_FORMAT, "tensor '" + t.getName() + "': raw_data has "
                        + seg.byteSize() + " bytes, dims need " + (long) n * dtype.storageBytes());
            }
            return Tensor.wrap(dtype, shape, seg);
        }
        Tensor out = Tensor.zeros(dtype, shape);
        switch (dtype) {
            case FLOAT -> {
                check(t, t.getFloatDataCount(), n);
                for (int i = 0; i < n; i++) {
                    out.setDouble(i, t.getFloatData(i));
                }
            }
            case DOUBLE -> {
                check(t, t.getDoubleDataCount(), n);
                for (int i = 0; i < n; i++) {
                    out.setDouble(i, t.getDoubleData(i));
                }
            }
            case INT64 -> {
                check(t, t.getInt64DataCount(), n);
                for (int i = 0; i < n; i++) {
                    out.setLong(i, t.getInt64Data(i));
                }
            }
            case INT32, INT16, INT8, UINT16, UINT8, BOOL -> {
                check(t, t.getInt32DataCount(), n);
                for (int i = 0; i < n; i++) {
                    out.setLong(i, t.getInt32Data(i));
                }
            }
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "tensor '" + t.getName() + "': " + dtype + " not yet supported");
        }
        return out;
    }

    private static void check(TensorProto t, int have, int need) {
        if (have < need) {
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT,
                    "tensor '" + t.getName() + "' has " + have + " values, dims need " + need);
        }
    }

    public static Tensor fromSparse(io.ghostflow.onnx.proto.Onnx.SparseTensorProto t, Path baseDir) {
        throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "sparse tensors");
    }

    public static io.ghostflow.tensor.Value toValue(io.ghostflow.onnx.proto.Onnx.SequenceProto s, Path baseDir) {
        java.util.List<Tensor> ts = new java.util.ArrayList<>();
        for (TensorProto t : s.getTensorValuesList()) {
            ts.add(toTensor(t, baseDir));
        }
        return new io.ghostflow.tensor.TensorSequence(ts.isEmpty() ? DType.FLOAT : ts.get(0).dtype(), ts);
    }

    public static io.ghostflow.tensor.Value toValue(io.ghostflow.onnx.proto.Onnx.OptionalProto o, Path baseDir) {
        if (o.hasTensorValue()) {
            return new io.ghostflow.tensor.OptionalValue(toTensor(o.getTensorValue(), baseDir));
        }
        if (o.hasSequenceValue()) {
            return new io.ghostflow.tensor.OptionalValue(toValue(o.getSequenceValue(), baseDir));
        }
        return io.ghostflow.tensor.OptionalValue.EMPTY;
    }

    /** Converts a tensor to a TensorProto with raw_data. */
    public static TensorProto fromTensor(Tensor t, String name) {
        throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "fromTensor");
    }
}
