package io.ghostflow.runtime.ops.training;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;

/**
 * Reverse-mode rules: given a node's input and output values and the gradient of its (first)
 * output, the gradient of each input. Binary ops broadcast, so each input's gradient is summed
 * back down to that input's shape.
 */
final class Backprop {
    private Backprop() {
    }

    /** Ops with a rule here. */
    static boolean supports(String op) {
        return switch (op) {
            case "Add", "Sub", "Mul", "Div", "Neg", "Identity", "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt",
                 "Abs", "MatMul" -> true;
            default -> false;
        };
    }

    /**
     * @param in the node's input values (null for omitted)
     * @param out the node's first output value
     * @param g gradient of the first output
     * @return gradient per input (null where none flows)
     */
    static Grid[] inputGradients(Node node, Grid[] in, Grid out, Grid g) {
        return switch (node.opType()) {
            case "Add" -> binary(in, g, (gi, a, b) -> gi, (gi, a, b) -> gi);
            case "Sub" -> binary(in, g, (gi, a, b) -> gi, (gi, a, b) -> -gi);
            case "Mul" -> binary(in, g, (gi, a, b) -> gi * b, (gi, a, b) -> gi * a);
            case "Div" -> binary(in, g, (gi, a, b) -> gi / b, (gi, a, b) -> -gi * a / (b * b));
            case "Neg" -> unary(in, out, g, (gi, x, y) -> -gi);
            case "Identity" -> unary(in, out, g, (gi, x, y) -> gi);
            case "Relu" -> unary(in, out, g, (gi, x, y) -> x > 0 ? gi : 0);
            case "Sigmoid" -> unary(in, out, g, (gi, x, y) -> gi * y * (1 - y));
            case "Tanh" -> unary(in, out, g, (gi, x, y) -> gi * (1 - y * y));
            case "Exp" -> unary(in, out, g, (gi, x, y) -> gi * y);
            case "Log" -> unary(in, out, g, (gi, x, y) -> gi / x);
            case "Sqrt" -> unary(in, out, g, (gi, x, y) -> gi / (2 * y));
            case "Abs" -> unary(in, out, g, (gi, x, y) -> gi * Math.signum(x));
            case "MatMul" -> matMul(node, in, g);
            default -> throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED,
                    "Gradient: no derivative for operator " + node.opType() + " (node " + node.label() + ")");
        };
    }

    @FunctionalInterface
    interface Rule3 {
        double apply(double g, double a, double b);
    }

    private static Grid[] binary(Grid[] in, Grid g, Rule3 da, Rule3 db) {
        int[] s = g.shape();
        Grid a = in[0].expand(s);
        Grid b = in[1].expand(s);
        double[] ga = new double[g.v().length];
        double[] gb = new double[g.v().length];
        for (int i = 0; i < ga.length; i++) {
            ga[i] = da.apply(g.v()[i], a.v()[i], b.v()[i]);
            gb[i] = db.apply(g.v()[i], a.v()[i], b.v()[i]);
        }
        return new Grid[] {new Grid(ga, s).reduceTo(in[0].shape()), new Grid(gb, s).reduceTo(in[1].shape())};
    }

    private static Grid[] unary(Grid[] in, Grid out, Grid g, Rule3 d) {
        double[] gx = new double[g.v().length];
        for (int i = 0; i < gx.length; i++) {
            gx[i] = d.apply(g.v()[i], in[0].v()[i], out.v()[i]);
        }
        return new Grid[] {new Grid(gx, in[0].shape())};
    }

    /** 2-D MatMul only: dA = G B^T, dB = A^T G. */
    private static Grid[] matMul(Node node, Grid[] in, Grid g) {
        Grid a = in[0];
        Grid b = in[1];
        if (a.shape().length != 2 || b.shape().length != 2) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED,
                    "Gradient: MatMul derivative is implemented for 2-D operands only (node " + node.label() + ")");
        }
        int m = a.shape()[0];
        int k = a.shape()[1];
        int n = b.shape()[1];
        double[] ga = new double[m * k];
        double[] gb = new double[k * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double gij = g.v()[i * n + j];
                for (int p = 0; p < k; p++) {
                    ga[i * k + p] += gij * b.v()[p * n + j];
                    gb[p * n + j] += a.v()[i * k + p] * gij;
                }
            }
        }
        return new Grid[] {new Grid(ga, a.shape()), new Grid(gb, b.shape())};
    }

}
