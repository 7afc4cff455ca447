package io.ghostflow.nn.export;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.onnx.proto.Onnx.GraphProto;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.graph.ModelWriter;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds an ONNX model by hand: declare inputs, add initializers and nodes, declare outputs,
 * then {@link #build()} (GhostFlow's graph IR), {@link #toProto()} or {@link #save(Path)}.
 *
 * <pre>{@code
 * Model m = GraphBuilder.create("affine")
 *     .input("x", DType.FLOAT, "batch", 4)
 *     .initializer("W", Tensor.of(w, 3, 4)).initializer("b", Tensor.of(b, 3))
 *     .node("Gemm", List.of("x", "W", "b"), "y", Map.of("transB", Attribute.of("transB", 1L)))
 *     .output("y", DType.FLOAT, "batch", 3)
 *     .build();
 * }</pre>
 */
public final class GraphBuilder {
    private final String name;
    private final List<ValueInfo> inputs = new ArrayList<>();
    private final List<ValueInfo> outputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final Set<String> defined = new HashSet<>();
    private int opset = io.ghostflow.nn.ops.Ops.OPSET;
    private String producer = "ghostflow-nn";

    private GraphBuilder(String name) {
        this.name = name;
    }

    public static GraphBuilder create(String graphName) {
        return new GraphBuilder(graphName);
    }

    /** Reads a model file back into GhostFlow's graph IR. */
    public static Model load(Path file) {
        return ModelLoader.load(file);
    }

    public GraphBuilder opset(int version) {
        this.opset = version;
        return this;
    }

    public GraphBuilder producer(String producerName) {
        this.producer = producerName;
        return this;
    }

    /** A graph input; each dim is an Integer (fixed) or a String (symbolic, e.g. "batch"). */
    public GraphBuilder input(String valueName, DType type, Object... dims) {
        define(valueName);
        inputs.add(new ValueInfo(valueName, ValueType.tensor(type, dims(dims))));
        return this;
    }

    public GraphBuilder initializer(String valueName, Tensor value) {
        define(valueName);
        initializers.put(valueName, value);
        return this;
    }

    /** A node with one output named {@code output}; the node takes the output's name. */
    public GraphBuilder node(String opType, List<String> nodeInputs, String output, Map<String, Attribute> attrs) {
        return node(output, opType, nodeInputs, List.of(output), attrs);
    }

    public GraphBuilder node(String nodeName, String opType, List<String> nodeInputs, List<String> nodeOutputs, Map<String, Attribute> attrs) {
        for (String in : nodeInputs) {
            if (!in.isEmpty() && !defined.contains(in)) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH,
                        "node '" + nodeName + "' (" + opType + "): input '" + in + "' is not defined yet (add inputs, initializers and nodes in order)");
            }
        }
        nodeOutputs.forEach(this::define);
        nodes.add(new Node(nodeName, opType, "", nodeInputs, nodeOutputs, attrs));
        return this;
    }

    public GraphBuilder output(String valueName, DType type, Object... dims) {
        if (!defined.contains(valueName)) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "output '" + valueName + "' is produced by no node, input or initializer");
        }
        outputs.add(new ValueInfo(valueName, ValueType.tensor(type, dims(dims))));
        return this;
    }

    private void define(String valueName) {
        if (!defined.add(valueName)) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "value '" + valueName + "' is defined twice");
        }
    }

    private static List<Dim> dims(Object[] dims) {
        List<Dim> out = new ArrayList<>();
        for (Object d : dims) {
            out.add(switch (d) {
                case Integer i -> Dim.of(i);
                case Long l -> Dim.of(l);
                case String s -> Dim.symbolic(s);
                default -> throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "dimension " + d + " is neither a number nor a name");
            });
        }
        return out;
    }

    /** IR version that goes with an opset (onnx/helper.py's VERSION_TABLE). */
    public static int irVersionFor(int opset) {
        if (opset <= 17) {
            return 8;
        }
        if (opset <= 20) {
            return 9;
        }
        return opset <= 22 ? 10 : 11;
    }

    public Model build() {
        if (outputs.isEmpty()) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "graph '" + name + "' declares no output");
        }
        Graph g = new Graph(name, nodes, inputs, outputs, initializers, Map.of());
        return new Model(g, Map.of("", opset), irVersionFor(opset), producer, "0.1.0", Map.of(), null);
    }

    /** The model as an ONNX ModelProto, initializers as raw_data. */
    public ModelProto toProto() {
        return toProto(build());
    }

    /** Any in-memory model to a ModelProto, initializers written as raw_data. */
    public static ModelProto toProto(Model model) {
        Graph g = model.graph();
        Graph bare = new Graph(g.name(), g.nodes(), g.inputs(), g.outputs(), Map.of(), g.valueInfo());
        Model m = new Model(bare, model.opsets(), model.irVersion(), model.producerName(), model.producerVersion(), model.metadata(), null);
        ModelProto p = ModelWriter.toProto(m);
        GraphProto.Builder gb = p.getGraph().toBuilder();
        g.initializers().forEach((n, t) -> gb.addInitializer(io.ghostflow.onnx.TensorProtos.fromTensor(t, n)));
        return p.toBuilder().setGraph(gb).build();
    }

    public Path save(Path file) {
        OnnxFiles.writeModel(toProto(), file);
        return file;
    }
}
