package io.ghostflow.nn.export;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.nn.Module;
import io.ghostflow.nn.autograd.Var;
import io.ghostflow.onnx.OnnxFiles;
import io.ghostflow.onnx.proto.Onnx.ModelProto;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a module as a real ONNX model: one graph input {@code input} of shape
 * [batch, sample...] with a symbolic batch dimension, one output {@code output}, parameters
 * and BatchNorm statistics as raw_data initializers named like the module's state
 * ({@code "0.weight"}), opset 17 (20 when the model uses GELU) and the matching IR version.
 */
public final class OnnxExporter {
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";
    public static final String BATCH = "batch";

    private OnnxExporter() {
    }

    /** The module as GhostFlow's graph IR; {@code sampleShape} is one sample's shape (no batch axis). */
    public static Model toModel(Module module, int... sampleShape) {
        module.requireInitialized();
        int[] outSample = probeOutputShape(module, sampleShape);
        ExportContext ctx = new ExportContext();
        String last = module.export(ctx, INPUT);
        List<Node> nodes = new ArrayList<>(ctx.nodes());
        if (last.equals(INPUT)) {
            nodes.add(new Node(OUTPUT, "Identity", List.of(INPUT), List.of(OUTPUT)));
        } else {
            for (Node n : nodes) {
                n.outputs().replaceAll(o -> o.equals(last) ? OUTPUT : o);
                n.inputs().replaceAll(i -> i.equals(last) ? OUTPUT : i);
            }
        }
        ValueInfo in = new ValueInfo(INPUT, ValueType.tensor(module.inputType(), batched(sampleShape)));
        ValueInfo out = new ValueInfo(OUTPUT, ValueType.tensor(DType.FLOAT, batched(outSample)));
        Graph g = new Graph(module.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), nodes, List.of(in), List.of(out),
                ctx.initializers(), Map.of());
        return new Model(g, Map.of("", ctx.opset()), GraphBuilder.irVersionFor(ctx.opset()), "ghostflow-nn", "0.1.0", Map.of(), null);
    }

    public static ModelProto toProto(Module module, int... sampleShape) {
        return GraphBuilder.toProto(toModel(module, sampleShape));
    }

    /** Writes {@code file}; the parent folder is created. */
    public static Path export(Module module, Path file, int... sampleShape) {
        OnnxFiles.writeModel(toProto(module, sampleShape), file);
        return file;
    }

    /**
     * Writes {@code modelFile} and, beside it, {@code test_data_set_0/input_0.pb, output_0.pb}:
     * the given batch and the module's own eval-mode output for it. With the file named
     * {@code model.onnx}, {@code ghostflow check DIR} then verifies that the exported file
     * computes what the module computes.
     */
    public static Path exportWithTestData(Module module, Path modelFile, Tensor sampleBatch) {
        int[] shape = sampleBatch.shape();
        int[] sample = java.util.Arrays.copyOfRange(shape, 1, shape.length);
        Path model = export(module, modelFile, sample);
        Path dir = modelFile.toAbsolutePath().getParent();
        Tensor expected = evalForward(module, sampleBatch);
        Tensor input = module.inputType() == DType.INT64 ? Tensor.ofLongs(sampleBatch.asLongs(), shape) : sampleBatch;
        Path set = dir.resolve("test_data_set_0");
        try {
            Files.createDirectories(set);
            Files.write(set.resolve("input_0.pb"), io.ghostflow.onnx.TensorProtos.fromTensor(input, INPUT).toByteArray());
            Files.write(set.resolve("output_0.pb"), io.ghostflow.onnx.TensorProtos.fromTensor(expected, OUTPUT).toByteArray());
        } catch (IOException e) {
            throw new GhostFlowException(ErrorCode.IO_ERROR, "cannot write test data in " + set + ": " + e.getMessage(), e);
        }
        return model;
    }

    /** Forward in eval mode without disturbing the module's mode or state. */
    public static Tensor evalForward(Module module, Tensor batch) {
        boolean wasTraining = module.isTraining();
        module.eval();
        try {
            Tensor x = batch.dtype() == DType.FLOAT ? batch : Tensor.of(batch.asFloats(), batch.shape());
            return module.forward(Var.constant(x)).toTensor();
        } finally {
            if (wasTraining) {
                module.train();
            }
        }
    }

    private static int[] probeOutputShape(Module module, int[] sampleShape) {
        Tensor probe = Tensor.zeros(DType.FLOAT, Shapes.concat(new int[] {1}, sampleShape));
        int[] s = evalForward(module, probe).shape();
        return java.util.Arrays.copyOfRange(s, 1, s.length);
    }

    private static List<Dim> batched(int[] sample) {
        List<Dim> dims = new ArrayList<>();
        dims.add(Dim.symbolic(BATCH));
        for (int d : sample) {
            dims.add(Dim.of(d));
        }
        return dims;
    }
}
