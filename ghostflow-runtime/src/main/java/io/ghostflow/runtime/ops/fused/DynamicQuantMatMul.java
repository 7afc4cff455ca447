package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.VectorMath;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.kernels.IntGemm;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.quant.QuantKernels;
import io.ghostflow.runtime.ops.quant.QuantOps;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code DynamicQuantMatMul(X, W1, wzp1, ws1, b1, W2, ...)}: the dynamically quantized dense
 * layers that read one X, as one kernel. X is quantized once exactly as DynamicQuantizeLinear
 * does, multiplied by all weight groups side by side (their columns concatenated into one
 * IntGemm B, packed once when the weights are constants), and each group's int32 product is
 * turned into float, multiplied by {@code x_scale * w_scale} and offset by its bias, in the
 * order of the unfused Cast, Mul, Add: so the result is bit for bit the unfused chain's.
 *
 * <p>The quantized X never exists as bytes: the quantization writes {@code q - zero_point} as
 * float (an exact integer), the form IntGemm multiplies in, and IntGemm returns the int32
 * product already as float (the value Cast gives), so neither side converts twice.
 *
 * <p>A one-group node may carry its layer's epilogue (see DynamicQuantMatMulEpilogueFusion): a
 * sixth input r added after the bias ({@code (y + b) + r}, the residual Add) and a GELU
 * activation applied last by GeluLoops, the Gelu op's own code: the bits stay the unfused ones.
 */
final class DynamicQuantMatMul {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Bias of the round-to-nearest-even trick (2^23 + 2^22): exact for |v| < 2^22. */
    private static final float ROUND_MAGIC = 12582912f;
    /** Per thread: the quantized X, the product and X's zero point (grown on demand, reused across runs). */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private DynamicQuantMatMul() {
    }

    private static final class Scratch {
        float[] q = new float[0];
        float[] acc = new float[0];
        final int[] za = new int[1];
    }

    /**
     * The weight groups side by side: B packed for IntGemm, per column the weight scale and the
     * bias, and the column range of each group (each group is one output).
     */
    record Plan(IntGemm.PackedIntB packed, float[] wScale, float[] bias, boolean[] hasBias, int[] offsets) {
        int k() {
            return packed.depth();
        }

        int n() {
            return packed.columns();
        }
    }

    static OpKernel create(Node node, OpConfig cfg) {
        int groups = (node.inputs().size() - 1) / 4;
        boolean residual = groups == 1 && node.inputs().size() == 6;
        if (groups < 1 || (node.inputs().size() != 1 + 4 * groups && !residual) || node.outputs().size() != groups) {
            throw GhostFlowException.invalidGraph("DynamicQuantMatMul " + node.name() + ": needs 1 + 4 * outputs inputs (one output:"
                    + " optionally a residual), has " + node.inputs().size() + " inputs and " + node.outputs().size() + " outputs");
        }
        Activation act = Activation.from(node);
        if (act.kind() != Activation.Kind.NONE && (groups != 1 || !GeluLoops.handles(act))) {
            throw GhostFlowException.invalidGraph("DynamicQuantMatMul " + node.name() + ": activation " + act.kind()
                    + " unsupported (GELU forms on one output only)");
        }
        Tensor[] consts = new Tensor[1 + 4 * groups];
        boolean allConst = true;
        for (int i = 1; i < consts.length; i++) {
            if (node.hasInput(i)) {
                consts[i] = cfg.constant(node.input(i));
                allConst &= consts[i] != null;
            }
        }
        Plan fixed = allConst ? plan(node, consts) : null;
        return (ctx, in) -> {
            Plan p = fixed;
            if (p == null) {
                Tensor[] t = new Tensor[consts.length];
                for (int i = 1; i < t.length; i++) {
                    t[i] = (Tensor) in[i];
                }
                p = plan(node, t);
            }
            return run(node, p, (Tensor) in[0], residual ? (Tensor) in[5] : null, act, ctx);
        };
    }

