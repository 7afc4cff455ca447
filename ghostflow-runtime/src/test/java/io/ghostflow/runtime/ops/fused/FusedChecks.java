package io.ghostflow.runtime.ops.fused;

import static org.assertj.core.api.Assertions.assertThat;

import io.ghostflow.tensor.Tensor;

/** The fused-kernel tests' comparison: same shape, every element within tol * (1 + |want|). */
final class FusedChecks {
    private FusedChecks() {
    }

    static void assertClose(Tensor got, Tensor want, String what, float tol) {
        assertThat(got.shape()).as(what).isEqualTo(want.shape());
        float[] g = got.floats(), w = want.floats();
        for (int i = 0; i < g.length; i++) {
            assertThat(Math.abs(g[i] - w[i])).as(what + " at " + i + ": " + g[i] + " vs " + w[i])
                    .isLessThanOrEqualTo(tol * (1 + Math.abs(w[i])));
        }
    }
}
