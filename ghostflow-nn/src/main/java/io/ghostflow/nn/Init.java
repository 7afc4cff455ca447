package io.ghostflow.nn;

import java.util.SplittableRandom;

/** Weight initialisations. Biases start at zero; only weights are drawn. */
public enum Init {
    /** He et al.: normal with std sqrt(2 / fan_in), suited to ReLU networks. */
    KAIMING,
    /** Glorot and Bengio: uniform in +-sqrt(6 / (fan_in + fan_out)), suited to tanh/sigmoid networks. */
    XAVIER;

    public void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng) {
        switch (this) {
            case KAIMING -> {
                double std = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) (gaussian(rng) * std);
                }
            }
            case XAVIER -> {
                double bound = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
                }
            }
        }
    }

    /** Box-Muller, so results depend only on the SplittableRandom stream (reproducible across JDKs). */
    static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
