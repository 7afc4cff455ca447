package io.ghostflow.runtime.graph;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.onnx.TensorProtos;
import io.ghostflow.onnx.proto.Onnx.AttributeProto;
import io.ghostflow.onnx.proto.Onnx.FunctionProto;
import io.ghostflow.onnx.proto.Onnx.GraphProto;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.onnx.proto.Onnx.NodeProto;
import io.ghostflow.onnx.proto.Onnx.OperatorSetIdProto;
import io.ghostflow.onnx.proto.Onnx.TensorProto;
import io.ghostflow.onnx.proto.Onnx.TensorShapeProto;
import io.ghostflow.onnx.proto.Onnx.TypeProto;
import io.ghostflow.onnx.proto.Onnx.ValueInfoProto;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts ONNX protobuf ({@link ModelProto}) into GhostFlow's graph IR. Model-local functions are inlined. */
public final class ModelLoader {
    private final Path baseDir;
    private final Map<String, FunctionProto> functions = new HashMap<>();
    private int inlineCounter;

    private ModelLoader(Path baseDir) {
        this.baseDir = baseDir;
    }

    public static Model load(Path file) {
        ModelProto proto = OnnxFiles.readModel(file);
        Path dir = file.toAbsolutePath().getParent();
        return fromProto(proto, dir);
    }

