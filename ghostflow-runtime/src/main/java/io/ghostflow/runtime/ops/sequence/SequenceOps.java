package io.ghostflow.runtime.ops.sequence;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.OpRegistry;
import io.ghostflow.runtime.ops.SubgraphRunner;
import io.ghostflow.runtime.ops.control.Stacking;
import io.ghostflow.runtime.ops.tensor.CopyOps;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Shapes;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.TensorSequence;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Sequence ops (SequenceConstruct ... SequenceMap) and the split/concat bridges to tensors. */
public final class SequenceOps {
    private SequenceOps() {
    }

    public static void register(OpRegistry r) {
        r.register("SequenceEmpty", 11, (node, cfg) -> {
            DType d = DType.fromOnnx((int) node.getInt("dtype", DType.FLOAT.onnxCode()));
            return (ctx, in) -> new Value[] {new TensorSequence(d, List.of())};
        });
        r.register("SequenceConstruct", 11, (node, cfg) -> (ctx, in) -> {
            List<Tensor> ts = new ArrayList<>();
            for (int i = 0; i < in.length; i++) {
                ts.add(tensor(in[i], "SequenceConstruct input " + i));
            }
            return new Value[] {new TensorSequence(ts.get(0).dtype(), ts)};
        });
        r.register("SequenceAt", 11, (node, cfg) -> (ctx, in) -> {
            TensorSequence s = seq(in[0]);
            return new Value[] {s.get(position(in[1], s.size(), false))};
        });
        r.register("SequenceInsert", 11, (node, cfg) -> (ctx, in) -> {
            TensorSequence s = seq(in[0]);
            Tensor t = tensor(in[1], "SequenceInsert tensor");
            List<Tensor> l = new ArrayList<>(s.tensors());
            int p = in.length > 2 && in[2] != null ? position(in[2], s.size(), true) : s.size();
            l.add(p, t);
            return new Value[] {new TensorSequence(s.elementType(), l)};
        });
        r.register("SequenceErase", 11, (node, cfg) -> (ctx, in) -> {
            TensorSequence s = seq(in[0]);
            List<Tensor> l = new ArrayList<>(s.tensors());
            int p = in.length > 1 && in[1] != null ? position(in[1], s.size(), false) : s.size() - 1;
            if (p < 0) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "SequenceErase: sequence is empty");
            }
            l.remove(p);
            return new Value[] {new TensorSequence(s.elementType(), l)};
        });
        r.register("SequenceLength", 11, (node, cfg) -> (ctx, in) -> new Value[] {Tensor.ofLongs(new long[] {seq(in[0]).size()})});
        r.register("SplitToSequence", 11, (node, cfg) -> {
            long axisAttr = node.getInt("axis", 0);
            boolean keepDims = node.getInt("keepdims", 1) != 0;
            return (ctx, in) -> {
                Tensor x = tensor(in[0], "SplitToSequence input");
                int axis = Shapes.axis((int) axisAttr, x.rank(), "SplitToSequence");
                int dim = x.dim(axis);
                Tensor split = in.length > 1 && in[1] != null ? tensor(in[1], "split") : null;
                int[] sizes;
                if (split == null) {
                    sizes = new int[dim];
                    Arrays.fill(sizes, 1);
                } else if (split.rank() == 0) {
                    int chunk = (int) split.getLong(0);
                    if (chunk <= 0) {
                        throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "SplitToSequence: split " + chunk + " must be positive");
                    }
                    sizes = new int[(dim + chunk - 1) / chunk];
                    for (int i = 0; i < sizes.length; i++) {
                        sizes[i] = Math.min(chunk, dim - i * chunk);
                    }
                } else {
                    long[] sp = split.asLongs();
                    sizes = new int[sp.length];
                    long sum = 0;
                    for (int i = 0; i < sp.length; i++) {
                        sizes[i] = (int) sp[i];
                        sum += sp[i];
                    }
                    if (sum != dim) {
                        throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "SplitToSequence: split " + Arrays.toString(sp) + " does not add up to " + dim);
                    }
                }
                Value[] parts = CopyOps.split(x, axis, sizes);
                List<Tensor> l = new ArrayList<>();
                for (Value v : parts) {
                    Tensor t = (Tensor) v;
                    if (split == null && !keepDims) {
                        int[] s = t.shape();
                        int[] q = new int[s.length - 1];
                        for (int i = 0, k = 0; i < s.length; i++) {
                            if (i != axis) {
                                q[k++] = s[i];
                            }
                        }
                        t = t.reshape(q);
                    }
                    l.add(t);
                }
                return new Value[] {new TensorSequence(x.dtype(), l)};
            };
        });
        r.register("ConcatFromSequence", 11, (node, cfg) -> {
            long axis = node.requireInt("axis");
            boolean newAxis = node.getInt("new_axis", 0) != 0;
            return (ctx, in) -> {
                TensorSequence s = seq(in[0]);
                if (s.size() == 0) {
                    throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "ConcatFromSequence: empty sequence");
                }
                if (newAxis) {
                    return new Value[] {Stacking.stack(s.tensors(), (int) axis, null)};
                }
                return new Value[] {CopyOps.concat(s.tensors().toArray(new Tensor[0]), (int) axis)};
            };
        });
        r.register("SequenceMap", 17, (node, cfg) -> {
            Graph body = node.getGraph("body");
            SubgraphRunner runner = cfg.compile(body);
            List<ValueType> outTypes = new ArrayList<>();
            for (var o : body.outputs()) {
                outTypes.add(o.type());
            }
            return (ctx, in) -> {
                TensorSequence s = seq(in[0]);
                int n = s.size();
                List<List<Tensor>> outs = new ArrayList<>();
                for (int k = 0; k < outTypes.size(); k++) {
                    outs.add(new ArrayList<>());
                }
                Value[] args = new Value[in.length];
                for (int i = 0; i < n; i++) {
                    args[0] = s.get(i);
                    for (int j = 1; j < in.length; j++) {
                        args[j] = in[j] instanceof TensorSequence q ? q.get(i) : in[j];
                    }
                    Value[] r2 = runner.run(ctx, args);
                    for (int k = 0; k < r2.length; k++) {
                        outs.get(k).add(tensor(r2[k], "SequenceMap body output"));
                    }
                }
                Value[] result = new Value[outTypes.size()];
                for (int k = 0; k < result.length; k++) {
                    List<Tensor> l = outs.get(k);
                    DType d = !l.isEmpty() ? l.get(0).dtype() : elementType(outTypes.get(k));
                    result[k] = new TensorSequence(d, l);
                }
                return result;
            };
        });
        OptionalOps.register(r);
    }

    static DType elementType(ValueType t) {
        ValueType e = t;
        while (e != null && e.kind() != ValueType.Kind.TENSOR) {
            e = e.inner();
        }
        return e == null || e.elementType() == null ? DType.FLOAT : e.elementType();
    }

    static int position(Value v, int size, boolean insert) {
        long p = tensor(v, "position").getLong(0);
        long q = p < 0 ? p + size : p;
        if (q < 0 || q > size || (!insert && q == size)) {
            throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "sequence position " + p + " out of range for length " + size);
        }
        return (int) q;
    }

    static TensorSequence seq(Value v) {
        if (v instanceof TensorSequence s) {
            return s;
        }
        throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "expected a sequence, got " + (v == null ? "nothing" : v.getClass().getSimpleName()));
    }

    static Tensor tensor(Value v, String what) {
        if (v instanceof Tensor t) {
            return t;
        }
        throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, what + " must be a tensor");
    }
}
