package io.ghostflow.runtime.ops.linalg;

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

/** Runs one registered operator on tensors, outside any model, for focused unit tests. */
public final class OpHarness {
    private OpHarness() {
    }

    public static Value[] run(String op, int opset, Map<String, Object> attrs, Tensor... inputs) {
        Map<String, Attribute> a = new LinkedHashMap<>();
        attrs.forEach((k, v) -> a.put(k, switch (v) {
            case Long l -> Attribute.of(k, l);
            case Integer i -> Attribute.of(k, (long) i);
            case Float f -> Attribute.of(k, f);
            case String s -> Attribute.of(k, s);
            case long[] l -> Attribute.of(k, l);
            case float[] f -> Attribute.of(k, f);
            case List<?> l -> Attribute.ofStrings(k, l.stream().map(Object::toString).toList());
            default -> throw new IllegalArgumentException(k);
        }));
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            ins.add(inputs[i] == null ? "" : "in" + i);
        }
        Node node = new Node("n", op, "", ins, List.of("y0", "y1", "y2", "y3"), a);
        OpRegistry.Match m = OpRegistry.defaults().lookup("", op, opset);
        OpConfig cfg = new OpConfig() {
            public int opset() {
                return opset;
            }

            public int sinceVersion() {
                return m.sinceVersion();
            }

            public int threads() {
                return 2;
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
                return 2;
            }

            public Value lookup(String name) {
                return null;
            }
        };
        return m.factory().create(node, cfg).run(ctx, inputs);
    }

    public static Tensor random(java.util.Random rnd, int... shape) {
        float[] v = new float[io.ghostflow.tensor.Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Tensor.of(v, shape);
    }
}
