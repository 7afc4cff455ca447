package io.ghostflow.runtime.shape;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.runtime.InferenceSession;
import io.ghostflow.runtime.SessionOptions;
import io.ghostflow.runtime.TestPaths;
import io.ghostflow.runtime.check.TestDataSet;
import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.ModelLoader;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Symbolic inference on the real models: declared outputs are reproduced with their symbolic
 * dims, and every inferred shape, with the symbols bound, equals what a real run produces at
 * batch 1 and at batch 3/4.
 */
class SymbolicShapesTest {
    @ParameterizedTest
    @ValueSource(strings = {"mlp_mnist", "lenet_bn", "squeezenet1_1", "mobilenet_v2_bn", "resnet18", "bert_tiny_hf", "bert_tiny_int8"})
    void inferredShapesMatchDeclaredAndActual(String name) {
        Path dir = TestPaths.models().resolve(name);
        Model model = ModelLoader.load(dir.resolve("model.onnx"));
        Map<String, ValueType> types = SymbolicShapes.infer(model.graph(), model.opsets());
        for (ValueInfo out : model.graph().outputs()) {
            assertThat(types.get(out.name()).toString()).as("inferred type of output %s", out.name()).isEqualTo(out.type().toString());
        }
        int known = 0;
        try (InferenceSession s = InferenceSession.of(model, SessionOptions.defaults().withOptimizationLevel(SessionOptions.OptimizationLevel.NONE).withIntraOpThreads(1))) {
            for (Path set : TestDataSet.find(dir)) {
                TestDataSet data = TestDataSet.read(set, model.graph().inputs(), List.of());
                Map<String, Long> bindings = new HashMap<>();
                for (ValueInfo in : model.graph().inputs()) {
                    Tensor t = (Tensor) data.inputs().get(in.name());
                    for (int i = 0; i < in.type().shape().size(); i++) {
                        Dim d = in.type().shape().get(i);
                        if (d.symbol() != null) {
                            bindings.put(d.symbol(), (long) t.dim(i));
                        }
                    }
                }
                Map<String, int[]> actual = new HashMap<>();
                s.run(data.inputs(), null, (node, start, dur, ins, outs) -> {
                    for (int i = 0; i < node.outputs().size(); i++) {
                        if (outs[i] instanceof Tensor t) {
                            actual.put(node.output(i), t.shape());
                        }
                    }
                }).close();
                for (var e : actual.entrySet()) {
                    ValueType t = types.get(e.getKey());
                    if (t == null || !t.hasShape()) {
                        continue;
                    }
                    assertThat(t.shape()).as("rank of %s", e.getKey()).hasSize(e.getValue().length);
                    for (int i = 0; i < e.getValue().length; i++) {
                        Dim d = t.shape().get(i);
                        Long expected = d.isFixed() ? Long.valueOf(d.value()) : d.symbol() != null ? bindings.get(d.symbol()) : null;
                        if (expected != null) {
                            known++;
                            assertThat((long) e.getValue()[i]).as("dim %d of %s (inferred %s, actual %s)", i, e.getKey(), t,
                                    Arrays.toString(e.getValue())).isEqualTo(expected);
                        }
                    }
                }
            }
        }
        assertThat(known).as("dims inferred and checked").isGreaterThan(10);
    }

    @org.junit.jupiter.api.Test
    void sessionFillsOutputTypesThatTheModelLeavesOut() {
        var g = io.ghostflow.onnx.proto.Onnx.GraphProto.newBuilder()
                .addNode(io.ghostflow.runtime.ModelProtos.node("Transpose", "t", new String[] {"x"}, "y"))
                .addInput(io.ghostflow.runtime.ModelProtos.tensor("x", io.ghostflow.tensor.DType.FLOAT, "batch", 3))
                .addOutput(io.ghostflow.onnx.proto.Onnx.ValueInfoProto.newBuilder().setName("y")).build();
        byte[] bytes = io.ghostflow.runtime.ModelProtos.model(17, g).toByteArray();
        try (InferenceSession s = InferenceSession.load(bytes, SessionOptions.defaults())) {
            assertThat(s.outputs().get(0).type().toString()).isEqualTo("tensor(float)[3,batch]");
        }
    }
}
