package io.ghostflow.runtime.ops.fused;

import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.Epilogue;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.tensor.CopyOps;
import io.ghostflow.runtime.ops.tensor.Data;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ConvConcat(X0, W0, B0, X1, W1, B1, ...)}: Concat along channels of FusedConv branches,
 * each branch's output written straight into its slice of the result instead of into an array
 * of its own that Concat then copies (squeezenet's fire modules: the expand 1x1 and 3x3
 * convolutions). Branch i's FusedConv attributes are stored with the prefix {@code b<i>_}; every
 * output element is the branch convolution's, bit for bit. Runs that leave the constant-weight
 * case take the branches' general kernels and a plain Concat.
 */
public final class ConvConcat {
    /** Inputs per branch: X, W, B (B may be the empty name). */
    public static final int INPUTS_PER_BRANCH = 3;

    private ConvConcat() {
    }

    /** The attribute name under which branch {@code i} keeps its FusedConv attribute {@code name}. */
    public static String prefixed(int i, String name) {
        return "b" + i + "_" + name;
    }

    static OpKernel create(Node node, OpConfig cfg) {
        if (node.inputs().size() < 2 * INPUTS_PER_BRANCH || node.inputs().size() % INPUTS_PER_BRANCH != 0
                || node.outputs().size() != 1) {
            throw Data.badGraph(node.label() + ": ConvConcat takes three inputs (X, W, B) per branch, at least two branches,"
                    + " and has one output; got " + node.inputs().size() + " inputs and " + node.outputs().size() + " outputs");
        }
        int branches = node.inputs().size() / INPUTS_PER_BRANCH;
        PackedConv[] packed = new PackedConv[branches];
        boolean allPacked = true;
        for (int i = 0; i < branches; i++) {
            Node b = branch(node, i);
            packed[i] = PackedConv.of(b, cfg, ConvParams.from(b), Activation.from(b));
            allPacked &= packed[i] != null;
        }
        OpKernel separate = FusedOps.onFirstUse(() -> separately(node, cfg, branches));
        if (!allPacked) {
            return separate;
        }
        return (ctx, in) -> {
            Conv2d[] convs = new Conv2d[branches];
            float[][] xs = new float[branches][];
            int channels = 0;
            for (int i = 0; i < branches; i++) {
                convs[i] = packed[i].bind(in, i * INPUTS_PER_BRANCH, INPUTS_PER_BRANCH);
                if (convs[i] == null || !sameOutputPlanes(convs[0].params(), convs[i].params())) {
                    return separate.run(ctx, in);
                }
                xs[i] = ((Tensor) in[i * INPUTS_PER_BRANCH]).floats();
                channels += convs[i].params().outC();
            }
            Conv2d.Params q0 = convs[0].params();
            int n = q0.n();
            int ohw = q0.outH() * q0.outW();
            float[] y = ctx.floatBuffer(n * channels * ohw);
            // A fresh array when the pool handed out a branch input's own storage (read while writing).
            for (float[] x : xs) {
                if (x == y) {
                    y = new float[n * channels * ohw];
                }
            }
            int offset = 0;
            for (int i = 0; i < branches; i++) {
                Conv2d conv = convs[i];
                Conv2d.Params q = conv.params();
                float[] x = xs[i];
                Epilogue e = packed[i].epilogue(null, ohw);
                if (n == 1) {
                    conv.run(x, 0, y, offset * ohw, e, ctx.threads());
                } else {
                    // Image by image: the branch's images are not adjacent in the concatenation.
                    Conv2d one = conv.rebind(imageOf(q));
                    int image = q.c() * q.h() * q.w();
                    for (int b = 0; b < n; b++) {
                        one.run(x, b * image, y, (b * channels + offset) * ohw, e, ctx.threads());
                    }
                }
                offset += q.outC();
            }
            return new Value[] {Tensor.of(y, n, channels, q0.outH(), q0.outW())};
        };
    }

    /** Each branch's own FusedConv kernel, then a plain Concat: for runs that leave the packed case. */
    private static OpKernel separately(Node node, OpConfig cfg, int branches) {
        List<OpKernel> kernels = new ArrayList<>(branches);
        for (int i = 0; i < branches; i++) {
            kernels.add(FusedOps.fusedConv(branch(node, i), cfg));
        }
        return (ctx, in) -> {
            Tensor[] outs = new Tensor[branches];
            for (int i = 0; i < branches; i++) {
                outs[i] = (Tensor) kernels.get(i).run(ctx, branchInputs(in, i))[0];
            }
            return new Value[] {CopyOps.concat(outs, 1, ctx::floatBuffer)};
        };
    }

    private static boolean sameOutputPlanes(Conv2d.Params a, Conv2d.Params b) {
        return a.n() == b.n() && a.outH() == b.outH() && a.outW() == b.outW();
    }

    private static Conv2d.Params imageOf(Conv2d.Params q) {
        return new Conv2d.Params(1, q.c(), q.h(), q.w(), q.outC(), q.kH(), q.kW(), q.strideH(), q.strideW(), q.padTop(),
                q.padLeft(), q.padBottom(), q.padRight(), q.dilationH(), q.dilationW(), q.groups());
    }

    private static Value[] branchInputs(Value[] in, int i) {
        return Arrays.copyOfRange(in, i * INPUTS_PER_BRANCH, (i + 1) * INPUTS_PER_BRANCH);
    }

    /** Branch i as the FusedConv node it was: its three inputs and its attributes without the prefix. */
    static Node branch(Node node, int i) {
        return FusedOps.fusedConvPart(node, prefixed(i, ""), node.inputs().subList(i * INPUTS_PER_BRANCH,
                (i + 1) * INPUTS_PER_BRANCH), node.name() + "/branch" + i, node.output(0) + "/branch" + i);
    }
}
