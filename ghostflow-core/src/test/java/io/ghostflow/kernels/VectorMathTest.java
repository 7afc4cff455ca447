package io.ghostflow.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Vector transcendentals and array helpers against double-precision references (rtol 1e-5 / atol 1e-6). */
class VectorMathTest {
    /** Specials, boundaries of every branch, and a log-spaced sweep of the whole float range, both signs. */
    private static float[] inputs() {
        Random r = new Random(5);
        java.util.List<Float> v = new java.util.ArrayList<>(java.util.List.of(
                0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                Float.MAX_VALUE, -Float.MAX_VALUE, 0.5f, -0.5f, 0.625f, -0.625f, 88.7f, 88.72f, 89f, -87.3f,
                -103f, -104f, -110f, 1e-20f, 9f, 10f, 3.9f, -3.9f));
        for (int e = -40; e <= 38; e++) {
            for (int s = 0; s < 4; s++) {
                float x = (float) ((1 + r.nextDouble() * 9) * Math.pow(10, e));
                v.add(x);
                v.add(-x);
            }
        }
        for (int i = 0; i < 4000; i++) {
            v.add((float) (r.nextGaussian() * 6));
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static void check(String name, Activation act, DoubleUnaryOperator ref) {
        float[] x = inputs();
        float[] y = new float[x.length + 3];
        // Odd offset and length so the masked tail and unaligned starts are both exercised.
        VectorMath.activation(act, x, 0, y, 3, x.length);
        for (int i = 0; i < x.length; i++) {
            Tolerances.assertMathClose(name, x[i], y[i + 3], ref.applyAsDouble(x[i]));
        }
    }

    @Test
    void sumAddsItsLanesInLaneOrderWhateverRanIt() {
        // The exact order: lane j accumulates x[j], x[j + L], ... (the ragged tail adds its lanes, zeros
        // past n), then lanes 0, 1, ... L-1 are added left to right. Pinned so that the JIT's and the
        // interpreter's forms agree bit for bit (reduceLanes(ADD) does not promise an order).
        java.util.Random r = new java.util.Random(5);
        int lanes = GemmBlocking.L;
        // many rounds, so that the compiled form of sum (not only the interpreted one) is checked
        for (int round = 0; round < 2000; round++) {
            for (int n = 1; n < 70; n++) {
                float[] x = new float[n + 3];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (r.nextFloat() - 0.5f) * (float) Math.pow(10, r.nextInt(6));
                }
                float[] acc = new float[lanes];
                for (int i = 0; i < n; i++) {
                    acc[i % lanes] += x[1 + i];
                }
                float expected = 0f;
                for (float a : acc) {
                    expected += a;
                }
                float got = VectorMath.sum(x, 1, n);
                if (got != expected) {
                    assertThat(got).as("round %d, n = %d", round, n).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void exp() {
        float[] x = inputs();
        float[] y = new float[x.length];
        VectorMath.exp(x, 0, y, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            Tolerances.assertMathClose("exp", x[i], y[i], Math.exp(x[i]));
        }
    }

    @Test
    void erf() {
        float[] x = inputs();
        float[] y = new float[x.length];
        VectorMath.erf(x, 0, y, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            Tolerances.assertMathClose("erf", x[i], y[i], ScalarMath.erf(x[i]));
        }
    }

    @Test
    void scalarErfReference() {
        // Known values (Abramowitz-Stegun table 7.1) keep the reference itself honest.
        assertThat(ScalarMath.erf(0.5)).isCloseTo(0.5204998778, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ScalarMath.erf(1.0)).isCloseTo(0.8427007929, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ScalarMath.erf(-2.0)).isCloseTo(-0.9953222650, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ScalarMath.erf(3.5)).isCloseTo(0.9999992569, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void activationsMatchScalarReference() {
        for (Activation act : new Activation[] {Activation.RELU, Activation.relu6(), Activation.clip(-1f, 2f),
            Activation.leakyRelu(0.01f), Activation.SIGMOID, Activation.TANH, Activation.hardSigmoid(0.2f, 0.5f),
            Activation.HARD_SWISH, Activation.GELU_ERF, Activation.GELU_TANH, Activation.SILU}) {
            check(act.toString(), act, x -> act.apply((float) x));
        }
        check("tanh-vs-Math", Activation.TANH, Math::tanh);
    }

    @Test
    void binaryBroadcasts() {
        Random r = new Random(9);
        for (BinaryOp op : BinaryOp.values()) {
            int rows = 3;
            int cols = 1 + r.nextInt(40);
            float[] a = Tolerances.random(r, rows * cols);
            float[] b = Tolerances.random(r, rows * cols);
            float[] row = Tolerances.random(r, cols);
            float[] out = new float[rows * cols];
            VectorMath.binary(op, a, 0, b, 0, out, 0, rows * cols);
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isEqualTo(op.apply(a[i], b[i]));
            }
            VectorMath.binaryScalar(op, a, 0, 0.3f, out, 0, rows * cols);
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isEqualTo(op.apply(a[i], 0.3f));
            }
            VectorMath.scalarBinary(op, 0.3f, a, 0, out, 0, rows * cols);
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isEqualTo(op.apply(0.3f, a[i]));
            }
            VectorMath.binaryRowBroadcast(op, a, 0, row, 0, out, 0, rows, cols);
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isEqualTo(op.apply(a[i], row[i % cols]));
            }
            VectorMath.rowBroadcastBinary(op, row, 0, a, 0, out, 0, rows, cols);
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isEqualTo(op.apply(row[i % cols], a[i]));
            }
            VectorMath.binaryColumnBroadcast(op, a, 0, b, 0, out, 0, rows, cols);
            for (int i = 0; i < out.length; i++) {
                assertThat(out[i]).isEqualTo(op.apply(a[i], b[i / cols]));
            }
        }
    }

    @Test
    void reductions() {
        Random r = new Random(2);
        for (int n = 0; n < 70; n++) {
            float[] x = Tolerances.random(r, n + 1);
            double s = 0;
            double dot = 0;
            float mx = Float.NEGATIVE_INFINITY;
            for (int i = 1; i <= n; i++) {
                s += x[i];
                dot += (double) x[i] * x[i];
                mx = Math.max(mx, x[i]);
            }
            assertThat((double) VectorMath.sum(x, 1, n)).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4 * (n + 1)));
            assertThat((double) VectorMath.dot(x, 1, x, 1, n)).isCloseTo(dot, org.assertj.core.data.Offset.offset(1e-4 * (n + 1)));
            assertThat(VectorMath.max(x, 1, n)).isEqualTo(mx);
        }
        assertThat(VectorMath.max(new float[] {1f, Float.NaN, 2f}, 0, 3)).isNaN();
    }

