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
