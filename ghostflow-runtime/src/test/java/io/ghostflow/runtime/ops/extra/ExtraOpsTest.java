package io.ghostflow.runtime.ops.extra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Semantics of the extra ops that the node tests leave out: errors, wrap-around, bit patterns. */
class ExtraOpsTest {
    @Test
    void bitCastKeepsBitsAndRejectsWidthChange() {
        Tensor y = DomainHarness.run1("", "BitCast", 26, List.of(Attribute.of("to", (long) DType.INT32.onnxCode())),
                Tensor.of(new float[] {1.0f, -0.0f}, 2));
        assertThat(y.ints()).containsExactly(Float.floatToRawIntBits(1.0f), Float.floatToRawIntBits(-0.0f));
        assertThatThrownBy(() -> DomainHarness.run1("", "BitCast", 26, List.of(Attribute.of("to", (long) DType.INT64.onnxCode())),
                Tensor.of(new float[] {1f}, 1)))
                .isInstanceOf(GhostFlowException.class)
                .satisfies(e -> assertThat(((GhostFlowException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("differ in width");
    }

    @Test
    void tensorScatterLinearOverflowFailsAndCircularWraps() {
        Tensor cache = Tensor.of(new float[] {0, 0, 0, 0}, 1, 4, 1);
        Tensor update = Tensor.of(new float[] {7, 8}, 1, 2, 1);
        Tensor idx = Tensor.ofLongs(new long[] {3}, 1);
        assertThatThrownBy(() -> DomainHarness.run1("", "TensorScatter", 24, List.of(), cache, update, idx))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("exceeds cache length 4");
        Tensor y = DomainHarness.run1("", "TensorScatter", 24, List.of(Attribute.of("mode", "circular")), cache, update, idx);
        assertThat(y.floats()).containsExactly(8, 0, 0, 7);
        assertThat(cache.floats()).containsExactly(0, 0, 0, 0); // input untouched
    }

    @Test
    void causalConvStateCarriesAcrossCalls() {
        // Running a sequence in two chunks, passing present_state along, equals one call.
        float[] xs = {1, 2, 3, 4, 5, 6};
        Tensor w = Tensor.of(new float[] {0.5f, -1f, 2f}, 1, 1, 3);
        Tensor whole = (Tensor) DomainHarness.run("", "CausalConvWithState", 27, 2, List.of(), Tensor.of(xs, 1, 1, 6), w)[0];
        var first = DomainHarness.run("", "CausalConvWithState", 27, 2, List.of(),
                Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4), w);
        Tensor second = (Tensor) DomainHarness.run("", "CausalConvWithState", 27, 2, List.of(),
                Tensor.of(new float[] {5, 6}, 1, 1, 2), w, null, (Tensor) first[1])[0];
        float[] chunked = new float[6];
        System.arraycopy(((Tensor) first[0]).floats(), 0, chunked, 0, 4);
        System.arraycopy(second.floats(), 0, chunked, 4, 2);
        assertThat(chunked).containsExactly(whole.floats());
        // first output: only the last tap sees x[0]
        assertThat(whole.floats()[0]).isEqualTo(2f);
    }

    @Test
    void linearAttentionLinearRuleIsCumulativeOuterProduct() {
        // One head, d = 1: state_t = sum k_i v_i, o_t = scale * q_t * state_t.
        Tensor q = Tensor.of(new float[] {1, 2}, 1, 2, 1);
        Tensor k = Tensor.of(new float[] {3, 4}, 1, 2, 1);
        Tensor v = Tensor.of(new float[] {5, 6}, 1, 2, 1);
        var out = DomainHarness.run("", "LinearAttention", 27, 2, List.of(Attribute.of("q_num_heads", 1L),
                Attribute.of("kv_num_heads", 1L), Attribute.of("update_rule", "linear"), Attribute.of("scale", 0.5f)), q, k, v);
        assertThat(((Tensor) out[0]).floats()).containsExactly(0.5f * 1 * 15, 0.5f * 2 * (15 + 24));
        assertThat(((Tensor) out[1]).floats()).containsExactly(39f);
    }

    @Test
    void tfIdfWeightsFollowThePoolOrderNotTheColumnOrder() {
        // Pool unigrams [10, 20] go to columns [1, 0]; weights belong to pool order.
        Tensor y = DomainHarness.run1("", "TfIdfVectorizer", 9, List.of(Attribute.of("min_gram_length", 1L),
                Attribute.of("max_gram_length", 1L), Attribute.of("max_skip_count", 0L), Attribute.of("mode", "TFIDF"),
                Attribute.of("ngram_counts", new long[] {0}), Attribute.of("ngram_indexes", new long[] {1, 0}),
                Attribute.of("pool_int64s", new long[] {10, 20}), Attribute.of("weights", new float[] {2f, 3f})),
                Tensor.ofLongs(new long[] {10, 10, 20}, 3));
        assertThat(y.floats()).containsExactly(3f, 4f);
    }

    @Test
    void affineGridIdentityReproducesBaseCoordinates() {
        Tensor theta = Tensor.of(new float[] {1, 0, 0, 0, 1, 0}, 1, 2, 3);
        Tensor y = DomainHarness.run1("", "AffineGrid", 20, List.of(Attribute.of("align_corners", 1L)), theta,
                Tensor.ofLongs(new long[] {1, 1, 2, 3}, 4));
        assertThat(y.shape()).containsExactly(1, 2, 3, 2);
        assertThat(y.floats()).containsExactly(-1, -1, 0, -1, 1, -1, -1, 1, 0, 1, 1, 1);
    }

    @Test
    void imageDecoderNamesUnsupportedFormat() {
        byte[] webp = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'};
        assertThatThrownBy(() -> DomainHarness.run1("", "ImageDecoder", 20, List.of(), Tensor.ofArray(DType.UINT8, webp, 12)))
                .isInstanceOf(GhostFlowException.class)
                .satisfies(e -> assertThat(((GhostFlowException) e).code()).isEqualTo(ErrorCode.NOT_IMPLEMENTED))
                .hasMessageContaining("WebP");
    }

    @Test
    void imageDecoderReadsAsciiPgmAsGrayAndRgb() {
        byte[] pgm = "P2\n# c\n2 1\n4\n0 4\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Tensor rgb = DomainHarness.run1("", "ImageDecoder", 20, List.of(), Tensor.ofArray(DType.UINT8, pgm, pgm.length));
        assertThat(rgb.shape()).containsExactly(1, 2, 3);
        assertThat(rgb.getLong(3)).isEqualTo(255);
        Tensor gray = DomainHarness.run1("", "ImageDecoder", 20, List.of(Attribute.of("pixel_format", "Grayscale")),
                Tensor.ofArray(DType.UINT8, pgm, pgm.length));
        assertThat(gray.shape()).containsExactly(1, 2, 1);
        assertThat(gray.getLong(1)).isEqualTo(255);
    }

    @Test
    void fp4CastStoresNaNAsNegativeZeroLikeTheReference() {
        Tensor y = DomainHarness.run1("", "Cast", 23, List.of(Attribute.of("to", (long) DType.FLOAT4E2M1.onnxCode())),
                Tensor.of(new float[] {Float.NaN, 5.5f, -0.3f}, 3));
        assertThat(y.bytes()[0] & 0xf).isEqualTo(0x8);
        assertThat(y.getDouble(1)).isEqualTo(6.0);
        assertThat(y.getDouble(2)).isCloseTo(-0.5, within(0.0));
    }
}
