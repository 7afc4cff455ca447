package io.ghostflow.runtime.ops.fused;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector row kernels (layer norm, attention softmax) against scalar double-precision
 * references, on row lengths with ragged tails, masks of every broadcast form and -inf / NaN rows.
 */
class RowKernelsTest {
    private final Random rnd = new Random(5);

    @Test
    void layerNormMatchesScalarReferenceIntoDirtyBuffers() {
        for (int len : new int[] {1, 5, 8, 13, 64, 128, 131}) {
            for (boolean withBias : new boolean[] {false, true}) {
                Tensor x = random(3, 4, len);
                for (int i = 0; i < 7; i++) {
                    x.floats()[(i * 5) % x.size()] += 100f; // large offsets: the centred second pass must not cancel
                }
                Tensor g = random(len);
                Tensor b = withBias ? random(len) : null;
                Tensor want = layerNormReference(x, g, b, 1e-5f);
                for (int threads : new int[] {1, 2}) {
                    Tensor got = FusedKernels.layerNorm(x, g, b, -1, 1e-5f, threads, n -> dirty(n));
                    assertClose(got.floats(), want.floats(), 2e-5f, "len=" + len + " bias=" + withBias + " threads=" + threads);
                }
            }
        }
    }

    @Test
    void softmaxMatchesScalarReferenceForEveryMaskForm() {
        for (int t : new int[] {1, 7, 8, 9, 32, 45}) {
            int[] shape = {2, 3, 5, t};
            // no mask; one value per row ([.., S, 1]); a key mask ([1, 1, 1, T]); a full mask; a per-head key mask
            int[][] maskShapes = {null, {2, 1, 5, 1}, {1, 1, 1, t}, {2, 3, 5, t}, {1, 3, 1, t}};
            for (int[] ms : maskShapes) {
                Tensor s = random(shape);
                Tensor mask = ms == null ? null : random(ms);
                if (mask != null) {
                    mask.floats()[0] = Float.NEGATIVE_INFINITY;
                }
                float[] want = reference(s.floats().clone(), shape, mask, 0.125f, true);
                FusedKernels.softmaxRows(s, mask, 0.125f, true, 1);
                assertClose(s.floats(), want, 1e-5f, "t=" + t + " mask=" + Arrays.toString(ms));
            }
        }
    }

    @Test
    void fullyMaskedAndNanRowsFollowNanToZero() {
        for (boolean nanToZero : new boolean[] {false, true}) {
            Tensor s = random(3, 12);
            Arrays.fill(s.floats(), 0, 12, Float.NEGATIVE_INFINITY);
            s.floats()[12 + 5] = Float.NaN;
            FusedKernels.softmaxRows(s, null, 1f, nanToZero, 1);
            for (int j = 0; j < 24; j++) {
                float v = s.floats()[j];
                assertThat(nanToZero ? v == 0f : Float.isNaN(v)).as("nanToZero=" + nanToZero + " at " + j + ": " + v).isTrue();
            }
            float sum = 0;
            for (int j = 24; j < 36; j++) {
                sum += s.floats()[j];
            }
            assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    /** softmax(x * scale + mask) per last-axis row, in double, as the ONNX subgraph defines it. */
    private static float[] reference(float[] v, int[] shape, Tensor mask, float scale, boolean nanToZero) {
        int t = shape[shape.length - 1];
        int[] mst = mask == null ? null : io.ghostflow.tensor.Shapes.broadcastStrides(mask.shape(), shape);
        int[] st = io.ghostflow.tensor.Shapes.strides(shape);
        for (int base = 0; base < v.length; base += t) {
            double[] x = new double[t];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < t; j++) {
                int flat = base + j;
                double m = 0;
                if (mask != null) {
                    int off = 0;
                    for (int d = 0; d < shape.length; d++) {
                        off += (flat / st[d] % shape[d]) * mst[d];
                    }
                    m = mask.floats()[off];
                }
                x[j] = (double) (v[flat] * scale) + m;
                max = Math.max(max, x[j]);
            }
            if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max)) {
                Arrays.fill(v, base, base + t, nanToZero ? 0f : Float.NaN);
                continue;
            }
            double sum = 0;
            for (int j = 0; j < t; j++) {
                x[j] = Math.exp(x[j] - max);
                sum += x[j];
            }
            for (int j = 0; j < t; j++) {
                v[base + j] = (float) (x[j] / sum);
            }
        }
        return v;
    }

    private static float[] dirty(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private Tensor random(int... shape) {
        float[] v = new float[io.ghostflow.tensor.Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian() * 3;
        }
        return Tensor.of(v, shape);
    }

    private static void assertClose(float[] got, float[] want, float tol, String what) {
        assertThat(got.length).isEqualTo(want.length);
        for (int i = 0; i < got.length; i++) {
            if (Float.isNaN(want[i])) {
                assertThat(got[i]).as(what + " at " + i).isNaN();
                continue;
            }
            assertThat(Math.abs(got[i] - want[i])).as(what + " at " + i + ": " + got[i] + " vs " + want[i])
                    .isLessThanOrEqualTo(tol * (1 + Math.abs(want[i])));
        }
    }

    /** Layer normalization over the last axis in double precision: mean, centred variance, then scale and bias. */
    private static Tensor layerNormReference(Tensor x, Tensor scale, Tensor bias, float eps) {
        float[] xv = x.floats();
        float[] g = scale.floats();
        float[] bv = bias == null ? null : bias.floats();
        int len = g.length;
        float[] out = new float[xv.length];
        for (int base = 0; base < xv.length; base += len) {
            double sum = 0;
            for (int i = 0; i < len; i++) {
                sum += xv[base + i];
            }
            float mean = (float) (sum / len);
            double sq = 0;
            for (int i = 0; i < len; i++) {
                float d = xv[base + i] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / len + eps));
            for (int i = 0; i < len; i++) {
                float y = (xv[base + i] - mean) * inv * g[i];
                out[base + i] = bv == null ? y : y + bv[i];
            }
        }
        return Tensor.of(out, x.shape());
    }
}
