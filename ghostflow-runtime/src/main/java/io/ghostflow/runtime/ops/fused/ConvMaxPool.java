package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.Epilogue;
import io.ghostflow.kernels.StridedConvMaxPool;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.nn.Window;
import io.ghostflow.runtime.ops.tensor.Data;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.List;

/**
 * {@code ConvMaxPool(X, W, B?)}: a FusedConv (X, W, B; no residual) whose output only a 2-D
 * MaxPool (one output, no Indices) reads, as one node that computes the pair band of rows by band
 * of rows ({@link StridedConvMaxPool}), so the convolution's output is never stored whole (the
 * stems of squeezenet1_1 and resnet18). The convolution's attributes are stored with the prefix
 * {@code c_}, the pool's with {@code p_}. Every output is the two nodes', bit for bit; inputs or
 * geometries that the banded kernel does not take, and convolution outputs holding NaN or
 * infinities, run the two nodes' kernels one after the other.
 */
public final class ConvMaxPool {
    public static final String CONV = "c_";
    public static final String POOL = "p_";

    private ConvMaxPool() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        if (node.inputs().isEmpty() || node.inputs().size() > 3 || node.outputs().size() != 1) {
            throw Data.badGraph(node.label() + ": ConvMaxPool takes X, W and an optional B, and has one output; got "
                    + node.inputs().size() + " inputs and " + node.outputs().size() + " outputs");
        }
        Node conv = conv(node);
        Node pool = pool(node);
        PackedConv packed = PackedConv.of(conv, cfg, ConvParams.from(conv), Activation.from(conv));
        Window window = new Window(pool, true);
        OpKernel separate = FusedOps.onFirstUse(() -> separately(conv, pool, cfg));
        if (packed == null) {
            return separate;
        }
        return (ctx, in) -> {
            Conv2d c = packed.bind(in);
            if (c == null) {
                return separate.run(ctx, in);
            }
            Conv2d.Params q = c.params();
            Window.Geometry g = window.forward(new int[] {q.outH(), q.outW()}, null, "MaxPool");
            if (g.s()[1] != 2 || g.d()[0] != 1 || g.d()[1] != 1) {
                return separate.run(ctx, in);
            }
            Epilogue epi = packed.epilogue(null, 0);
            StridedConvMaxPool.Pool p = new StridedConvMaxPool.Pool(g.k()[0], g.k()[1], g.s()[0], g.padBegin()[0],
                    g.padBegin()[1], g.out()[0], g.out()[1]);
            if (!StridedConvMaxPool.suits(c, epi, p)) {
                return separate.run(ctx, in);
            }
            float[] x = ((Tensor) in[0]).floats();
            float[] y = ctx.floatBuffer(q.n() * q.outC() * p.oh() * p.ow());
            // A fresh array when the pool handed out the input's own storage (read while writing).
            if (y == x) {
                y = new float[y.length];
            }
            if (!StridedConvMaxPool.run(c, epi, p, x, 0, y, 0, ctx.threads())) {
                ctx.recycleBuffer(y);
                return separate.run(ctx, in);
            }
            return new Value[] {Tensor.of(y, q.n(), q.outC(), p.oh(), p.ow())};
        };
    }

    /** The FusedConv kernel, then the MaxPool kernel on its output: for runs that leave the banded case. */
    private static OpKernel separately(Node conv, Node pool, OpConfig cfg) {
        OpKernel first = FusedOps.fusedConv(conv, cfg);
        OpKernel second = StandardKernels.create("MaxPool", pool, pool.inputs(), cfg);
        if (second == null) {
            throw Data.badGraph(pool.label() + ": no MaxPool kernel for the attributes " + pool.attributes().keySet());
        }
        return (ctx, in) -> {
            Tensor mid = (Tensor) first.run(ctx, in)[0];
            Value[] out = second.run(ctx, new Value[] {mid});
            // The convolution's output is dead: its array goes back for the next run.
            if (mid.storage() instanceof float[] a && ((Tensor) out[0]).storage() != a) {
                ctx.recycleBuffer(a);
            }
            return out;
        };
    }

    /** The convolution as the FusedConv node it was. */
    static Node conv(Node node) {
        return FusedOps.fusedConvPart(node, CONV, node.inputs(), node.name() + "/conv", node.output(0) + "/conv");
    }

    /** The pool as the MaxPool node it was, reading the convolution's output. */
    static Node pool(Node node) {
        return new Node(node.name() + "/pool", "MaxPool", "", List.of(node.output(0) + "/conv"), List.of(node.output(0)),
                FusedOps.unprefixed(node, POOL));
    }
}
