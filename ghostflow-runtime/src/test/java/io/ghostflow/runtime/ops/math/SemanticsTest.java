package io.ghostflow.runtime.ops.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Op semantics the ONNX node tests do not pin down. */
class SemanticsTest {
    @Test
    void modFollowsDivisorSignUnlessFmod() {
        Tensor a = Tensor.ofInts(new int[] {-7, 7, -7, 7}, 4);
        Tensor b = Tensor.ofInts(new int[] {3, -3, -3, 3}, 4);
        assertThat(OpHarness.run1("Mod", 13, List.of(), a, b).ints()).containsExactly(2, -2, -1, 1);
        assertThat(OpHarness.run1("Mod", 13, List.of(Attribute.of("fmod", 1L)), a, b).ints()).containsExactly(-1, 1, -1, 1);
        assertThat(OpHarness.run1("Mod", 13, List.of(), a, Tensor.ofInts(new int[] {0, 0, 0, 0}, 4)).ints()).containsOnly(0);
    }

    @Test
    void roundIsHalfToEven() {
        Tensor r = OpHarness.run1("Round", 11, List.of(), Tensor.of(new float[] {0.5f, 1.5f, 2.5f, -0.5f, -1.5f}, 5));
        assertThat(r.floats()).containsExactly(0f, 2f, 2f, -0f, -2f);
    }

    @Test
    void erfMatchesKnownValues() {
        assertThat(Unary.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-9));
        assertThat(Unary.erf(1e-4)).isCloseTo(1.1283791633342155e-4, within(1e-15));
        assertThat(Unary.erf(-2)).isCloseTo(-0.9953222650189527, within(2e-7));
    }

    @Test
    void softmaxBeforeOpset13FlattensTrailingDims() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3}, 1, 2, 2);
        float[] old = OpHarness.run1("Softmax", 11, List.of(), x).floats();
        float[] now = OpHarness.run1("Softmax", 13, List.of(Attribute.of("axis", 1L)), x).floats();
        double z = Math.exp(0) + Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertThat(old[3]).isCloseTo((float) (Math.exp(3) / z), within(1e-6f));
        assertThat(now[3]).isCloseTo((float) (Math.exp(3) / (Math.exp(1) + Math.exp(3))), within(1e-6f));
    }

    @Test
    void clipOnIntegersAndMinAboveMax() {
        Tensor x = Tensor.ofLongs(new long[] {-5, 0, 5}, 3);
        assertThat(OpHarness.run1("Clip", 13, List.of(), x, Tensor.scalarLong(-1), Tensor.scalarLong(2)).longs()).containsExactly(-1, 0, 2);
        Tensor f = Tensor.of(new float[] {-5, 0, 5}, 3);
        assertThat(OpHarness.run1("Clip", 13, List.of(), f, Tensor.scalar(3).reshape(), Tensor.scalar(1).reshape()).floats()).containsOnly(1f);
    }

    @Test
    void castToAndFromStringAndFloat8Saturation() {
        Tensor s = OpHarness.run1("Cast", 21, List.of(Attribute.of("to", (long) DType.STRING.onnxCode())), Tensor.of(new float[] {1f, 0.5f, Float.NaN}, 3));
        assertThat(s.strings()).containsExactly("1", "0.5", "NaN");
        Tensor back = OpHarness.run1("Cast", 21, List.of(Attribute.of("to", 1L)), Tensor.ofStrings(new String[] {"2.5", "-INF"}, 2));
        assertThat(back.floats()).containsExactly(2.5f, Float.NEGATIVE_INFINITY);
        Tensor big = Tensor.of(new float[] {1e6f}, 1);
        Tensor sat = OpHarness.run1("Cast", 21, List.of(Attribute.of("to", (long) DType.FLOAT8E4M3FN.onnxCode())), big);
        assertThat(sat.getDouble(0)).isEqualTo(448.0);
        Tensor nosat = OpHarness.run1("Cast", 21, List.of(Attribute.of("to", (long) DType.FLOAT8E4M3FN.onnxCode()), Attribute.of("saturate", 0L)), big);
        assertThat(nosat.getDouble(0)).isNaN();
    }

    @Test
    void reduceOverEmptySetGivesIdentity() {
        Tensor x = Tensor.zeros(DType.FLOAT, 2, 0);
        List<Attribute> a = List.of(Attribute.of("keepdims", 0L));
        Tensor axes = Tensor.ofLongs(new long[] {1}, 1);
        assertThat(OpHarness.run1("ReduceSum", 13, a, x, axes).floats()).containsExactly(0f, 0f);
        assertThat(OpHarness.run1("ReduceProd", 18, a, x, axes).floats()).containsExactly(1f, 1f);
        assertThat(OpHarness.run1("ReduceMax", 18, a, x, axes).floats()).containsExactly(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
    }

    @Test
    void reduceSumOfInt64IsExact() {
        long big = (1L << 53) + 1;
        Tensor r = OpHarness.run1("ReduceSum", 13, List.of(Attribute.of("keepdims", 0L)), Tensor.ofLongs(new long[] {big, 1}, 2));
        assertThat(r.longs()).containsExactly(big + 1);
    }
}
