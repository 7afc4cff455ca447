package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.passes.AttentionFusion;
import io.ghostflow.runtime.optimize.passes.GeluFusion;
import io.ghostflow.runtime.optimize.passes.LayerNormFusion;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TransformerFusionsTest {
    private final Tensor x = G.random(new Random(9), 1.5, 2, 3, 8);

    @Test
    void decomposedLayerNormBecomesOneNode() {
        Model m = new G().input("x", 2, 3, 8).weights("gamma", 8).weights("beta", 8).scalar("two", 2).scalar("eps", 1e-5f)
                .node("ReduceMean", List.of("x"), "m", Attribute.of("axes", new long[] {-1}))
                .node("Sub", List.of("x", "m"), "d")
                .node("Pow", List.of("d", "two"), "p")
                .node("ReduceMean", List.of("p"), "v", Attribute.of("axes", new long[] {-1}))
                .node("Add", List.of("v", "eps"), "ve")
                .node("Sqrt", List.of("ve"), "s")
                .node("Div", List.of("d", "s"), "n")
                .node("Mul", List.of("n", "gamma"), "g")
                .node("Add", List.of("g", "beta"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new LayerNormFusion());
        assertThat(G.ops(r.model())).containsExactly("LayerNormalization");
        G.assertSameResults(m, r.model(), G.feed("x", x), 1e-4);
    }

    @Test
    void standardLayerNormRunsOnTheFusedKernelWhenOnlyItsFirstOutputIsRead() {
        Model m = new G().input("x", 2, 3, 8).weights("gamma", 8).weights("beta", 8)
                .node("ReduceMean", List.of("x"), "m0", Attribute.of("axes", new long[] {-1}))
                .node("Sub", List.of("x", "m0"), "d")
                .node("Pow", List.of("d", "two"), "p")
                .node("ReduceMean", List.of("p"), "v", Attribute.of("axes", new long[] {-1}))
                .scalar("two", 2).scalar("eps", 1e-5f)
                .node("Add", List.of("v", "eps"), "ve").node("Sqrt", List.of("ve"), "s").node("Div", List.of("d", "s"), "n")
                .node("Mul", List.of("n", "gamma"), "g").node("Add", List.of("g", "beta"), "y").output("y").model();
        Model fused = G.optimize(m, new LayerNormFusion()).model();
        // the fused model itself, written with the standard op, adopts the same kernel
        Node ln = fused.graph().nodes().get(0);
        ln.setDomain("");
        ln.outputs().add("mean_unused");
        Model adopted = G.optimize(fused, new LayerNormFusion()).model();
        assertThat(adopted.graph().nodes().get(0).domain()).isEqualTo("io.ghostflow");
        assertThat(adopted.graph().nodes().get(0).outputs()).containsExactly("y");
        G.assertSameResults(m, adopted, G.feed("x", x), 1e-4);
    }

    @Test
    void erfGeluBecomesOneNode() {
        Model m = new G().input("x", 2, 3, 8).scalar("sqrt2", 1.4142135f).scalar("one", 1).scalar("half", 0.5f)
                .node("Div", List.of("x", "sqrt2"), "a").node("Erf", List.of("a"), "e").node("Add", List.of("e", "one"), "p")
                .node("Mul", List.of("x", "p"), "q").node("Mul", List.of("q", "half"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new GeluFusion());
        assertThat(G.ops(r.model())).containsExactly("Gelu");
        G.assertSameResults(m, r.model(), G.feed("x", x), 1e-5);
    }

    @Test
    void tanhGeluWithHalfFirstBecomesOneNode() {
        Model m = new G().input("x", 2, 3, 8).scalar("three", 3).scalar("c", 0.044715f).scalar("k", 0.7978846f)
                .scalar("one", 1).scalar("half", 0.5f)
                .node("Pow", List.of("x", "three"), "x3").node("Mul", List.of("c", "x3"), "cx3").node("Add", List.of("x", "cx3"), "in")
                .node("Mul", List.of("in", "k"), "t0").node("Tanh", List.of("t0"), "t").node("Add", List.of("t", "one"), "p")
                .node("Mul", List.of("x", "half"), "hx").node("Mul", List.of("hx", "p"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new GeluFusion());
        assertThat(G.ops(r.model())).containsExactly("Gelu");
        assertThat(r.model().graph().nodes().get(0).getString("approximate", "")).isEqualTo("tanh");
        G.assertSameResults(m, r.model(), G.feed("x", x), 1e-5);
    }

    /** PyTorch's SDPA export: scale on Q and K^T, additive mask, NaN guard after Softmax. */
    @Test
    void scaledDotProductAttentionBecomesOneNode() {
        float s = (float) Math.sqrt(1 / Math.sqrt(4));
        float[] mask = new float[2 * 1 * 1 * 5];
        for (int j = 0; j < 5; j++) {
            mask[j] = 0;
            mask[5 + j] = j < 3 ? 0 : Float.NEGATIVE_INFINITY;
        }
        Model m = new G().input("q", 2, 3, 5, 4).input("kt", 2, 3, 4, 5).input("v", 2, 3, 5, 6)
                .init("mask", Tensor.of(mask, 2, 1, 1, 5)).scalar("s", s).scalar("zero", 0)
                .node("Mul", List.of("q", "s"), "qs").node("Mul", List.of("kt", "s"), "ks")
                .node("MatMul", List.of("qs", "ks"), "scores").node("Add", List.of("scores", "mask"), "masked")
                .node("Softmax", List.of("masked"), "p", Attribute.of("axis", -1L))
                .node("IsNaN", List.of("p"), "nan").node("Where", List.of("nan", "zero", "p"), "pz")
                .node("MatMul", List.of("pz", "v"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new AttentionFusion());
        assertThat(G.ops(r.model())).containsExactly("Attention");
        Node att = r.model().graph().nodes().get(0);
        assertThat(att.inputs()).containsExactly("q", "kt", "v", "mask");
        assertThat(att.getFloat("scale", 0)).isCloseTo(0.5f, org.assertj.core.data.Offset.offset(1e-6f));
        Random rnd = new Random(3);
        var feeds = Map.of("q", G.random(rnd, 1, 2, 3, 5, 4), "kt", G.random(rnd, 1, 2, 3, 4, 5), "v", G.random(rnd, 1, 2, 3, 5, 6));
        G.assertSameResults(m, r.model(), feeds, 1e-5);
    }

    @Test
    void classicAttentionWithDivAfterMatMulBecomesOneNode() {
        Model m = new G().input("q", 2, 5, 4).input("kt", 2, 4, 5).input("v", 2, 5, 3).scalar("d", 2)
                .node("MatMul", List.of("q", "kt"), "scores").node("Div", List.of("scores", "d"), "scaled")
                .node("Softmax", List.of("scaled"), "p", Attribute.of("axis", -1L))
                .node("MatMul", List.of("p", "v"), "y").output("y").model();
        OptimizationReport r = G.optimize(m, new AttentionFusion());
        assertThat(G.ops(r.model())).containsExactly("Attention");
        Random rnd = new Random(4);
        var feeds = Map.of("q", G.random(rnd, 1, 2, 5, 4), "kt", G.random(rnd, 1, 2, 4, 5), "v", G.random(rnd, 1, 2, 5, 3));
        G.assertSameResults(m, r.model(), feeds, 1e-5);
    }

    @Test
    void doubleAttentionIsLeftToTheStandardOps() {
        Model m = new G().typedInput("q", io.ghostflow.tensor.DType.DOUBLE, 2, 5, 4).typedInput("kt", io.ghostflow.tensor.DType.DOUBLE, 2, 4, 5)
                .typedInput("v", io.ghostflow.tensor.DType.DOUBLE, 2, 5, 3)
                .node("MatMul", List.of("q", "kt"), "scores")
                .node("Softmax", List.of("scores"), "p", Attribute.of("axis", -1L))
                .node("MatMul", List.of("p", "v"), "y").output("y").model();
        assertThat(G.ops(G.optimize(m, new AttentionFusion()).model())).containsExactly("MatMul", "Softmax", "MatMul");
    }

    @Test
    void softmaxReadTwiceIsNotFused() {
        Model m = new G().input("q", 2, 5, 4).input("kt", 2, 4, 5).input("v", 2, 5, 3)
                .node("MatMul", List.of("q", "kt"), "scores")
                .node("Softmax", List.of("scores"), "p", Attribute.of("axis", -1L))
                .node("MatMul", List.of("p", "v"), "y").output("y", "p").model();
        assertThat(G.ops(G.optimize(m, new AttentionFusion()).model())).containsExactly("MatMul", "Softmax", "MatMul");
    }
}
