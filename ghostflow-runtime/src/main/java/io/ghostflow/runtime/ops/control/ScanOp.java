package io.ghostflow.runtime.ops.control;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.ExecContext;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.SubgraphRunner;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Scan. Opset 9+: N state inputs then M scan inputs, each scanned along its own axis and
 * direction. Opset 8: an optional sequence_lens input first and a leading batch axis on every
 * input, handled by running the opset-9 logic once per batch entry.
 */
final class ScanOp {
    private ScanOp() {
    }

    private record Spec(int m, long[] inAxes, long[] inDirs, long[] outAxes, long[] outDirs) {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        Graph body = ControlOps.required(node.getGraph("body"), "body");
        SubgraphRunner runner = cfg.compile(body);
        List<ValueType> types = ControlOps.outputTypes(body);
        int m = (int) node.requireInt("num_scan_inputs");
        boolean v8 = cfg.sinceVersion() < 9;
        Spec spec = new Spec(m, node.getInts("scan_input_axes", null),
                node.getInts(v8 ? "directions" : "scan_input_directions", null),
                node.getInts("scan_output_axes", null), node.getInts("scan_output_directions", null));
        if (!v8) {
            return (ctx, in) -> scan(ctx, runner, in, spec, types);
        }
        return (ctx, in) -> {
            Value[] rest = new Value[in.length - 1];
            System.arraycopy(in, 1, rest, 0, rest.length);
            int batch = Stacking.tensor(rest[0], "Scan input").dim(0);
            List<Value[]> perBatch = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                Value[] slice = new Value[rest.length];
                for (int i = 0; i < rest.length; i++) {
                    slice[i] = Stacking.take(Stacking.tensor(rest[i], "Scan input"), 0, b);
                }
                perBatch.add(scan(ctx, runner, slice, spec, types));
            }
            int nOut = types.size();
            Value[] out = new Value[nOut];
            for (int k = 0; k < nOut; k++) {
                List<Tensor> parts = new ArrayList<>();
                for (Value[] r : perBatch) {
                    parts.add((Tensor) r[k]);
                }
                out[k] = Stacking.stack(parts, 0, null);
            }
            return out;
        };
    }

    static Value[] scan(ExecContext ctx, SubgraphRunner runner, Value[] in, Spec spec, List<ValueType> types) {
        int m = spec.m();
        int n = in.length - m;
        int k = types.size() - n;
        if (n < 0 || k < 0) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "Scan: " + in.length + " inputs do not fit num_scan_inputs " + m);
        }
        Tensor[] xs = new Tensor[m];
        int[] axes = new int[m];
        int len = -1;
        for (int j = 0; j < m; j++) {
            xs[j] = Stacking.tensor(in[n + j], "Scan input " + j);
            int a = spec.inAxes() == null ? 0 : (int) spec.inAxes()[j];
            axes[j] = a < 0 ? a + xs[j].rank() : a;
            int l = xs[j].dim(axes[j]);
            if (len >= 0 && l != len) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "Scan: scan inputs have lengths " + len + " and " + l);
            }
            len = l;
        }
        Value[] state = new Value[n];
        System.arraycopy(in, 0, state, 0, n);
        List<List<Tensor>> outs = new ArrayList<>();
        for (int q = 0; q < k; q++) {
            outs.add(new ArrayList<>());
        }
        Value[] args = new Value[n + m];
        for (int t = 0; t < Math.max(len, 0); t++) {
            System.arraycopy(state, 0, args, 0, n);
            for (int j = 0; j < m; j++) {
                boolean rev = spec.inDirs() != null && spec.inDirs()[j] != 0;
                args[n + j] = Stacking.take(xs[j], axes[j], rev ? len - 1 - t : t);
            }
            Value[] r = runner.run(ctx, args);
            System.arraycopy(r, 0, state, 0, n);
            for (int q = 0; q < k; q++) {
                outs.get(q).add(Stacking.tensor(r[n + q], "Scan output"));
            }
        }
        Value[] result = new Value[n + k];
        System.arraycopy(state, 0, result, 0, n);
        for (int q = 0; q < k; q++) {
            List<Tensor> parts = outs.get(q);
            if (spec.outDirs() != null && spec.outDirs()[q] != 0) {
                parts = new ArrayList<>(parts);
                java.util.Collections.reverse(parts);
            }
            int axis = spec.outAxes() == null ? 0 : (int) spec.outAxes()[q];
            result[n + q] = Stacking.stack(parts, axis, types.get(n + q));
        }
        return result;
    }
}
