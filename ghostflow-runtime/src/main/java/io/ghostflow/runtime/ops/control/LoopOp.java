package io.ghostflow.runtime.ops.control;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Graph;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.graph.ValueType;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.runtime.ops.SubgraphRunner;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Loop: body(iter, cond, carried...) -> (cond, carried..., scan...). Runs while the trip
 * count (if given) is not reached and the condition (body output, starting from the cond input
 * if given) holds; per-iteration scan outputs are stacked along a new axis 0.
 */
final class LoopOp {
    private LoopOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        Graph body = ControlOps.required(node.getGraph("body"), "body");
        SubgraphRunner runner = cfg.compile(body);
        List<ValueType> types = ControlOps.outputTypes(body);
        int nBodyOut = body.outputs().size();
        return (ctx, in) -> {
            Tensor m = in.length > 0 && in[0] != null ? Stacking.tensor(in[0], "Loop M") : null;
            Tensor c = in.length > 1 && in[1] != null ? Stacking.tensor(in[1], "Loop cond") : null;
            int nCarried = Math.max(in.length - 2, 0);
            int nScan = nBodyOut - 1 - nCarried;
            if (nScan < 0) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "Loop: body has " + nBodyOut + " outputs for " + nCarried + " loop-carried values");
            }
            long max = m == null ? Long.MAX_VALUE : m.getLong(0);
            boolean cond = c == null || c.getLong(0) != 0;
            Value[] carried = new Value[nCarried];
            System.arraycopy(in, 2, carried, 0, nCarried);
            List<List<Tensor>> scans = new ArrayList<>();
            for (int k = 0; k < nScan; k++) {
                scans.add(new ArrayList<>());
            }
            Value[] args = new Value[2 + nCarried];
            for (long i = 0; i < max && cond; i++) {
                args[0] = Tensor.ofLongs(new long[] {i});
                args[1] = Tensor.ofBools(new boolean[] {cond});
                System.arraycopy(carried, 0, args, 2, nCarried);
                Value[] out = runner.run(ctx, args);
                cond = Stacking.tensor(out[0], "Loop body cond").getLong(0) != 0;
                System.arraycopy(out, 1, carried, 0, nCarried);
                for (int k = 0; k < nScan; k++) {
                    scans.get(k).add(Stacking.tensor(out[1 + nCarried + k], "Loop scan output"));
                }
            }
            Value[] result = new Value[nCarried + nScan];
            System.arraycopy(carried, 0, result, 0, nCarried);
            for (int k = 0; k < nScan; k++) {
                result[nCarried + k] = Stacking.stack(scans.get(k), 0, types.get(1 + nCarried + k));
            }
            return result;
        };
    }
}