    @Test
    void softmaxAndLayerNorm() {
        Random r = new Random(4);
        int rows = 3;
        int cols = 37;
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 10);
        }
        float[] g = Tolerances.random(r, cols);
        float[] b = Tolerances.random(r, cols);
        float[] sm = new float[x.length];
        float[] ln = new float[x.length];
        VectorMath.softmaxRows(x, 0, sm, 0, rows, cols);
        VectorMath.layerNormRows(x, 0, ln, 0, rows, cols, g, 0, b, 0, 1e-5f);
        for (int rr = 0; rr < rows; rr++) {
            double mx = Double.NEGATIVE_INFINITY;
            double mean = 0;
            for (int c = 0; c < cols; c++) {
                mx = Math.max(mx, x[rr * cols + c]);
                mean += x[rr * cols + c];
            }
            mean /= cols;
            double sum = 0;
            double var = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(x[rr * cols + c] - mx);
                var += (x[rr * cols + c] - mean) * (x[rr * cols + c] - mean);
            }
            var /= cols;
            for (int c = 0; c < cols; c++) {
                int i = rr * cols + c;
                Tolerances.assertMathClose("softmax", x[i], sm[i], Math.exp(x[i] - mx) / sum);
                double expect = (x[i] - mean) / Math.sqrt(var + 1e-5) * g[c] + b[c];
                assertThat((double) ln[i]).isCloseTo(expect, org.assertj.core.data.Offset.offset(1e-5 + 1e-5 * Math.abs(expect)));
            }
        }
    }
}