    /** Checks the groups and lays their weights side by side. */
    static Plan plan(Node node, Tensor[] in) {
        int groups = (in.length - 1) / 4;
        int[] offsets = new int[groups + 1];
        int k = -1;
        DType wType = null;
        for (int g = 0; g < groups; g++) {
            Tensor w = in[1 + 4 * g];
            if (w == null || w.rank() != 2 || (w.dtype() != DType.INT8 && w.dtype() != DType.UINT8)) {
                throw GhostFlowException.invalidArgument("DynamicQuantMatMul " + node.name() + ": weight " + g
                        + " must be a 2-D int8 or uint8 tensor");
            }
            if ((k >= 0 && w.dim(0) != k) || (wType != null && w.dtype() != wType)) {
                throw GhostFlowException.invalidArgument("DynamicQuantMatMul " + node.name() + ": weight " + g
                        + " differs in depth or type from the first weight");
            }
            k = w.dim(0);
            wType = w.dtype();
            offsets[g + 1] = offsets[g] + w.dim(1);
        }
        int n = offsets[groups];
        byte[] wAll = new byte[k * n];
        int[] zb = new int[n];
        float[] ws = new float[n];
        float[] bias = new float[n];
        boolean[] hasBias = new boolean[groups];
        for (int g = 0; g < groups; g++) {
            Tensor w = in[1 + 4 * g];
            int ng = w.dim(1);
            int o = offsets[g];
            byte[] wb = w.bytes();
            for (int r = 0; r < k; r++) {
                System.arraycopy(wb, r * ng, wAll, r * n + o, ng);
            }
            Tensor zp = in[2 + 4 * g];
            Tensor sc = in[3 + 4 * g];
            Tensor b = in[4 + 4 * g];
            if (zp != null && zp.dtype() != wType) {
                throw GhostFlowException.invalidArgument("DynamicQuantMatMul " + node.name() + ": zero point " + g + " is "
                        + zp.dtype() + ", weight is " + wType);
            }
            if (sc == null || sc.dtype() != DType.FLOAT) {
                throw GhostFlowException.invalidArgument("DynamicQuantMatMul " + node.name() + ": scale " + g + " must be FLOAT");
            }
            if (b != null && b.dtype() != DType.FLOAT) {
                throw GhostFlowException.invalidArgument("DynamicQuantMatMul " + node.name() + ": bias " + g + " must be FLOAT");
            }
            for (int j = 0; j < ng; j++) {
                zb[o + j] = zp == null ? 0 : (int) zp.getLong(perColumn(node, zp, ng, j, "zero point " + g));
                ws[o + j] = sc.floats()[perColumn(node, sc, ng, j, "scale " + g)];
                bias[o + j] = b == null ? 0f : b.floats()[perColumn(node, b, ng, j, "bias " + g)];
            }
            hasBias[g] = b != null;
        }
        IntGemm.PackedIntB packed = IntGemm.packB(wAll, 0, n, k, n, wType == DType.UINT8, zb);
        return new Plan(packed, ws, bias, hasBias, offsets);
    }

    /** Index of column j's value in a tensor of one value or one per column (rank at most 1). */
    private static int perColumn(Node node, Tensor t, int n, int j, String what) {
        if (t.size() == 1 && t.rank() <= 1) {
            return 0;
        }
        if (t.rank() == 1 && t.size() == n) {
            return j;
        }
        throw GhostFlowException.shapeMismatch("DynamicQuantMatMul " + node.name() + ": " + what + " has shape "
                + Arrays.toString(t.shape()) + ", expected one value or " + n);
    }

