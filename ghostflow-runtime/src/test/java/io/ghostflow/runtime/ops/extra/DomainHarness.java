package io.ghostflow.runtime.ops.extra;

import io.ghostflow.runtime.graph.Attribute;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.SubgraphRunner;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one registered op of any domain on tensors (no nested graphs), for unit tests. */
public final class DomainHarness {
    private DomainHarness() {
    }

    public static Value[] run(String domain, String op, int opset, int outputs, List<Attribute> attrs, Tensor... inputs) {
        Map<String, Attribute> am = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            am.put(a.name(), a);
        }
        List<String> in = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            in.add(inputs[i] == null ? "" : "x" + i);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            out.add("y" + i);
        }
        Node node = new Node("n", op, domain, in, out, am);
        OpRegistry.Match m = OpRegistry.defaults().lookup(domain, op, opset);
        OpConfig cfg = new OpConfig() {
            public int opset() {
                return opset;
            }

            public int sinceVersion() {
                return m.sinceVersion();
            }

            public int threads() {
                return 1;
            }

            public Tensor constant(String name) {
                return null;
            }

            public SubgraphRunner compile(Graph body) {
                throw new UnsupportedOperationException();
            }
        };
        ExecContext ctx = new ExecContext() {
            public int threads() {
                return 1;
            }

            public Value lookup(String name) {
                return null;
            }
        };
        return m.factory().create(node, cfg).run(ctx, inputs);
    }

    public static Tensor run1(String domain, String op, int opset, List<Attribute> attrs, Tensor... inputs) {
        return (Tensor) run(domain, op, opset, 1, attrs, inputs)[0];
    }
}
