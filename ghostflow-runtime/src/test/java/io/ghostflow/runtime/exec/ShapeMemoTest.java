package io.ghostflow.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.runtime.graph.Dim;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueInfo;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The executor's reuse of shape arithmetic: the reshape target computed from Shape(x) follows
 * x's shape across runs (same, changed, back again), and a node reading a graph input's
 * contents (not only its shape) is recomputed even when the caller passes the same tensor
 * object with new contents.
 */
class ShapeMemoTest {
    /** y = Reshape(x, Concat(Gather(Shape(x), 0), [-1])) and z = Add(ids, one): flatten all but the first dim. */
    private static CompiledGraph graph() {
        List<Node> nodes = List.of(
                node("Shape", List.of("x"), "s"),
                node("Gather", List.of("s", "zero"), "d0"),
                node("Unsqueeze", List.of("d0", "axes"), "d0u"),
                node("Concat", List.of("d0u", "minus1"), "target", Map.of("axis", io.ghostflow.runtime.graph.Attribute.of("axis", 0L))),
                node("Reshape", List.of("x", "target"), "y"),
                node("Add", List.of("ids", "one"), "z"));
        Map<String, Tensor> inits = Map.of(
                "zero", Tensor.ofLongs(new long[] {0}),
                "axes", Tensor.ofLongs(new long[] {0}, 1),
                "minus1", Tensor.ofLongs(new long[] {-1}, 1),
                "one", Tensor.ofLongs(new long[] {1}, 1));
        List<ValueInfo> inputs = List.of(
                new ValueInfo("x", ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("a"), Dim.symbolic("b"), Dim.symbolic("c")))),
                new ValueInfo("ids", ValueType.tensor(DType.INT64, List.of(Dim.symbolic("n")))));
        List<ValueInfo> outputs = List.of(
                new ValueInfo("y", ValueType.tensor(DType.FLOAT, List.of(Dim.symbolic("a"), Dim.symbolic("bc")))),
                new ValueInfo("target", ValueType.tensor(DType.INT64, List.of(Dim.of(2)))),
                new ValueInfo("z", ValueType.tensor(DType.INT64, List.of(Dim.symbolic("n")))));
        Graph g = new Graph("memo", nodes, inputs, outputs, inits, Map.of());
        return new CompiledGraph(g, new CompiledGraph.Settings(OpRegistry.defaults(), Map.of("", 17), 1), Set.of());
    }

    private static Node node(String op, List<String> in, String out) {
        return node(op, in, out, Map.of());
    }

    private static Node node(String op, List<String> in, String out, Map<String, io.ghostflow.runtime.graph.Attribute> attrs) {
        return new Node(op + "_" + out, op, "", in, List.of(out), attrs);
    }

    @Test
    void reshapeTargetFollowsTheInputShapeAcrossRuns() {
        CompiledGraph cg = graph();
        Tensor ids = Tensor.ofLongs(new long[] {5, 6}, 2);
        int[][] shapes = {{2, 3, 4}, {2, 3, 4}, {5, 1, 2}, {5, 1, 2}, {2, 3, 4}, {3, 2, 4}};
        Tensor lastTarget = null;
        int[] lastShape = null;
        for (int[] s : shapes) {
            Tensor x = Tensor.of(new float[s[0] * s[1] * s[2]], s);
            Map<String, Value> out = cg.run(Map.of("x", x, "ids", ids), null, null);
            Tensor y = (Tensor) out.get("y");
            Tensor target = (Tensor) out.get("target");
            assertThat(y.shape()).containsExactly(s[0], s[1] * s[2]);
            assertThat(target.asLongs()).containsExactly(s[0], -1L);
            if (java.util.Arrays.equals(s, lastShape)) {
                // the shape of the previous run: its very tensor is reused, not recomputed
                assertThat(target).isSameAs(lastTarget);
            } else if (lastTarget != null) {
                assertThat(target).isNotSameAs(lastTarget);
            }
            lastTarget = target;
            lastShape = s;
        }
    }

    @Test
    void contentsOfAGraphInputAreNeverTakenFromTheMemo() {
        CompiledGraph cg = graph();
        long[] data = {1, 2};
        Tensor ids = Tensor.ofLongs(data, 2);
        Tensor x = Tensor.of(new float[6], 1, 2, 3);
        assertThat(((Tensor) cg.run(Map.of("x", x, "ids", ids), null, null).get("z")).asLongs()).containsExactly(2L, 3L);
        ids.setLong(0, 10);
        assertThat(((Tensor) cg.run(Map.of("x", x, "ids", ids), null, null).get("z")).asLongs()).containsExactly(11L, 3L);
    }
}
