package io.ghostflow.runtime;

import io.ghostflow.onnx.proto.Onnx.GraphProto;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.NodeProto;
import io.ghostflow.onnx.proto.Onnx.OperatorSetIdProto;
import io.ghostflow.onnx.proto.Onnx.TensorShapeProto;
import io.ghostflow.onnx.proto.Onnx.TypeProto;
import io.ghostflow.onnx.proto.Onnx.ValueInfoProto;
import io.ghostflow.tensor.DType;

/** Tiny hand-built ONNX models for tests. */
public final class ModelProtos {
    private ModelProtos() {
    }

    public static ValueInfoProto tensor(String name, DType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            if (d instanceof String s) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
            } else {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
            }
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.onnxCode()).setShape(shape))).build();
    }

    public static NodeProto node(String op, String name, String[] inputs, String... outputs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : inputs) {
            b.addInput(i);
        }
        for (String o : outputs) {
            b.addOutput(o);
        }
        return b.build();
    }

    public static ModelProto model(int opset, GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph).build();
    }

    /** y = Identity(x) with x: float[batch, 3]. */
    public static ModelProto identity() {
        return model(17, GraphProto.newBuilder().setName("g")
                .addNode(node("Identity", "id", new String[] {"x"}, "y"))
                .addInput(tensor("x", DType.FLOAT, "batch", 3))
                .addOutput(tensor("y", DType.FLOAT, "batch", 3)).build());
    }
}
