package io.ghostflow.runtime.ops.misc;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.math.Broadcasting;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/** Window functions, DFT, STFT and MelWeightMatrix (opset 17; DFT's axis became an input at 20). */
public final class SignalOps {
    private SignalOps() {
    }

    public static void register(OpRegistry r) {
        window(r, "HannWindow", new double[] {0.5, 0.5, 0});
        window(r, "HammingWindow", new double[] {25.0 / 46, 21.0 / 46, 0});
        window(r, "BlackmanWindow", new double[] {0.42, 0.5, 0.08});
        r.register("DFT", new int[] {17, 20}, (node, cfg) -> {
            boolean inverse = node.getInt("inverse", 0) != 0;
            boolean onesided = node.getInt("onesided", 0) != 0;
            boolean axisInput = cfg.sinceVersion() >= 20;
            long axisAttr = node.getInt("axis", 1);
            return (ctx, in) -> {
                Tensor x = (Tensor) in[0];
                Tensor len = in.length > 1 ? (Tensor) in[1] : null;
                long axis = axisAttr;
                if (axisInput) {
                    axis = in.length > 2 && in[2] != null ? ((Tensor) in[2]).getLong(0) : -2;
                }
                int ax = Shapes.axis((int) axis, x.rank(), node.label());
                if (ax == x.rank() - 1) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, node.label() + ": axis must not be the last (complex) dimension");
                }
                if (inverse && onesided) {
                    int n = len == null ? 2 * (x.dim(ax) - 1) : (int) len.getLong(0);
                    return new Value[] {inverseOnesided(x, ax, n)};
                }
                int n = len == null ? x.dim(ax) : (int) len.getLong(0);
                return new Value[] {dft(x, ax, n, inverse, onesided)};
            };
        });
        r.register("STFT", 17, (node, cfg) -> {
            boolean onesided = node.getInt("onesided", 1) != 0;
            return (ctx, in) -> new Value[] {stft((Tensor) in[0], ((Tensor) in[1]).getLong(0),
                    in.length > 2 ? (Tensor) in[2] : null, in.length > 3 && in[3] != null ? ((Tensor) in[3]).getLong(0) : -1, onesided)};
        });
        r.register("MelWeightMatrix", 17, (node, cfg) -> {
            DType out = DType.fromOnnx((int) node.getInt("output_datatype", 1));
            return (ctx, in) -> new Value[] {mel((int) ((Tensor) in[0]).getLong(0), (int) ((Tensor) in[1]).getLong(0),
                    (int) ((Tensor) in[2]).getLong(0), ((Tensor) in[3]).getDouble(0), ((Tensor) in[4]).getDouble(0), out)};
        });
    }

    private static void window(OpRegistry r, String name, double[] c) {
        r.register(name, 17, (node, cfg) -> {
            boolean periodic = node.getInt("periodic", 1) != 0;
            DType out = DType.fromOnnx((int) node.getInt("output_datatype", 1));
            return (ctx, in) -> {
                int n = (int) ((Tensor) in[0]).getLong(0);
                double den = periodic ? n : n - 1;
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    double a = 2 * Math.PI * i / den;
                    w[i] = c[0] - c[1] * Math.cos(a) + c[2] * Math.cos(2 * a);
                }
                return new Value[] {out.isFloatingPoint() ? Broadcasting.fromDoubles(out, w, new int[] {n}) : castLongs(out, w)};
            };
        });
    }

    private static Tensor castLongs(DType out, double[] w) {
        Tensor t = Tensor.zeros(out, w.length);
        for (int i = 0; i < w.length; i++) {
            t.setDouble(i, w[i]);
        }
        return t;
    }

    /**
     * DFT along {@code axis} of a [..., 1 or 2] real/complex tensor, zero-padding or truncating
     * the signal to {@code n} points. Direct summation with a shared twiddle table.
     */
    static Tensor dft(Tensor x, int axis, int n, boolean inverse, boolean onesided) {
        int[] shape = x.shape();
        int rank = shape.length;
        int comps = shape[rank - 1];
        double[] a = x.asDoubles();
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        int len = shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < rank - 1; i++) {
            inner *= shape[i];
        }
        int outLen = onesided ? n / 2 + 1 : n;
        int[] outShape = shape.clone();
        outShape[axis] = outLen;
        outShape[rank - 1] = 2;
        double[] out = new double[outer * outLen * inner * 2];
        double[] cos = new double[n];
        double[] sin = new double[n];
        for (int k = 0; k < n; k++) {
            double ang = 2 * Math.PI * k / n;
            cos[k] = Math.cos(ang);
            sin[k] = Math.sin(ang);
        }
        double sign = inverse ? 1 : -1;
        int m = Math.min(len, n);
        double[] re = new double[m];
        double[] im = new double[m];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < inner; k++) {
                for (int j = 0; j < m; j++) {
                    int src = ((o * len + j) * inner + k) * comps;
                    re[j] = a[src];
                    im[j] = comps > 1 ? a[src + 1] : 0;
                }
                for (int f = 0; f < outLen; f++) {
                    double sr = 0;
                    double si = 0;
                    for (int j = 0; j < m; j++) {
                        int t = (int) ((long) f * j % n);
                        double c = cos[t];
                        double s = sign * sin[t];
                        sr += re[j] * c - im[j] * s;
                        si += re[j] * s + im[j] * c;
                    }
                    if (inverse) {
                        sr /= n;
                        si /= n;
                    }
                    int dst = ((o * outLen + f) * inner + k) * 2;
                    out[dst] = sr;
                    out[dst + 1] = si;
                }
            }
        }
        return Broadcasting.fromDoubles(x.dtype(), out, outShape);
    }

    /**
     * Inverse of a one-sided spectrum (irfft): the missing bins are the conjugates of the
     * given ones (Hermitian symmetry), the output is real, [..., n, 1].
     */
    static Tensor inverseOnesided(Tensor x, int axis, int n) {
        int[] shape = x.shape();
        int rank = shape.length;
        int len = shape[axis];
        int comps = shape[rank - 1];
        double[] a = x.asDoubles();
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        int inner = 1;
        for (int i = axis + 1; i < rank - 1; i++) {
            inner *= shape[i];
        }
        double[] full = new double[outer * n * inner * 2];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < inner; k++) {
                for (int f = 0; f < n; f++) {
                    int srcBin = f < len ? f : n - f;
                    double conj = f < len ? 1 : -1;
                    double re = 0;
                    double im = 0;
                    if (srcBin < len) {
                        int src = ((o * len + srcBin) * inner + k) * comps;
                        re = a[src];
                        im = comps > 1 ? conj * a[src + 1] : 0;
                    }
                    int dst = ((o * n + f) * inner + k) * 2;
                    full[dst] = re;
                    full[dst + 1] = im;
                }
            }
        }
        int[] fullShape = shape.clone();
        fullShape[axis] = n;
        fullShape[rank - 1] = 2;
        Tensor spectrum = Tensor.ofDoubles(full, fullShape);
        double[] c = dft(spectrum, axis, n, true, false).asDoubles();
        double[] real = new double[c.length / 2];
        for (int i = 0; i < real.length; i++) {
            real[i] = c[2 * i];
        }
        int[] outShape = fullShape.clone();
        outShape[rank - 1] = 1;
        return Broadcasting.fromDoubles(x.dtype(), real, outShape);
    }

    static Tensor stft(Tensor signal, long step, Tensor window, long frameLength, boolean onesided) {
        int batch = signal.dim(0);
        int length = signal.dim(1);
        int comps = signal.rank() > 2 ? signal.dim(2) : 1;
        int fl = (int) (frameLength > 0 ? frameLength : window != null ? window.size() : length);
        double[] w = window == null ? null : window.asDoubles();
        int frames = (int) ((length - fl) / step + 1);
        double[] a = signal.asDoubles();
        double[] framed = new double[batch * frames * fl * comps];
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < frames; f++) {
                for (int j = 0; j < fl; j++) {
                    for (int c = 0; c < comps; c++) {
                        double v = a[((b * length) + (int) (f * step) + j) * comps + c];
                        framed[(((b * frames + f) * fl) + j) * comps + c] = w == null ? v : v * w[j];
                    }
                }
            }
        }
        Tensor ft = Broadcasting.fromDoubles(DType.DOUBLE, framed, new int[] {batch, frames, fl, comps});
        Tensor d = dft(ft, 2, fl, false, onesided);
        return Broadcasting.fromDoubles(signal.dtype(), d.asDoubles(), d.shape());
    }

    static Tensor mel(int bins, int dftLength, int sampleRate, double lower, double upper, DType out) {
        int spec = dftLength / 2 + 1;
        double lowMel = 2595 * Math.log10(1 + lower / 700);
        double highMel = 2595 * Math.log10(1 + upper / 700);
        double step = (highMel - lowMel) / (bins + 2);
        int[] fb = new int[bins + 2];
        for (int i = 0; i < bins + 2; i++) {
            double hz = 700 * (Math.pow(10, (i * step + lowMel) / 2595) - 1);
            fb[i] = (int) Math.floor((dftLength + 1) * hz / sampleRate);
        }
        double[] w = new double[spec * bins];
        for (int i = 0; i < bins; i++) {
            int lo = fb[i];
            int center = fb[i + 1];
            int hi = fb[i + 2];
            int lc = center - lo;
            if (lc == 0) {
                w[center * bins + i] = 1;
            } else {
                for (int j = lo; j <= center; j++) {
                    w[j * bins + i] = (double) (j - lo) / lc;
                }
            }
            int ch = hi - center;
            if (ch > 0) {
                for (int j = center; j < hi; j++) {
                    w[j * bins + i] = (double) (hi - j) / ch;
                }
            }
        }
        return out.isFloatingPoint() ? Broadcasting.fromDoubles(out, w, new int[] {spec, bins}) : castLongs(out, w).reshape(spec, bins);
    }
}