    static Value[] run(Node node, Plan p, Tensor x, Tensor residual, Activation act, ExecContext ctx) {
        int k = p.k();
        int n = p.n();
        if (x == null || x.dtype() != DType.FLOAT || x.rank() < 1 || x.dim(x.rank() - 1) != k) {
            throw GhostFlowException.shapeMismatch("DynamicQuantMatMul " + node.name() + ": input X must be FLOAT with last dimension "
                    + k + ", got " + (x == null ? "nothing" : x.dtype() + Arrays.toString(x.shape())));
        }
        int m = k == 0 ? 0 : x.size() / k;
        Scratch s = SCRATCH.get();
        if (s.q.length < x.size()) {
            s.q = new float[x.size()];
        }
        if (s.acc.length < m * n) {
            s.acc = new float[m * n];
        }
        float scale = quantize(x, s.q, s.za);
        if (m > 0 && n > 0) {
            int zp = s.za[0];
            IntGemm.gemmExact(m, s.q, 0, k, Math.max(zp, 255 - zp), p.packed(), s.acc, 0, n, ctx.threads());
        }
        int groups = p.offsets().length - 1;
        Value[] out = new Value[groups];
        for (int g = 0; g < groups; g++) {
            int o = p.offsets()[g];
            int ng = p.offsets()[g + 1] - o;
            int[] shape = x.shape().clone();
            shape[shape.length - 1] = ng;
            float[] r = null;
            if (residual != null) {
                if (residual.dtype() != DType.FLOAT || !Arrays.equals(residual.shape(), shape)) {
                    throw GhostFlowException.shapeMismatch("DynamicQuantMatMul " + node.name() + ": residual must be FLOAT of shape "
                            + Arrays.toString(shape) + ", got " + residual.dtype() + Arrays.toString(residual.shape()));
                }
                r = residual.floats();
            }
            float[] y = ctx.floatBuffer(m * ng);
            epilogue(s.acc, n, o, m, ng, scale, p.wScale(), p.hasBias()[g] ? p.bias() : null, r, y);
            if (act.kind() != Activation.Kind.NONE) {
                GeluLoops.apply(act, y, 0, m * ng, ctx.threads());
            }
            out[g] = Tensor.of(y, shape);
        }
        return out;
    }

    /**
     * y[i, j] = acc[i, o + j] * (xScale * wScale[o + j]) (+ bias[o + j]), acc holding the int32
     * products as Cast turns them into float: the unfused Cast, the Mul by the Mul of the two
     * scales, then the Add, each rounded to float as there (a multiply and a separate add, never
     * an FMA); then, with a residual r (row-major [m, ng]), y + r as the residual Add.
     */
    static void epilogue(float[] acc, int lda, int o, int m, int ng, float xScale, float[] wScale, float[] bias, float[] r, float[] y) {
        int bound = F.loopBound(ng);
        for (int i = 0; i < m; i++) {
            int a = i * lda + o;
            int yo = i * ng;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector f = FloatVector.fromArray(F, acc, a + j);
                FloatVector sc = FloatVector.fromArray(F, wScale, o + j).mul(xScale);
                // float multiplication commutes exactly: wScale * xScale is the unfused xScale * wScale
                FloatVector v = f.mul(sc);
                if (bias != null) {
                    v = FloatVector.fromArray(F, bias, o + j).add(v);
                }
                if (r != null) {
                    v = v.add(FloatVector.fromArray(F, r, yo + j));
                }
                v.intoArray(y, yo + j);
            }
            for (; j < ng; j++) {
                float v = acc[a + j] * (xScale * wScale[o + j]);
                v = bias != null ? bias[o + j] + v : v;
                y[yo + j] = r != null ? v + r[yo + j] : v;
            }
        }
    }

    /**
     * DynamicQuantizeLinear of x, written as q - zero_point in float (exact integers in
     * [-zp, 255 - zp]) into q: returns the scale and puts the zero point in za[0]. The arithmetic
     * of QuantKernels.quantizeUint8 (min and max from 0, float division, clamping to the integer
     * bounds then rounding half to even, which equals rounding then clamping), stopping before
     * the conversion to bytes. NaN, infinities and all-zero data take QuantOps' general code.
     */
    static float quantize(Tensor x, float[] q, int[] za) {
        float[] a = x.floats();
        int n = x.size();
        float scale = QuantKernels.scaleAndZeroPoint(a, n, za);
        if (Float.isNaN(scale)) {
            Value[] r = QuantOps.dynamicQuantize(x);
            byte[] qb = ((Tensor) r[0]).bytes();
            int zp = (int) ((Tensor) r[2]).getLong(0);
            for (int j = 0; j < n; j++) {
                q[j] = (qb[j] & 0xFF) - zp;
            }
            za[0] = zp;
            return ((Tensor) r[1]).floats()[0];
        }
        int zp = za[0];
        int i = 0;
        int bound = F.loopBound(n);
        float lo = -zp;
        float hi = 255 - zp;
        for (; i < bound; i += L) {
            VectorMath.clamp(FloatVector.fromArray(F, a, i).div(scale), lo, hi).add(ROUND_MAGIC).sub(ROUND_MAGIC).intoArray(q, i);
        }
        for (; i < n; i++) {
            q[i] = (float) Math.max(lo, Math.min(hi, Math.rint(a[i] / scale)));
        }
        return scale;
    }
}
