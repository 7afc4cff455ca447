package io.ghostflow.runtime.ops.quant;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector quantization paths against QuantOps' general code, exactly, on random sizes with ragged tails. */
class QuantKernelsTest {
    @Test
    void dynamicQuantizeEqualsGeneralPath() {
        Random r = new Random(17);
        for (int iter = 0; iter < 300; iter++) {
            int n = 1 + r.nextInt(90);
            float[] a = new float[n];
            double spread = Math.pow(10, r.nextInt(7) - 3);
            boolean halves = iter % 5 == 0;
            for (int i = 0; i < n; i++) {
                // some inputs sit on exact .5 quanta to exercise round-half-to-even
                a[i] = halves ? (r.nextInt(41) - 20) * 0.5f : (float) (r.nextGaussian() * spread + (iter % 3 == 0 ? spread : 0));
            }
            Tensor x = Tensor.of(a, n);
            Value[] fast = QuantKernels.dynamicQuantize(x);
            Value[] ref = QuantOps.dynamicQuantize(x);
            if (fast == null) {
                continue;
            }
            for (int o = 0; o < 3; o++) {
                assertThat(((Tensor) fast[o]).contentEquals((Tensor) ref[o])).as("iter %d output %d", iter, o).isTrue();
            }
        }
    }

    @Test
    void dynamicQuantizeLeavesEdgeCasesToTheGeneralPath() {
        assertThat(QuantKernels.dynamicQuantize(Tensor.of(new float[] {0f, 0f, 0f}, 3))).isNull();
        assertThat(QuantKernels.dynamicQuantize(Tensor.of(new float[] {1f, Float.NaN}, 2))).isNull();
        assertThat(QuantKernels.dynamicQuantize(Tensor.of(new float[] {1f, Float.POSITIVE_INFINITY}, 2))).isNull();
        // in the vector part too, where minima and maxima skip NaN: at every position of 40 values
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int at = 0; at < 40; at++) {
                float[] a = new float[40];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (i % 7) - 3f;
                }
                a[at] = bad;
                assertThat(QuantKernels.dynamicQuantize(Tensor.of(a, a.length))).as("%s at %d", bad, at).isNull();
            }
        }
    }

    @Test
    void signedZerosQuantizeAsTheGeneralPath() {
        // -0 and +0 as the bounds (non-negative and non-positive data) in either order, in vectors and the tail
        for (float first : new float[] {-0f, 0f}) {
            for (float sign : new float[] {1f, -1f}) {
                float[] a = new float[37];
                for (int i = 0; i < a.length; i++) {
                    a[i] = i % 3 == 0 ? (i % 2 == 0 ? first : -first) : sign * (i % 5 + 1) * 0.25f;
                }
                Tensor x = Tensor.of(a, a.length);
                Value[] fast = QuantKernels.dynamicQuantize(x);
                Value[] ref = QuantOps.dynamicQuantize(x);
                for (int o = 0; o < 3; o++) {
                    assertThat(((Tensor) fast[o]).contentEquals((Tensor) ref[o])).as("first %s sign %s output %d", first,
                            sign, o).isTrue();
                }
            }
        }
    }

    @Test
    void dequantizeEqualsGeneralPath() {
        Random r = new Random(23);
        for (DType t : new DType[] {DType.UINT8, DType.INT8}) {
            for (int iter = 0; iter < 50; iter++) {
                int n = r.nextInt(70);
                byte[] b = new byte[n];
                r.nextBytes(b);
                Tensor x = Tensor.ofArray(t, b, n);
                Tensor scale = Tensor.of(new float[] {(float) r.nextDouble() * 0.1f});
                Tensor zp = iter % 3 == 0 ? null : Tensor.ofArray(t, new byte[] {(byte) r.nextInt(256)});
                Tensor fast = QuantKernels.dequantize(x, scale, zp, DType.FLOAT, 0, float[]::new);
                Tensor ref = QuantOps.dequantize(x, scale, zp, DType.FLOAT, 1, 0);
                assertThat(fast.contentEquals(ref)).as("%s n=%d", t, n).isTrue();
            }
        }
    }

    @Test
    void dequantizePerAxisIsLeftToTheGeneralPath() {
        Tensor x = Tensor.ofArray(DType.UINT8, new byte[] {1, 2, 3, 4}, 2, 2);
        assertThat(QuantKernels.dequantize(x, Tensor.of(new float[] {1f, 2f}, 2), null, DType.FLOAT, 0, float[]::new)).isNull();
    }
}
