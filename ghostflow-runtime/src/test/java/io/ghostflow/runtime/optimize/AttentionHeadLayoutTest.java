package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Model;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.optimize.passes.AttentionFusion;
import io.ghostflow.runtime.optimize.passes.AttentionHeadLayout;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AttentionHeadLayoutTest {
    private static final int B = 2, S = 7, T = 9, H = 3, D = 8, DV = 5;

    /** BERT's export: per-head Transposes around scaled, masked attention, then the heads merged back. */
    private static G attention(long[] kPerm, boolean extraKtTranspose) {
        float[] mask = new float[B * T];
        for (int j = 0; j < T; j++) {
            mask[T + j] = j < 6 ? 0 : Float.NEGATIVE_INFINITY;
        }
        G g = new G().input("q", B, S, H, D).input("k", B, T, H, D).input("v", B, T, H, DV)
                .init("mask", Tensor.of(mask, B, 1, 1, T)).scalar("d", (float) Math.sqrt(D)).ints("merged", B, S, H * DV)
                .node("Transpose", List.of("q"), "qh", Attribute.of("perm", new long[] {0, 2, 1, 3}))
                .node("Transpose", List.of("k"), extraKtTranspose ? "kh" : "kt", Attribute.of("perm", kPerm))
                .node("Transpose", List.of("v"), "vh", Attribute.of("perm", new long[] {0, 2, 1, 3}));
        if (extraKtTranspose) {
            g.node("Transpose", List.of("kh"), "kt", Attribute.of("perm", new long[] {0, 1, 3, 2}));
        }
        return g.node("MatMul", List.of("qh", "kt"), "scores").node("Div", List.of("scores", "d"), "scaled")
                .node("Add", List.of("scaled", "mask"), "masked")
                .node("Softmax", List.of("masked"), "p", Attribute.of("axis", -1L))
                .node("MatMul", List.of("p", "vh"), "ctx")
                .node("Transpose", List.of("ctx"), "ctxt", Attribute.of("perm", new long[] {0, 2, 1, 3}))
                .node("Reshape", List.of("ctxt", "merged"), "y");
    }

    private static Map<String, Value> feeds() {
        Random rnd = new Random(11);
        return Map.of("q", G.random(rnd, 1, B, S, H, D), "k", G.random(rnd, 1, B, T, H, D), "v", G.random(rnd, 1, B, T, H, DV));
    }

    @Test
    void headTransposesFoldIntoTheAttentionBitForBit() {
        Model m = attention(new long[] {0, 2, 3, 1}, false).output("y").model();
        Model fused = G.optimize(m, new AttentionFusion()).model();
        Model strided = G.optimize(fused, new AttentionHeadLayout()).model();
        assertThat(G.ops(strided)).containsExactly("Attention", "Reshape");
        Node att = strided.graph().nodes().get(0);
        assertThat(att.inputs()).containsExactly("q", "k", "v", "mask");
        assertThat(att.getInt("bshd", 0)).isEqualTo(1);
        // only indexing changes: the same products in the same order
        G.assertSameResults(fused, strided, feeds(), 0.0);
        G.assertSameResults(m, strided, feeds(), 1e-5);
    }

    @Test
    void aTransposeReadElsewhereStays() {
        Model m = attention(new long[] {0, 2, 3, 1}, false).output("y", "vh").model();
        Model fused = G.optimize(m, new AttentionFusion()).model();
        Model after = G.optimize(fused, new AttentionHeadLayout()).model();
        assertThat(G.ops(after)).isEqualTo(G.ops(fused)).contains("Transpose");
        G.assertSameResults(m, after, feeds(), 1e-5);
    }

    @Test
    void kTransposedInTwoStepsStays() {
        Model m = attention(new long[] {0, 2, 1, 3}, true).output("y").model();
        Model fused = G.optimize(m, new AttentionFusion()).model();
        assertThat(G.ops(fused)).contains("Attention");
        Model after = G.optimize(fused, new AttentionHeadLayout()).model();
        assertThat(G.ops(after)).isEqualTo(G.ops(fused));
        G.assertSameResults(m, after, feeds(), 1e-5);
    }

    @Test
    void attentionWithoutTheOutputTransposeStays() {
        Model m = attention(new long[] {0, 2, 3, 1}, false).output("y", "ctx").model();
        Model fused = G.optimize(m, new AttentionFusion()).model();
        Model after = G.optimize(fused, new AttentionHeadLayout()).model();
        assertThat(G.ops(after)).isEqualTo(G.ops(fused));
    }
}
