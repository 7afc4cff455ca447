package io.ghostflow.runtime.ops.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Nearest-mode Resize as copies against the generic per-axis resampling, bit for bit: random
 * float tensors of rank 1-4, scales from 0.3 to 3.3 on random axes (up- and downsampling, axes
 * left alone), every coordinate transformation and nearest rounding mode, values that include
 * NaN and infinities (a copy carries them as the generic path's weight-1 sum does).
 */
class NearestResizeTest {
    private static final String[] COORDS = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners", "asymmetric"};
    private static final String[] ROUNDING = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};

    @RepeatedTest(150)
    void copiesWhatTheGenericPathComputes(RepetitionInfo repetition) {
        Random random = new Random(20261127L + repetition.getCurrentRepetition());
        int rank = 1 + random.nextInt(4);
        int[] shape = new int[rank];
        for (int d = 0; d < rank; d++) {
            shape[d] = 1 + random.nextInt(d >= rank - 2 ? 13 : 3);
        }
        float[] v = new float[io.ghostflow.tensor.Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 17 == 5 ? Float.NaN : i % 19 == 7 ? Float.NEGATIVE_INFINITY : random.nextFloat() * 20 - 10;
        }
        Tensor x = Tensor.of(v, shape);
        double[] scales = new double[rank];
        for (int d = 0; d < rank; d++) {
            scales[d] = random.nextInt(3) == 0 ? 1 : 0.3 + random.nextInt(31) / 10.0;
        }
        ResizeOp.Params p = new ResizeOp.Params("nearest", COORDS[random.nextInt(COORDS.length)],
                ROUNDING[random.nextInt(ROUNDING.length)], -0.75, false, 0, false, null, "stretch");
        assertThat(NearestResize.applies(p)).isTrue();
        Tensor fast = ResizeOp.run(x, scales, null, null, p);
        int[] out = fast.shape();
        double[] roiStart = new double[rank];
        double[] roiEnd = new double[rank];
        java.util.Arrays.fill(roiEnd, 1);
        Tensor slow = ResizeOp.generic(x, shape, out, scales, roiStart, roiEnd, p);
        assertThat(slow.shape()).isEqualTo(out);
        assertThat(fast.floats()).as("%s %s scales %s", p.coord(), p.nearestMode(), java.util.Arrays.toString(scales))
                .containsExactly(slow.floats());
    }
}
