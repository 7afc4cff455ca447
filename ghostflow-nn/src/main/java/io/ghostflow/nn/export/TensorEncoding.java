package io.ghostflow.nn.export;

import com.google.protobuf.ByteString;
import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Tensor -> TensorProto with little-endian raw_data, for the element types models built here
 * use (FLOAT weights and activations, INT64 ids). Kept local so export works whatever state the
 * general converter in ghostflow-onnx is in.
 */
public final class TensorEncoding {
    private TensorEncoding() {
    }

    public static TensorProto toProto(Tensor t, String name) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(t.dtype().onnxCode());
        for (int d : t.shape()) {
            b.addDims(d);
        }
        byte[] raw = switch (t.dtype()) {
            case FLOAT -> t.segment().toArray(ValueLayout.JAVA_BYTE);
            case INT64 -> t.segment().toArray(ValueLayout.JAVA_BYTE);
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "tensor '" + name + "': exporting " + t.dtype() + " is not supported");
        };
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN && t.dtype() == DType.FLOAT) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "big-endian hosts");
        }
        return b.setRawData(ByteString.copyFrom(raw)).build();
    }
}
