package io.ghostflow.nn.autograd;

import io.ghostflow.nn.ops.Ops;
import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.tensor.Tensor;
import java.util.Map;

/** Matrix products for forward and backward passes, all through the runtime's Gemm kernel. */
final class Gemm {
    private static final Map<String, Attribute> NN = Ops.attrs();
    private static final Map<String, Attribute> TN = Ops.attrs("transA", 1);
    private static final Map<String, Attribute> NT = Ops.attrs("transB", 1);

    private Gemm() {
    }

    /** op(a)[m,k] * op(b)[k,n] with a of shape {@code as} and b of shape {@code bs}. */
    static float[] mul(float[] a, int[] as, boolean ta, float[] b, int[] bs, boolean tb) {
        Map<String, Attribute> attrs = ta ? (tb ? Ops.attrs("transA", 1, "transB", 1) : TN) : (tb ? NT : NN);
        return Ops.run1("Gemm", attrs, Tensor.of(a, as), Tensor.of(b, bs)).floats();
    }
}
