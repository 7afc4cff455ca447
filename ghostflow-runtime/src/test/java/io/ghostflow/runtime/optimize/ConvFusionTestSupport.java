package io.ghostflow.runtime.optimize;

import io.ghostflow.runtime.graph.Attribute;
import java.util.List;

/** A 3x3 padded conv layer on [2, 4, 6, 6] input, as CNN tests need. */
final class ConvFusionTestSupport {
    private ConvFusionTestSupport() {
    }

    static G conv(G g, String in, String w, String b, String out, int cin, int cout) {
        g.weights(w, cout, cin, 3, 3);
        if (b != null) {
            g.weights(b, cout);
        }
        return g.node("Conv", b == null ? List.of(in, w) : List.of(in, w, b), out,
                Attribute.of("kernel_shape", new long[] {3, 3}), Attribute.of("pads", new long[] {1, 1, 1, 1}));
    }

    static io.ghostflow.tensor.Tensor input() {
        return G.random(new java.util.Random(11), 1, 2, 4, 6, 6);
    }
}
