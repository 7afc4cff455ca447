package io.ghostflow.runtime.ops.ml;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.Arrays;

/**
 * TreeEnsemble (ai.onnx.ml 5): every tree routes each row of X (N, F) from its root through
 * interior nodes (comparison modes LEQ, LT, GTE, GT, EQ, NEQ, MEMBER) to a leaf, whose weight
 * is aggregated (AVERAGE, SUM, MIN, MAX) into the leaf's target column of Y (N, n_targets);
 * post_transform NONE, SOFTMAX, LOGISTIC and SOFTMAX_ZERO are then applied per row. Set
 * membership values are NaN-separated lists, one per MEMBER node in node order.
 */
final class TreeEnsembleOp {
    private static final int LEQ = 0, LT = 1, GTE = 2, GT = 3, EQ = 4, NEQ = 5, MEMBER = 6;
    private static final int AVERAGE = 0, SUM = 1, MIN = 2, MAX = 3;
    private static final int NONE = 0, SOFTMAX = 1, LOGISTIC = 2, SOFTMAX_ZERO = 3;

    private TreeEnsembleOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        double[] splits = doubles(node, "nodes_splits", true);
        long[] features = ints(node, "nodes_featureids");
        long[] modes = node.has("nodes_modes") ? node.getTensor("nodes_modes").asLongs() : null;
        long[] trueIds = ints(node, "nodes_truenodeids");
        long[] falseIds = ints(node, "nodes_falsenodeids");
        long[] trueLeaf = ints(node, "nodes_trueleafs");
        long[] falseLeaf = ints(node, "nodes_falseleafs");
        long[] targets = ints(node, "leaf_targetids");
        double[] weights = doubles(node, "leaf_weights", true);
        long[] roots = ints(node, "tree_roots");
        int nTargets = (int) node.requireInt("n_targets");
        int aggregate = (int) node.getInt("aggregate_function", SUM);
        int post = (int) node.getInt("post_transform", NONE);
        long[] missingTrue = node.getInts("nodes_missing_value_tracks_true", null);
        double[] membership = doubles(node, "membership_values", false);
        int n = splits.length;
        if (modes == null || modes.length != n || features.length != n || trueIds.length != n || falseIds.length != n
                || trueLeaf.length != n || falseLeaf.length != n || targets.length != weights.length) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TreeEnsemble: node attribute lengths differ");
        }
        if (aggregate < AVERAGE || aggregate > MAX) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "TreeEnsemble: aggregate_function " + aggregate);
        }
        if (post < NONE || post > SOFTMAX_ZERO) {
            throw new GhostFlowException(ErrorCode.NOT_IMPLEMENTED, "TreeEnsemble: post_transform " + post
                    + (post == 4 ? " (PROBIT)" : ""));
        }
        double[][] sets = new double[n][];
        int cursor = 0;
        for (int i = 0; i < n; i++) {
            if (modes[i] == MEMBER) {
                if (membership == null) {
                    throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TreeEnsemble: MEMBER node " + i + " but no membership_values");
                }
                int start = cursor;
                while (cursor < membership.length && !Double.isNaN(membership[cursor])) {
                    cursor++;
                }
                sets[i] = Arrays.copyOfRange(membership, start, cursor);
                cursor++;
            } else if (modes[i] < LEQ || modes[i] > MEMBER) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TreeEnsemble: node " + i + " has unknown mode " + modes[i]);
            }
        }
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            if (x.rank() != 2) {
                throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, "TreeEnsemble: X must be (N, F), is "
                        + Arrays.toString(x.shape()));
            }
            int rows = x.dim(0);
            int nf = x.dim(1);
            double[] xv = x.asDoubles();
            double[] y = new double[rows * nTargets];
            double init = aggregate == MIN ? Double.MAX_VALUE : aggregate == MAX ? -Double.MAX_VALUE : 0;
            if (x.dtype() == io.ghostflow.tensor.DType.FLOAT && (aggregate == MIN || aggregate == MAX)) {
                init = aggregate == MIN ? Float.MAX_VALUE : -Float.MAX_VALUE;
            }
            Arrays.fill(y, init);
            for (int r = 0; r < rows; r++) {
                for (long root : roots) {
                    int leaf = walk((int) root, r * nf, nf, xv, splits, features, modes, trueIds, falseIds, trueLeaf,
                            falseLeaf, missingTrue, sets);
                    int t = (int) targets[leaf];
                    if (t < 0 || t >= nTargets) {
                        throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TreeEnsemble: leaf target " + t
                                + " out of range for n_targets " + nTargets);
                    }
                    int o = r * nTargets + t;
                    double w = weights[leaf];
                    y[o] = switch (aggregate) {
                        case AVERAGE -> y[o] + w / roots.length;
                        case MIN -> Math.min(y[o], w);
                        case MAX -> Math.max(y[o], w);
                        default -> y[o] + w;
                    };
                }
                postTransform(post, y, r * nTargets, nTargets);
            }
            Tensor out = Tensor.zeros(x.dtype(), rows, nTargets);
            for (int i = 0; i < y.length; i++) {
                out.setDouble(i, y[i]);
            }
            return new Value[] {out};
        };
    }

    /** Follows one tree for one row; returns the leaf index. */
    private static int walk(int root, int base, int nf, double[] x, double[] splits, long[] features, long[] modes,
                            long[] trueIds, long[] falseIds, long[] trueLeaf, long[] falseLeaf, long[] missingTrue,
                            double[][] sets) {
        int i = root;
        // A root whose branches both lead to the same leaf is a degenerate one-leaf tree.
        if (trueLeaf[i] != 0 && falseLeaf[i] != 0 && trueIds[i] == falseIds[i]) {
            return (int) trueIds[i];
        }
        for (int steps = 0; steps <= splits.length; steps++) {
            int f = (int) features[i];
            if (f < 0 || f >= nf) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "TreeEnsemble: feature " + f + " out of range for "
                        + nf + " features");
            }
            double v = x[base + f];
            boolean go;
            if (Double.isNaN(v) && missingTrue != null && missingTrue[i] != 0) {
                go = true;
            } else {
                double s = splits[i];
                go = switch ((int) modes[i]) {
                    case LEQ -> v <= s;
                    case LT -> v < s;
                    case GTE -> v >= s;
                    case GT -> v > s;
                    case EQ -> v == s;
                    case NEQ -> v != s;
                    default -> contains(sets[i], v);
                };
            }
            long next = go ? trueIds[i] : falseIds[i];
            if ((go ? trueLeaf[i] : falseLeaf[i]) != 0) {
                return (int) next;
            }
            i = (int) next;
        }
        throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TreeEnsemble: tree from root " + root + " has a cycle");
    }

    private static boolean contains(double[] set, double v) {
        for (double s : set) {
            if (s == v) {
                return true;
            }
        }
        return false;
    }

    private static void postTransform(int post, double[] y, int off, int n) {
        switch (post) {
            case SOFTMAX, SOFTMAX_ZERO -> {
                boolean skipZero = post == SOFTMAX_ZERO;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    if (!(skipZero && y[off + i] == 0)) {
                        max = Math.max(max, y[off + i]);
                    }
                }
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    if (!(skipZero && y[off + i] == 0)) {
                        y[off + i] = Math.exp(y[off + i] - max);
                        sum += y[off + i];
                    }
                }
                for (int i = 0; i < n; i++) {
                    if (!(skipZero && y[off + i] == 0)) {
                        y[off + i] /= sum;
                    }
                }
            }
            case LOGISTIC -> {
                for (int i = 0; i < n; i++) {
                    y[off + i] = 1 / (1 + Math.exp(-y[off + i]));
                }
            }
            default -> {
            }
        }
    }

    private static long[] ints(Node node, String attr) {
        long[] v = node.getInts(attr, null);
        if (v == null) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TreeEnsemble: missing required attribute '" + attr + "'");
        }
        return v;
    }

    private static double[] doubles(Node node, String attr, boolean required) {
        Tensor t = node.getTensor(attr);
        if (t == null) {
            if (required) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TreeEnsemble: missing required attribute '" + attr + "'");
            }
            return null;
        }
        return t.asDoubles();
    }
}
