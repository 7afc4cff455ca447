package io.ghostflow.runtime.ops.nn;

import io.ghostflow.runtime.ops.OpRegistry;

/**
 * Neural-network operators: convolutions, pools, normalisations, Dropout. Flatten and
 * MaxRoiPool are registered by the tensor and image families.
 */
public final class NnOps {
    private NnOps() {
    }

    public static void register(OpRegistry r) {
        r.register("Conv", new int[] {1, 11, 22}, Conv::create);
        r.register("ConvInteger", new int[] {10}, QuantConv::integer);
        r.register("QLinearConv", new int[] {10}, QuantConv::qlinear);
        r.register("ConvTranspose", new int[] {1, 11, 22}, ConvTranspose::create);
        r.register("MaxPool", new int[] {1, 8, 10, 11, 12, 22}, (n, c) -> Pool.create(n, c, Pool.Kind.MAX));
        r.register("AveragePool", new int[] {1, 7, 10, 11, 19, 22}, (n, c) -> Pool.create(n, c, Pool.Kind.AVERAGE));
        r.register("LpPool", new int[] {1, 2, 11, 18, 22}, (n, c) -> Pool.create(n, c, Pool.Kind.LP));
        r.register("GlobalAveragePool", new int[] {1, 22}, (n, c) -> Pool.global(Pool.Kind.AVERAGE, n));
        r.register("GlobalMaxPool", new int[] {1, 22}, (n, c) -> Pool.global(Pool.Kind.MAX, n));
        r.register("GlobalLpPool", new int[] {1, 2, 22}, (n, c) -> Pool.global(Pool.Kind.LP, n));
        r.register("MaxUnpool", new int[] {9, 11, 22}, (n, c) -> Pool.unpool(n));
        r.register("BatchNormalization", new int[] {1, 6, 7, 9, 14, 15}, BatchNorm::create);
        r.register("InstanceNormalization", new int[] {1, 6, 22}, Normalization::instance);
        r.register("LayerNormalization", new int[] {17}, (n, c) -> Normalization.layer(n, c, false));
        r.register("RMSNormalization", new int[] {23}, (n, c) -> Normalization.layer(n, c, true));
        r.register("GroupNormalization", new int[] {18, 21}, Normalization::group);
        r.register("LpNormalization", new int[] {1, 22}, ChannelNorms::lp);
        r.register("MeanVarianceNormalization", new int[] {1, 9, 13}, ChannelNorms::meanVariance);
        r.register("LRN", new int[] {1, 13}, ChannelNorms::lrn);
        r.register("Dropout", new int[] {1, 6, 7, 10, 12, 13, 22}, Dropout::create);
    }
}
