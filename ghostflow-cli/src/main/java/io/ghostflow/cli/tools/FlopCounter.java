package io.ghostflow.cli.tools;

import io.ghostflow.runtime.exec.NodeListener;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;

/**
 * Estimates floating-point operations from a run's actual shapes: 2 per multiply-add for
 * convolutions and matrix products (the bulk of any CNN or transformer), one per output
 * element for everything else.
 */
final class FlopCounter implements NodeListener {
    private long flops;

    @Override
    public synchronized void onNode(Node node, long startNanos, long durationNanos, Value[] inputs, Value[] outputs) {
        if (outputs == null || outputs.length == 0 || !(outputs[0] instanceof Tensor out)) {
            return;
        }
        long n = out.size();
        flops += switch (node.opType()) {
            case "Conv", "FusedConv" -> inputs[1] instanceof Tensor w && w.rank() > 0 ? 2 * n * (w.size() / Math.max(1, w.dim(0))) : n;
            case "MatMul", "FusedMatMul", "MatMulInteger" -> inputs[0] instanceof Tensor a && a.rank() > 0 ? 2 * n * a.dim(-1) : n;
            case "Gemm", "FusedGemm" -> inputs[0] instanceof Tensor a && a.rank() == 2
                    ? 2 * n * (node.getInt("transA", 0) != 0 ? a.dim(0) : a.dim(1)) : n;
            case "Attention" -> inputs[0] instanceof Tensor q && inputs[1] instanceof Tensor kt
                    ? 2L * q.size() / q.dim(-1) * kt.dim(-1) * (q.dim(-1) + out.dim(-1)) : n;
            default -> n;
        };
    }

    synchronized long flops() {
        return flops;
    }

    static String human(double flops) {
        if (flops >= 1e9) {
            return String.format("%.2f GFLOPs", flops / 1e9);
        }
        if (flops >= 1e6) {
            return String.format("%.2f MFLOPs", flops / 1e6);
        }
        return String.format("%.0f FLOPs", flops);
    }
}
