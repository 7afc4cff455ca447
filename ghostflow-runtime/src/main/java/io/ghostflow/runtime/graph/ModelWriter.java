package io.ghostflow.runtime.graph;

import com.google.protobuf.ByteString;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.onnx.TensorProtos;
import io.ghostflow.onnx.proto.Onnx.AttributeProto;
import io.ghostflow.onnx.proto.Onnx.GraphProto;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.NodeProto;
import io.ghostflow.onnx.proto.Onnx.OperatorSetIdProto;
import io.ghostflow.onnx.proto.Onnx.StringStringEntryProto;
import io.ghostflow.onnx.proto.Onnx.TensorShapeProto;
import io.ghostflow.onnx.proto.Onnx.TypeProto;
import io.ghostflow.onnx.proto.Onnx.ValueInfoProto;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;

/** Converts GhostFlow's graph IR back to an ONNX ModelProto. */
public final class ModelWriter {
    private ModelWriter() {
    }

    public static void write(Model model, Path file) {
        OnnxFiles.writeModel(toProto(model), file);
    }

    public static ModelProto toProto(Model model) {
        ModelProto.Builder b = ModelProto.newBuilder()
                .setIrVersion(Math.max(model.irVersion(), 3))
                .setProducerName(model.producerName().isEmpty() ? "ghostflow" : model.producerName())
                .setProducerVersion(model.producerVersion())
                .setGraph(graph(model.graph()));
        model.opsets().forEach((domain, version) -> b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        model.metadata().forEach((k, v) -> b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }

    public static GraphProto graph(Graph g) {
        GraphProto.Builder b = GraphProto.newBuilder().setName(g.name());
        for (Node n : g.nodes()) {
            b.addNode(node(n));
        }
        g.initializers().forEach((name, t) -> b.addInitializer(TensorProtos.fromTensor(t, name)));
        g.inputs().forEach(v -> b.addInput(valueInfo(v)));
        g.outputs().forEach(v -> b.addOutput(valueInfo(v)));
        g.valueInfo().values().forEach(v -> b.addValueInfo(valueInfo(v)));
        return b.build();
    }

    static NodeProto node(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(n.opType()).addAllInput(n.inputs()).addAllOutput(n.outputs());
        if (!n.name().isEmpty()) {
            b.setName(n.name());
        }
        if (!n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        for (Attribute a : n.attributes().values()) {
            b.addAttribute(attribute(a));
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    static AttributeProto attribute(Attribute a) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name())
                .setType(AttributeProto.AttributeType.valueOf(a.type().name()));
        if (a.refName() != null) {
            return b.setRefAttrName(a.refName()).build();
        }
        switch (a.type()) {
            case FLOAT -> b.setF(((Number) a.value()).floatValue());
            case INT -> b.setI(((Number) a.value()).longValue());
            case STRING -> b.setS(ByteString.copyFromUtf8((String) a.value()));
            case TENSOR -> b.setT(TensorProtos.fromTensor((Tensor) a.value(), ""));
            case GRAPH -> b.setG(graph((Graph) a.value()));
            case FLOATS -> {
                for (float f : (float[]) a.value()) {
                    b.addFloats(f);
                }
            }
            case INTS -> {
                for (long l : (long[]) a.value()) {
                    b.addInts(l);
                }
            }
            case STRINGS -> ((List<String>) a.value()).forEach(s -> b.addStrings(ByteString.copyFromUtf8(s)));
            case TENSORS -> ((List<Tensor>) a.value()).forEach(t -> b.addTensors(TensorProtos.fromTensor(t, "")));
            case GRAPHS -> ((List<Graph>) a.value()).forEach(g -> b.addGraphs(graph(g)));
            default -> throw new io.ghostflow.core.GhostFlowException(io.ghostflow.core.ErrorCode.NOT_IMPLEMENTED,
                    "writing attribute type " + a.type());
        }
        return b.build();
    }

    static ValueInfoProto valueInfo(ValueInfo v) {
        ValueInfoProto.Builder b = ValueInfoProto.newBuilder().setName(v.name());
        TypeProto t = type(v.type());
        if (t != null) {
            b.setType(t);
        }
        return b.build();
    }

    static TypeProto type(ValueType t) {
        return switch (t.kind()) {
            case TENSOR -> {
                TypeProto.Tensor.Builder tb = TypeProto.Tensor.newBuilder();
                if (t.elementType() != null) {
                    tb.setElemType(t.elementType().onnxCode());
                }
                if (t.shape() != null) {
                    TensorShapeProto.Builder sb = TensorShapeProto.newBuilder();
                    for (Dim d : t.shape()) {
                        var db = TensorShapeProto.Dimension.newBuilder();
                        if (d.isFixed()) {
                            db.setDimValue(d.value());
                        } else if (d.symbol() != null) {
                            db.setDimParam(d.symbol());
                        }
                        sb.addDim(db);
                    }
                    tb.setShape(sb);
                }
                yield TypeProto.newBuilder().setTensorType(tb).build();
            }
            case SEQUENCE -> TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder().setElemType(orEmpty(type(t.inner())))).build();
            case OPTIONAL -> TypeProto.newBuilder().setOptionalType(TypeProto.Optional.newBuilder().setElemType(orEmpty(type(t.inner())))).build();
            default -> null;
        };
    }

    private static TypeProto orEmpty(TypeProto t) {
        return t == null ? TypeProto.getDefaultInstance() : t;
    }
}
