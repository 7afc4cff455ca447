package io.ghostflow.kernels;

import io.ghostflow.kernels.reference.ReferenceConv2d;
import java.util.Random;

/** The convolution tests' common check: Conv2d against the direct 7-loop reference. */
final class ConvChecks {
    private ConvChecks() {
    }

    /** A square input and kernel with the same stride and padding on every side, one group, no dilation. */
    static Conv2d.Params square(int n, int c, int h, int outC, int k, int s, int pad) {
        return new Conv2d.Params(n, c, h, h, outC, k, k, s, s, pad, pad, pad, pad, 1, 1, 1);
    }

    private static final Activation[] ACTIVATIONS = {Activation.NONE, Activation.RELU, Activation.relu6(), Activation.SIGMOID};

    /**
     * An epilogue template for {@link #againstReference}: the iter-th of four activations, a row
     * bias half the time and a residual a third of the time (placeholder arrays).
     */
    static Epilogue randomEpilogue(Random r, int iter) {
        Epilogue epi = Epilogue.of(ACTIVATIONS[iter % ACTIVATIONS.length]);
        if (r.nextBoolean()) {
            epi = epi.withRowBias(new float[0], 0);
        }
        if (r.nextInt(3) == 0) {
            epi = epi.withResidual(new float[0], 0, 0);
        }
        return epi;
    }

    /**
     * Random weights and input for p, and a random bias and residual where {@code epiTemplate}
     * has them (its arrays are placeholders); the result must be within
     * {@link Tolerances#assertDotClose} of the reference, with {@code extraAbs} added to every
     * output's sum of |terms|.
     */
    static void againstReference(Conv2d.Params p, Epilogue epiTemplate, Random r, int threads, double extraAbs) {
        againstReference(p, epiTemplate, r, extraAbs, (w, x, y, epi) -> Conv2d.prepare(w, p).run(x, y, epi, threads));
    }

    /** A convolution kernel under test: y = epi(conv(x)) with weights w. */
    interface Kernel {
        void run(float[] w, float[] x, float[] y, Epilogue epi);
    }

    /** {@link #againstReference(Conv2d.Params, Epilogue, Random, int, double)} for one given kernel, not Conv2d's choice. */
    static void againstReference(Conv2d.Params p, Epilogue epiTemplate, Random r, double extraAbs, Kernel kernel) {
        int cg = p.c() / p.groups();
        float[] w = Tolerances.random(r, p.outC() * cg * p.kH() * p.kW());
        float[] x = Tolerances.random(r, p.n() * p.c() * p.h() * p.w());
        int ohw = p.outH() * p.outW();
        int outSize = p.n() * p.outC() * ohw;
        float[] bias = Tolerances.random(r, p.outC());
        float[] res = Tolerances.random(r, outSize);
        Epilogue epi = epiTemplate;
        if (epi.biasMode() != Epilogue.BiasMode.NONE) {
            epi = epi.withRowBias(bias, 0);
        }
        if (epi.residual() != null) {
            epi = epi.withResidual(res, 0, ohw);
        }
        float[] got = new float[outSize];
        float[] ref = new float[outSize];
        kernel.run(w, x, got, epi);
        double[] abs = new double[outSize];
        ReferenceConv2d.run(p, w, x, ref, epi, abs);
        for (int i = 0; i < abs.length; i++) {
            abs[i] += extraAbs;
        }
        Tolerances.assertDotClose(p.toString() + " " + epi, got, ref, abs);
    }
}
