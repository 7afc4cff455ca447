package io.ghostflow.kernels.reference;

import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.Epilogue;

/**
 * Direct 7-loop NCHW convolution with the same contract as {@link Conv2d}; accumulates in
 * double. The epilogue sees row = output channel, column = oh * OW + ow, and the residual
 * offset advances by one image (outC * OH * OW) per batch item.
 */
public final class ReferenceConv2d {
    private ReferenceConv2d() {
    }

    public static void run(Conv2d.Params p, float[] wts, float[] x, float[] y, Epilogue epi, double[] absSum) {
        Epilogue e = epi == null ? Epilogue.NONE : epi;
        int oh = p.outH();
        int ow = p.outW();
        int cg = p.c() / p.groups();
        int mg = p.outC() / p.groups();
        for (int n = 0; n < p.n(); n++) {
            Epilogue en = e.withResidualRowsAhead(n * p.outC());
            for (int m = 0; m < p.outC(); m++) {
                int g = m / mg;
                for (int r = 0; r < oh; r++) {
                    for (int s = 0; s < ow; s++) {
                        double acc = 0;
                        double abs = 0;
                        for (int ci = 0; ci < cg; ci++) {
                            int cin = g * cg + ci;
                            for (int kh = 0; kh < p.kH(); kh++) {
                                int ih = r * p.strideH() + kh * p.dilationH() - p.padTop();
                                if (ih < 0 || ih >= p.h()) {
                                    continue;
                                }
                                for (int kw = 0; kw < p.kW(); kw++) {
                                    int iw = s * p.strideW() + kw * p.dilationW() - p.padLeft();
                                    if (iw < 0 || iw >= p.w()) {
                                        continue;
                                    }
                                    double t = (double) x[((n * p.c() + cin) * p.h() + ih) * p.w() + iw]
                                            * wts[((m * cg + ci) * p.kH() + kh) * p.kW() + kw];
                                    acc += t;
                                    abs += Math.abs(t);
                                }
                            }
                        }
                        int idx = ((n * p.outC() + m) * oh + r) * ow + s;
                        if (absSum != null) {
                            absSum[idx] = abs;
                        }
                        y[idx] = en.applyScalar((float) acc, m, r * ow + s);
                    }
                }
            }
        }
    }
}
