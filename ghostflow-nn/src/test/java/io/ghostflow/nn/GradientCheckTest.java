package io.ghostflow.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.nn.autograd.Activations;
import io.ghostflow.nn.autograd.Dense;
import io.ghostflow.nn.autograd.Losses;
import io.ghostflow.nn.autograd.Norms;
import io.ghostflow.nn.autograd.Pooling;
import io.ghostflow.nn.autograd.Shaping;
import io.ghostflow.nn.autograd.Var;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every backward rule against central differences. The forward runs in float32, so the step is
 * h = 1e-2 and the tolerance |analytic - numeric| <= 5e-3 + 2e-2 * |numeric|: float rounding of
 * the objective (~1e-6) divided by 2h stays well under it, while a wrong rule (a missing factor,
 * a wrong sign, a dropped term) misses by far more. Inputs avoid kinks (ReLU at 0, max ties).
 */
class GradientCheckTest {
    private static final float H = 1e-2f;
    private static final SplittableRandom RNG = new SplittableRandom(11);

    /** Uniform in [-1, 1] but at least 0.1 away from 0, so ReLU-like kinks are never crossed. */
    static Var param(int... shape) {
        int n = io.ghostflow.tensor.Shapes.size(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double r = RNG.nextDouble(0.1, 1.0);
            v[i] = (float) (RNG.nextBoolean() ? r : -r);
        }
        return Var.parameter(v, shape);
    }

    /** Distinct values (a shuffled ramp) so max pooling has no ties within 2h. */
    static Var distinct(int... shape) {
        int n = io.ghostflow.tensor.Shapes.size(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2f) * 0.1f;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = RNG.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Var.parameter(v, shape);
    }

    /** Checks d(sum(out * R))/d(input) for every input, for a fixed random projection R. */
    static void check(List<Var> inputs, Function<List<Var>, Var> f) {
        Var out = f.apply(inputs);
        float[] r = new float[out.size()];
        SplittableRandom proj = new SplittableRandom(3);
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) proj.nextDouble(-1, 1);
        }
        inputs.forEach(Var::zeroGrad);
        out.backward(r);
        for (int k = 0; k < inputs.size(); k++) {
            Var in = inputs.get(k);
            float[] x = in.data();
            float[] g = in.grad();
            assertThat(g).as("input %d got a gradient", k).isNotNull();
            for (int i = 0; i < x.length; i++) {
                float saved = x[i];
                x[i] = saved + H;
                double plus = dot(f.apply(inputs).data(), r);
                x[i] = saved - H;
                double minus = dot(f.apply(inputs).data(), r);
                x[i] = saved;
                double numeric = (plus - minus) / (2 * H);
                assertThat((double) g[i]).as("input %d element %d", k, i)
                        .isCloseTo(numeric, org.assertj.core.data.Offset.offset(5e-3 + 2e-2 * Math.abs(numeric)));
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void linear() {
        check(List.of(param(3, 4), param(5, 4), param(5)), v -> Dense.linear(v.get(0), v.get(1), v.get(2)));
    }

    @Test
    void conv2dWithStrideAndPadding() {
        check(List.of(param(2, 2, 5, 5), param(3, 2, 3, 3), param(3)), v -> Dense.conv2d(v.get(0), v.get(1), v.get(2), 2, 1));
    }

    @Test
    void batchNormTraining() {
        check(List.of(param(3, 2, 2, 2), param(2), param(2)),
                v -> Norms.batchNormTrain(v.get(0), v.get(1), v.get(2), new float[2], new float[] {1, 1}, 0.1f, 1e-5f));
    }

    @Test
    void batchNormEval() {
        float[] mean = {0.1f, -0.2f};
        float[] var = {0.5f, 2f};
        check(List.of(param(2, 2, 2, 2), param(2), param(2)), v -> Norms.batchNorm(v.get(0), v.get(1), v.get(2), mean, var, 1e-5f));
    }

    @Test
    void layerNorm() {
        check(List.of(param(3, 5), param(5), param(5)), v -> Norms.layerNorm(v.get(0), v.get(1), v.get(2), 1e-5f));
    }

    @Test
    void relu() {
        check(List.of(param(4, 3)), v -> Activations.relu(v.get(0)));
    }

    @Test
    void leakyRelu() {
        check(List.of(param(4, 3)), v -> Activations.leakyRelu(v.get(0), 0.2f));
    }

    @Test
    void sigmoid() {
        check(List.of(param(4, 3)), v -> Activations.sigmoid(v.get(0)));
    }

    @Test
    void tanh() {
        check(List.of(param(4, 3)), v -> Activations.tanh(v.get(0)));
    }

    @Test
    void gelu() {
        check(List.of(param(4, 3)), v -> Activations.gelu(v.get(0)));
    }

    @Test
    void softmax() {
        check(List.of(param(3, 4)), v -> Activations.softmax(v.get(0)));
    }

    @Test
    void maxPool() {
        check(List.of(distinct(2, 2, 4, 4)), v -> Pooling.maxPool(v.get(0), 2, 2, 0));
    }

    @Test
    void avgPoolWithPadding() {
        check(List.of(param(1, 2, 4, 4)), v -> Pooling.avgPool(v.get(0), 3, 2, 1));
    }

    @Test
    void flattenAndReshape() {
        check(List.of(param(2, 3, 2)), v -> Activations.tanh(Shaping.flatten(v.get(0)).reshape(3, 4)));
    }

    @Test
    void dropoutWithFixedMask() {
        check(List.of(param(4, 5)), v -> Shaping.dropout(v.get(0), 0.4f, new SplittableRandom(5)));
    }

    @Test
    void embedding() {
        Var ids = Var.constant(new float[] {2, 0, 2, 1}, 2, 2);
        check(List.of(param(3, 4)), v -> Shaping.embedding(ids, v.get(0), "emb"));
    }

    @Test
    void crossEntropy() {
        check(List.of(param(3, 4)), v -> Losses.crossEntropy(v.get(0), new int[] {0, 3, 1}));
    }

    @Test
    void mse() {
        float[] target = {0.5f, -0.5f, 0.25f, 1f};
        check(List.of(param(2, 2)), v -> Losses.mse(v.get(0), target));
    }

    @Test
    void gradientsAccumulateOverSharedInputs() {
        // x x^T uses x twice (as input and as weight): both paths must add up
        check(List.of(param(3, 3)), v -> Activations.tanh(Dense.linear(v.get(0), v.get(0), null)));
    }
}
