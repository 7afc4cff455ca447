package io.ghostflow.runtime.ops.image;

import io.ghostflow.runtime.ops.OpRegistry;

/** Image and detection ops: Resize, Upsample, GridSample, RoiAlign, NonMaxSuppression, MaxRoiPool. */
public final class ImageOps {
    private ImageOps() {
    }

    public static void register(OpRegistry r) {
        r.register("Resize", new int[] {10, 11, 13, 18, 19}, ResizeOp::resize);
        r.register("Upsample", new int[] {7, 9}, ResizeOp::upsample);
        r.register("GridSample", new int[] {16, 20, 22}, GridSampleOp::create);
        DetectionOps.register(r);
    }
}
