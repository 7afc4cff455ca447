package io.ghostflow.runtime.ops.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.ops.extra.DomainHarness;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ai.onnx.ml semantics beyond the node tests. */
class MlOpsTest {
    private static final String ML = "ai.onnx.ml";

    @Test
    void labelEncoderFloatKeysMatchNaNAndDefaultToNegativeZero() {
        Tensor y = DomainHarness.run1(ML, "LabelEncoder", 4, List.of(
                Attribute.of("keys_floats", new float[] {Float.NaN, 1.5f}),
                Attribute.of("values_int64s", new long[] {7, 8})),
                Tensor.of(new float[] {Float.NaN, 1.5f, 2f}, 3));
        assertThat(y.dtype()).isEqualTo(DType.INT64);
        assertThat(y.longs()).containsExactly(7, 8, -1);
        Tensor f = DomainHarness.run1(ML, "LabelEncoder", 4, List.of(
                Attribute.ofStrings("keys_strings", List.of("a")), Attribute.of("values_floats", new float[] {2f})),
                Tensor.ofStrings(new String[] {"a", "b"}, 2));
        assertThat(f.floats()[0]).isEqualTo(2f);
        assertThat(Float.floatToRawIntBits(f.floats()[1])).isEqualTo(Float.floatToRawIntBits(-0.0f));
    }

    @Test
    void arrayFeatureExtractorOnVectorGivesOneRow() {
        Tensor y = DomainHarness.run1(ML, "ArrayFeatureExtractor", 1, List.of(),
                Tensor.of(new float[] {10, 11, 12}, 3), Tensor.ofLongs(new long[] {2, 0}, 2));
        assertThat(y.shape()).containsExactly(1, 2);
        assertThat(y.floats()).containsExactly(12, 10);
        assertThatThrownBy(() -> DomainHarness.run1(ML, "ArrayFeatureExtractor", 1, List.of(),
                Tensor.of(new float[] {10, 11, 12}, 3), Tensor.ofLongs(new long[] {3}, 1)))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("out of range");
    }

    /** Two stumps on feature 0 (x <= 0 ? leaf : leaf), both writing target 0 or 1. */
    private static List<Attribute> twoStumps(long aggregate, long post) {
        return List.of(
                Attribute.of("nodes_splits", Tensor.of(new float[] {0f, 1f}, 2)),
                Attribute.of("nodes_featureids", new long[] {0, 0}),
                Attribute.of("nodes_modes", Tensor.ofArray(DType.UINT8, new byte[] {0, 1}, 2)),
                Attribute.of("nodes_truenodeids", new long[] {0, 2}),
                Attribute.of("nodes_falsenodeids", new long[] {1, 3}),
                Attribute.of("nodes_trueleafs", new long[] {1, 1}),
                Attribute.of("nodes_falseleafs", new long[] {1, 1}),
                Attribute.of("leaf_targetids", new long[] {0, 1, 0, 1}),
                Attribute.of("leaf_weights", Tensor.of(new float[] {1f, 2f, 3f, 4f}, 4)),
                Attribute.of("tree_roots", new long[] {0, 1}),
                Attribute.of("n_targets", 2L),
                Attribute.of("aggregate_function", aggregate),
                Attribute.of("post_transform", post));
    }

    @Test
    void treeEnsembleAveragesAndAppliesSoftmax() {
        // x = 0.5: tree 0 (0.5 <= 0 false) -> leaf 1 (target 1, w 2); tree 1 (0.5 < 1 true) -> leaf 2 (target 0, w 3).
        Tensor x = Tensor.of(new float[] {0.5f}, 1, 1);
        Tensor avg = DomainHarness.run1(ML, "TreeEnsemble", 5, twoStumps(0, 0), x);
        assertThat(avg.floats()).containsExactly(1.5f, 1.0f);
        Tensor soft = DomainHarness.run1(ML, "TreeEnsemble", 5, twoStumps(1, 1), x);
        double e = Math.exp(3 - 2);
        assertThat((double) soft.floats()[0]).isCloseTo(e / (e + 1), within(1e-6));
        assertThat((double) soft.floats()[1]).isCloseTo(1 / (e + 1), within(1e-6));
    }
}
