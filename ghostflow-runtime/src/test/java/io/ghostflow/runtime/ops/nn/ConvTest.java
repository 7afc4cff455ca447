package io.ghostflow.runtime.ops.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.FusedModels;
import io.ghostflow.runtime.ops.linalg.OpHarness;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Conv's fast paths (2-D im2col, pointwise, depthwise, N-D) against a direct-loop reference. */
class ConvTest {
    record Case(int[] x, int[] w, int group, long[] strides, long[] dil, long[] pads) {
    }

    @Test
    void fastPathsMatchDirectConvolution() {
        Case[] cases = {
            new Case(new int[] {2, 4, 7, 6}, new int[] {6, 2, 3, 3}, 2, new long[] {2, 1}, new long[] {1, 2}, new long[] {1, 0, 2, 1}),
            new Case(new int[] {1, 8, 5, 5}, new int[] {4, 8, 1, 1}, 1, new long[] {1, 1}, new long[] {1, 1}, new long[] {0, 0, 0, 0}),
            new Case(new int[] {1, 6, 9, 8}, new int[] {6, 1, 3, 3}, 6, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1, 1, 1}),
            new Case(new int[] {2, 3, 11}, new int[] {5, 3, 4}, 1, new long[] {3}, new long[] {2}, new long[] {2, 1}),
            new Case(new int[] {1, 2, 4, 5, 3}, new int[] {2, 1, 2, 3, 2}, 2, new long[] {1, 2, 1}, new long[] {1, 1, 2}, new long[] {1, 0, 1, 0, 1, 1}),
        };
        Random r = new Random(11);
        for (Case c : cases) {
            Tensor x = FusedModels.random(r, c.x());
            Tensor w = FusedModels.random(r, c.w());
            Tensor b = FusedModels.random(r, c.w()[0]);
            Map<String, Object> attrs = new HashMap<>();
            attrs.put("group", (long) c.group());
            attrs.put("strides", c.strides());
            attrs.put("dilations", c.dil());
            attrs.put("pads", c.pads());
            Tensor y = (Tensor) OpHarness.run("Conv", 22, attrs, x, w, b)[0];
            Tensor e = direct(x, w, b, c);
            assertThat(y.shape()).containsExactly(e.shape());
            for (int i = 0; i < y.size(); i++) {
                assertThat(y.floats()[i]).as("case %s at %d", Shapes.toString(c.x()), i).isCloseTo(e.floats()[i], within(1e-4f));
            }
        }
    }

    @Test
    void rejectsChannelsThatDoNotFitTheGroups() {
        assertThatThrownBy(() -> OpHarness.run("Conv", 22, Map.of("group", 2L), Tensor.zeros(DType.FLOAT, 1, 3, 4, 4), Tensor.zeros(DType.FLOAT, 2, 1, 1, 1)))
                .isInstanceOf(GhostFlowException.class).hasMessageContaining("group=2");
    }

    /** Straight from the definition: one output element at a time. */
    static Tensor direct(Tensor x, Tensor w, Tensor b, Case c) {
        int[] xs = x.shape();
        int[] ws = w.shape();
        int nd = xs.length - 2;
        int[] out = new int[nd];
        for (int d = 0; d < nd; d++) {
            int ek = (ws[d + 2] - 1) * (int) c.dil()[d] + 1;
            out[d] = (xs[d + 2] + (int) c.pads()[d] + (int) c.pads()[d + nd] - ek) / (int) c.strides()[d] + 1;
        }
        int[] ys = new int[nd + 2];
        ys[0] = xs[0];
        ys[1] = ws[0];
        System.arraycopy(out, 0, ys, 2, nd);
        float[] y = new float[Shapes.size(ys)];
        int[] xst = Shapes.strides(xs);
        int[] wst = Shapes.strides(ws);
        int cg = xs[1] / c.group();
        int mg = ws[0] / c.group();
        int[] yi = new int[nd + 2];
        for (int i = 0; i < y.length; i++) {
            int n = yi[0];
            int m = yi[1];
            int g = m / mg;
            double s = b.floats()[m];
            int kk = Shapes.size(java.util.Arrays.copyOfRange(ws, 2, ws.length));
            for (int ci = 0; ci < cg; ci++) {
                for (int t = 0; t < kk; t++) {
                    int rem = t;
                    int xo = n * xst[0] + (g * cg + ci) * xst[1];
                    int wo = m * wst[0] + ci * wst[1];
                    boolean ok = true;
                    for (int d = nd - 1; d >= 0; d--) {
                        int kd = rem % ws[d + 2];
                        rem /= ws[d + 2];
                        int p = yi[d + 2] * (int) c.strides()[d] - (int) c.pads()[d] + kd * (int) c.dil()[d];
                        ok &= p >= 0 && p < xs[d + 2];
                        xo += p * xst[d + 2];
                        wo += kd * wst[d + 2];
                    }
                    if (ok) {
                        s += x.floats()[xo] * w.floats()[wo];
                    }
                }
            }
            y[i] = (float) s;
            for (int d = ys.length - 1; d >= 0; d--) {
                if (++yi[d] < ys[d]) {
                    break;
                }
                yi[d] = 0;
            }
        }
        return Tensor.of(y, ys);
    }
}
