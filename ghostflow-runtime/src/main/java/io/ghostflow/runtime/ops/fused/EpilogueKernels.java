package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.Epilogue;
import io.ghostflow.kernels.Gemm;
import io.ghostflow.kernels.PackedB;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * Fused Conv / Gemm / MatMul on the packed io.ghostflow.kernels with bias, residual and
 * activation in the kernel's {@link Epilogue}, so each output element is written once while its
 * tile is still in L1 (instead of the standard kernel's output plus a second pass over it).
 * Weights are packed once here, at session creation. Each factory returns null when the node is
 * not the common float32 constant-weight case; the caller then keeps its general path, and a run
 * whose inputs leave that case (a fed weight, a broadcast residual) goes to {@code fallback}.
 */
final class EpilogueKernels {
    private EpilogueKernels() {
    }

    /** FusedConv(X, W, B?, Z?) with constant 4-D W (and constant B when present), else null. */
    static OpKernel conv(Node node, OpConfig cfg, ConvParams p, Activation act, OpKernel fallback) {
        PackedConv packed = PackedConv.of(node, cfg, p, act);
        if (packed == null) {
            return null;
        }
        return (ctx, in) -> {
            Conv2d conv = packed.bind(in);
            if (conv == null) {
                return fallback.run(ctx, in);
            }
            int[] os = PackedConv.outputShape(conv.params());
            float[] xv = ((Tensor) in[0]).floats();
            float[] zv = in.length > 3 && in[3] != null ? ((Tensor) in[3]).floats() : null;
            float[] y = buffer(ctx.floatBuffer(os[0] * os[1] * os[2] * os[3]), xv, zv);
            conv.run(xv, 0, y, 0, packed.epilogue(zv, os[2] * os[3]), ctx.threads());
            return new Value[] {Tensor.of(y, os)};
        };
    }

    /** FusedGemm(A, B, C?) with constant 2-D B and C absent or a constant row bias at beta 1, else null. */
    static OpKernel gemm(Node node, OpConfig cfg, boolean transA, boolean transB, float alpha, float beta, Activation act,
                         OpKernel fallback) {
        Tensor cbm = cfg.constant(node.input(1));
        if (cbm == null || cbm.dtype() != DType.FLOAT || cbm.rank() != 2) {
            return null;
        }
        int k = transB ? cbm.dim(1) : cbm.dim(0);
        int n = transB ? cbm.dim(0) : cbm.dim(1);
        Tensor cc = node.hasInput(2) ? cfg.constant(node.input(2)) : null;
        if (node.hasInput(2) && (cc == null || cc.dtype() != DType.FLOAT || beta != 1f || cc.size() != n
                || !(cc.rank() == 1 || cc.rank() == 2 && cc.dim(0) == 1))) {
            return null;
        }
        PackedB packed = Gemm.packB(cbm.floats(), 0, k, n, transB);
        Epilogue epi = tileEpilogue(act, cc == null ? Epilogue.NONE : Epilogue.NONE.withColumnBias(cc.floats().clone(), 0));
        return (ctx, in) -> {
            Tensor a = (Tensor) in[0];
            if (in[1] != cbm || (cc != null && in[2] != cc) || a.dtype() != DType.FLOAT || a.rank() != 2
                    || (transA ? a.dim(0) : a.dim(1)) != k) {
                return fallback.run(ctx, in);
            }
            int m = transA ? a.dim(1) : a.dim(0);
            float[] av = a.floats();
            float[] y = buffer(ctx.floatBuffer(m * n), av, null);
            Gemm.gemm(m, n, k, alpha, av, 0, transA ? m : k, transA, packed, 0f, y, 0, n, epi, ctx.threads());
            afterGemm(act, y, m * n, ctx.threads());
            return new Value[] {Tensor.of(y, m, n)};
        };
    }

    /**
     * FusedMatMul(A, B, bias?, Z?) with constant 2-D B (and constant bias when present), else null.
     * A residual Z of exactly the output's shape is added in the epilogue; any other Z goes to the fallback.
     */
    static OpKernel matmul(Node node, OpConfig cfg, Activation act, OpKernel fallback) {
        Tensor cbm = cfg.constant(node.input(1));
        if (cbm == null || cbm.dtype() != DType.FLOAT || cbm.rank() != 2) {
            return null;
        }
        int k = cbm.dim(0);
        int n = cbm.dim(1);
        Tensor cbias = node.hasInput(2) ? cfg.constant(node.input(2)) : null;
        if (node.hasInput(2) && (cbias == null || cbias.dtype() != DType.FLOAT || cbias.size() != n)) {
            return null;
        }
        PackedB packed = Gemm.packB(cbm.floats(), 0, k, n, false);
        Epilogue epi = tileEpilogue(act, cbias == null ? Epilogue.NONE : Epilogue.NONE.withColumnBias(cbias.floats().clone(), 0));
        return (ctx, in) -> {
            Tensor a = (Tensor) in[0];
            int[] as = a.shape();
            Tensor z = in.length > 3 ? (Tensor) in[3] : null;
            if (in[1] != cbm || (cbias != null && in[2] != cbias) || a.dtype() != DType.FLOAT || as.length < 2
                    || as[as.length - 1] != k || (z != null && z.dtype() != DType.FLOAT)) {
                return fallback.run(ctx, in);
            }
            int[] os = as.clone();
            os[os.length - 1] = n;
            if (z != null && !Arrays.equals(z.shape(), os)) {
                return fallback.run(ctx, in);
            }
            // leading dims of A fold into the rows of one product
            int m = a.size() / k;
            float[] av = a.floats();
            float[] zv = z == null ? null : z.floats();
            float[] y = buffer(ctx.floatBuffer(m * n), av, zv);
            Gemm.gemm(m, n, k, 1f, av, 0, k, false, packed, 0f, y, 0, n, zv == null ? epi : epi.withResidual(zv, 0, n),
                    ctx.threads());
            afterGemm(act, y, m * n, ctx.threads());
            return new Value[] {Tensor.of(y, os)};
        };
    }

    /**
     * The per-tile epilogue of a Gemm / MatMul: {@code e} plus the activation, except GELU, which
     * {@link #afterGemm} applies in one flat pass instead (see {@link GeluLoops} for why).
     */
    static Epilogue tileEpilogue(Activation act, Epilogue e) {
        return GeluLoops.handles(act) ? e : io(act, e);
    }

    /** The part of the activation that {@link #tileEpilogue} left out, over y[0, n). */
    static void afterGemm(Activation act, float[] y, int n, int threads) {
        if (GeluLoops.handles(act)) {
            GeluLoops.apply(act, y, 0, n, threads);
        }
    }

    /** The output array, fresh when the pool handed out an input's own storage (the kernel reads them while writing). */
    private static float[] buffer(float[] y, float[] in, float[] residual) {
        return y == in || y == residual ? new float[y.length] : y;
    }

    /** {@code e} with the fused op's activation translated to the kernels' form. */
    static Epilogue io(Activation act, Epilogue e) {
        io.ghostflow.kernels.Activation k = switch (act.kind()) {
            case NONE -> io.ghostflow.kernels.Activation.NONE;
            case RELU -> io.ghostflow.kernels.Activation.RELU;
            case CLIP -> io.ghostflow.kernels.Activation.clip(act.a(), act.b());
            case LEAKY_RELU -> io.ghostflow.kernels.Activation.leakyRelu(act.a());
            case SIGMOID -> io.ghostflow.kernels.Activation.SIGMOID;
            case HARD_SIGMOID -> io.ghostflow.kernels.Activation.hardSigmoid(act.a(), act.b());
            case HARD_SWISH -> io.ghostflow.kernels.Activation.HARD_SWISH;
            case SILU -> io.ghostflow.kernels.Activation.SILU;
            case TANH -> io.ghostflow.kernels.Activation.TANH;
            case GELU -> io.ghostflow.kernels.Activation.GELU_ERF;
            case GELU_TANH -> io.ghostflow.kernels.Activation.GELU_TANH;
        };
        return e.withActivation(k);
    }
}
