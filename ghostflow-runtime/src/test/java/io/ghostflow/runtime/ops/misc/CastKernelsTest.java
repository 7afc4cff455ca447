package io.ghostflow.runtime.ops.misc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every fast Cast pair against the generic per-element path, bit for bit, including NaN, infinities and wrapping. */
class CastKernelsTest {
    private static final DType[] FROM = {DType.INT32, DType.INT64, DType.FLOAT, DType.BOOL, DType.UINT8, DType.INT8};
    private static final DType[] TO = {DType.FLOAT, DType.INT32, DType.INT64, DType.BOOL};

    private static Tensor random(DType t, Random r, int n) {
        Tensor x = Tensor.zeros(t, n, 1);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e9f, -3e9f, 1e19f, -0.0f, 2.5f, -2.5f,
            16777217f};
        for (int i = 0; i < n; i++) {
            switch (t) {
                case FLOAT -> x.setDouble(i, i < specials.length ? specials[i] : (float) (r.nextGaussian() * 1e3));
                case BOOL -> x.setLong(i, r.nextInt(2));
                default -> x.setLong(i, i < 2 ? (i == 0 ? Long.MAX_VALUE - r.nextInt(5) : Integer.MIN_VALUE - 7L) : r.nextLong());
            }
        }
        return x;
    }

    @Test
    void fastPairsEqualTheGenericCast() {
        Random r = new Random(3);
        int checked = 0;
        for (DType from : FROM) {
            for (DType to : TO) {
                for (int n : new int[] {0, 1, 7, 33, 100}) {
                    Tensor x = random(from, r, n);
                    Tensor fast = CastKernels.fast(x, to, float[]::new);
                    if (fast == null) {
                        continue;
                    }
                    checked++;
                    Tensor ref = CastOps.cast(x, to, true, "up");
                    assertThat(fast.dtype()).isEqualTo(to);
                    assertThat(fast.shape()).containsExactly(n, 1);
                    assertThat(fast.contentEquals(ref)).as("%s -> %s, n=%d: %s vs %s", from, to, n, fast, ref).isTrue();
                }
            }
        }
        // the pairs the fast path promises: INT32->FLOAT/INT64, INT64->INT32/BOOL, FLOAT->INT32/INT64, 8-bit/BOOL->FLOAT
        assertThat(checked).isEqualTo(9 * 5);
    }

    @Test
    void sameTypeAndUnlistedPairsFallBack() {
        Tensor x = Tensor.of(new float[] {1f, 2f}, 2);
        assertThat(CastKernels.fast(x, DType.FLOAT, float[]::new)).isNull();
        assertThat(CastKernels.fast(x, DType.FLOAT16, float[]::new)).isNull();
    }
}