    public static Model fromProto(ModelProto proto, Path baseDir) {
        ModelLoader loader = new ModelLoader(baseDir);
        Map<String, Integer> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto op : proto.getOpsetImportList()) {
            opsets.put(Node.normalizeDomain(op.getDomain()), (int) op.getVersion());
        }
        for (FunctionProto f : proto.getFunctionsList()) {
            loader.functions.put(Node.normalizeDomain(f.getDomain()) + "::" + f.getName(), f);
            for (OperatorSetIdProto op : f.getOpsetImportList()) {
                opsets.putIfAbsent(Node.normalizeDomain(op.getDomain()), (int) op.getVersion());
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        proto.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
        try {
            Graph g = loader.graph(proto.getGraph());
            return new Model(g, opsets, proto.getIrVersion(), proto.getProducerName(), proto.getProducerVersion(), meta, baseDir);
        } catch (GhostFlowException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GhostFlowException(ErrorCode.INVALID_FORMAT, "cannot convert model: " + e, e);
        }
    }

    Graph graph(GraphProto g) {
        Map<String, Tensor> inits = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw new GhostFlowException(ErrorCode.INVALID_FORMAT, "graph '" + g.getName() + "' has an initializer without a name");
            }
            inits.put(t.getName(), TensorProtos.toTensor(t, baseDir));
        }
        for (var sp : g.getSparseInitializerList()) {
            inits.put(sp.getValues().getName(), TensorProtos.fromSparse(sp, baseDir));
        }
        List<Node> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            addNode(n, nodes, 0);
        }
        Map<String, ValueInfo> vi = new LinkedHashMap<>();
        for (ValueInfoProto v : g.getValueInfoList()) {
            vi.put(v.getName(), valueInfo(v));
        }
        return new Graph(g.getName(), nodes, g.getInputList().stream().map(ModelLoader::valueInfo).toList(),
                g.getOutputList().stream().map(ModelLoader::valueInfo).toList(), inits, vi);
    }

    private void addNode(NodeProto n, List<Node> out, int depth) {
        FunctionProto f = functions.get(Node.normalizeDomain(n.getDomain()) + "::" + n.getOpType());
        if (f != null) {
            if (depth > 32) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "function '" + n.getOpType() + "' nests too deep (recursive?)");
            }
            inlineFunction(n, f, out, depth);
            return;
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            attrs.put(a.getName(), attribute(a));
        }
        out.add(new Node(n.getName(), n.getOpType(), n.getDomain(), n.getInputList(), n.getOutputList(), attrs));
    }

    /** Expands a call of a model-local function into its body, renaming internal values. */
    private void inlineFunction(NodeProto call, FunctionProto f, List<Node> out, int depth) {
        String prefix = "__" + f.getName() + "_" + (inlineCounter++) + "__";
        Map<String, String> rename = new HashMap<>();
        for (int i = 0; i < f.getInputCount(); i++) {
            rename.put(f.getInput(i), i < call.getInputCount() ? call.getInput(i) : "");
        }
        for (int i = 0; i < f.getOutputCount(); i++) {
            rename.put(f.getOutput(i), i < call.getOutputCount() ? call.getOutput(i) : prefix + f.getOutput(i));
        }
        Map<String, AttributeProto> callAttrs = new HashMap<>();
        for (AttributeProto a : f.getAttributeProtoList()) {
            callAttrs.put(a.getName(), a); // defaults
        }
        for (AttributeProto a : call.getAttributeList()) {
            callAttrs.put(a.getName(), a);
        }
        for (NodeProto body : f.getNodeList()) {
            NodeProto.Builder b = body.toBuilder().clearInput().clearOutput().clearAttribute();
            for (String in : body.getInputList()) {
                b.addInput(in.isEmpty() ? "" : rename.getOrDefault(in, prefix + in));
            }
            for (String o : body.getOutputList()) {
                b.addOutput(o.isEmpty() ? "" : rename.computeIfAbsent(o, k -> prefix + k));
            }
            for (AttributeProto a : body.getAttributeList()) {
                if (!a.getRefAttrName().isEmpty()) {
                    AttributeProto actual = callAttrs.get(a.getRefAttrName());
                    if (actual != null) {
                        b.addAttribute(actual.toBuilder().setName(a.getName()));
                    }
                } else {
                    b.addAttribute(a);
                }
            }
            b.setName(prefix + body.getName());
            addNode(b.build(), out, depth + 1);
        }
    }

    private Attribute attribute(AttributeProto a) {
        String name = a.getName();
        if (!a.getRefAttrName().isEmpty()) {
            return new Attribute(name, typeOf(a), null, a.getRefAttrName());
        }
        Attribute.Type type = typeOf(a);
        Object v = switch (type) {
            case FLOAT -> a.getF();
            case INT -> a.getI();
            case STRING -> a.getS().toStringUtf8();
            case TENSOR -> TensorProtos.toTensor(a.getT(), baseDir);
            case GRAPH -> graph(a.getG());
            case SPARSE_TENSOR -> TensorProtos.fromSparse(a.getSparseTensor(), baseDir);
            case TYPE_PROTO -> valueType(a.getTp());
            case FLOATS -> {
                float[] f = new float[a.getFloatsCount()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = a.getFloats(i);
                }
                yield f;
            }
            case INTS -> a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            case STRINGS -> a.getStringsList().stream().map(s -> s.toStringUtf8()).toList();
            case TENSORS -> a.getTensorsList().stream().map(t -> TensorProtos.toTensor(t, baseDir)).toList();
            case GRAPHS -> a.getGraphsList().stream().map(this::graph).toList();
            case SPARSE_TENSORS -> a.getSparseTensorsList().stream().map(t -> TensorProtos.fromSparse(t, baseDir)).toList();
            case TYPE_PROTOS -> a.getTypeProtosList().stream().map(ModelLoader::valueType).toList();
        };
        return new Attribute(name, type, v, null);
    }

    /** The attribute's type; IR v1 files lack the discriminator, so fall back to which field is set. */
    private static Attribute.Type typeOf(AttributeProto a) {
        if (a.hasType() && a.getType() != AttributeProto.AttributeType.UNDEFINED) {
            return Attribute.Type.valueOf(a.getType().name());
        }
        if (a.hasF()) {
            return Attribute.Type.FLOAT;
        }
        if (a.hasI()) {
            return Attribute.Type.INT;
        }
        if (a.hasS()) {
            return Attribute.Type.STRING;
        }
        if (a.hasT()) {
            return Attribute.Type.TENSOR;
        }
        if (a.hasG()) {
            return Attribute.Type.GRAPH;
        }
        if (a.getFloatsCount() > 0) {
            return Attribute.Type.FLOATS;
        }
        if (a.getIntsCount() > 0) {
            return Attribute.Type.INTS;
        }
        if (a.getStringsCount() > 0) {
            return Attribute.Type.STRINGS;
        }
        if (a.getTensorsCount() > 0) {
            return Attribute.Type.TENSORS;
        }
        if (a.getGraphsCount() > 0) {
            return Attribute.Type.GRAPHS;
        }
        throw new GhostFlowException(ErrorCode.INVALID_FORMAT, "attribute '" + a.getName() + "' has no type and no value");
    }

    public static ValueInfo valueInfo(ValueInfoProto v) {
        return new ValueInfo(v.getName(), v.hasType() ? valueType(v.getType()) : ValueType.UNKNOWN);
    }

    public static ValueType valueType(TypeProto t) {
        return switch (t.getValueCase()) {
            case TENSOR_TYPE -> ValueType.tensor(t.getTensorType().getElemType() == 0 ? null : DType.fromOnnx(t.getTensorType().getElemType()),
                    t.getTensorType().hasShape() ? dims(t.getTensorType().getShape()) : null);
            case SPARSE_TENSOR_TYPE -> new ValueType(ValueType.Kind.SPARSE_TENSOR, DType.fromOnnx(t.getSparseTensorType().getElemType()),
                    t.getSparseTensorType().hasShape() ? dims(t.getSparseTensorType().getShape()) : null, null);
            case SEQUENCE_TYPE -> ValueType.sequence(valueType(t.getSequenceType().getElemType()));
            case OPTIONAL_TYPE -> ValueType.optional(valueType(t.getOptionalType().getElemType()));
            case MAP_TYPE -> new ValueType(ValueType.Kind.MAP, null, null, null);
            case VALUE_NOT_SET -> ValueType.UNKNOWN;
        };
    }

    private static List<Dim> dims(TensorShapeProto s) {
        List<Dim> out = new ArrayList<>();
        for (var d : s.getDimList()) {
            out.add(switch (d.getValueCase()) {
                case DIM_VALUE -> Dim.of(d.getDimValue());
                case DIM_PARAM -> Dim.symbolic(d.getDimParam());
                case VALUE_NOT_SET -> Dim.UNKNOWN;
            });
        }
        return out;
    }
}
