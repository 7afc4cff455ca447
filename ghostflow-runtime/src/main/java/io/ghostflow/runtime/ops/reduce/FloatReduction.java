package io.ghostflow.runtime.ops.reduce;

import io.ghostflow.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float reductions whose reduced axes form one block (size-1 axes aside): the tensor is then
 * [outer, r, inner] and each output is a reduction of r values, a contiguous row when inner is 1
 * (a mean over H and W, a LayerNorm-style mean over the last axis) or a column of stride inner
 * otherwise (a sum over channels), both in vectors with float lanes. Anything else (reduced axes
 * with kept ones between them, PROD, the log kinds, empty tensors) is left to the generic loop.
 */
final class FloatReduction {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private FloatReduction() {
    }

    /** The reduced values ([outer, inner] in row-major order), or null if this path does not apply. */
    static float[] tryReduce(Reduction.Kind kind, float[] x, int[] shape, boolean[] reduced) {
        if (kind == Reduction.Kind.PROD || kind == Reduction.Kind.LOG_SUM || kind == Reduction.Kind.LOG_SUM_EXP) {
            return null;
        }
        int first = -1;
        int last = -1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return null;
            }
            if (reduced[d] && shape[d] != 1) {
                first = first < 0 ? d : first;
                last = d;
            }
        }
        if (first < 0) {
            return null;
        }
        long outer = 1;
        long r = 1;
        long inner = 1;
        for (int d = 0; d < shape.length; d++) {
            if (d < first) {
                outer *= shape[d];
            } else if (d > last) {
                inner *= shape[d];
            } else if (reduced[d] || shape[d] == 1) {
                r *= shape[d];
            } else {
                return null;
            }
        }
        float[] y = new float[(int) (outer * inner)];
        for (int o = 0; o < outer; o++) {
            if (inner == 1) {
                y[o] = row(kind, x, (int) (o * r), (int) r);
            } else {
                columns(kind, x, (int) (o * r * inner), (int) r, (int) inner, y, (int) (o * inner));
            }
        }
        return y;
    }

    private static float row(Reduction.Kind kind, float[] x, int off, int n) {
        return switch (kind) {
            case SUM -> VectorMath.sum(x, off, n);
            case MEAN -> VectorMath.sum(x, off, n) / n;
            case MAX -> VectorMath.max(x, off, n);
            case MIN -> -negatedMax(x, off, n);
            case SUM_SQUARE -> VectorMath.dot(x, off, x, off, n);
            case L2 -> (float) Math.sqrt(VectorMath.dot(x, off, x, off, n));
            case L1 -> absSum(x, off, n);
            default -> throw new IllegalStateException(kind.name());
        };
    }

    /** max(-x) over the row, so that MIN keeps MAX's NaN rule (any NaN gives NaN). */
    private static float negatedMax(float[] x, int off, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + L <= n; i += L) {
            acc = acc.max(FloatVector.fromArray(S, x, off + i).neg());
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            m = Math.max(m, -x[off + i]);
        }
        return m;
    }

    private static float absSum(float[] x, int off, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i + L <= n; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i).abs());
        }
        float s = VectorMath.sumLanes(acc);
        for (; i < n; i++) {
            s += Math.abs(x[off + i]);
        }
        return s;
    }

    /** y[yo + j] = the reduction over k < r of x[off + k * inner + j], for j < inner. */
    private static void columns(Reduction.Kind kind, float[] x, int off, int r, int inner, float[] y, int yo) {
        int j = 0;
        for (; j + L <= inner; j += L) {
            FloatVector acc = FloatVector.fromArray(S, x, off + j);
            acc = first(kind, acc);
            for (int k = 1; k < r; k++) {
                FloatVector v = FloatVector.fromArray(S, x, off + k * inner + j);
                acc = switch (kind) {
                    case MAX -> acc.max(v);
                    case MIN -> acc.min(v);
                    case SUM_SQUARE, L2 -> v.fma(v, acc);
                    case L1 -> acc.add(v.abs());
                    default -> acc.add(v);
                };
            }
            last(kind, acc, r).intoArray(y, yo + j);
        }
        for (; j < inner; j++) {
            float acc = first(kind, x[off + j]);
            for (int k = 1; k < r; k++) {
                float v = x[off + k * inner + j];
                acc = switch (kind) {
                    case MAX -> Math.max(acc, v);
                    case MIN -> Math.min(acc, v);
                    case SUM_SQUARE, L2 -> Math.fma(v, v, acc);
                    case L1 -> acc + Math.abs(v);
                    default -> acc + v;
                };
            }
            y[yo + j] = last(kind, acc, r);
        }
    }

    private static FloatVector first(Reduction.Kind kind, FloatVector v) {
        return switch (kind) {
            case SUM_SQUARE, L2 -> v.mul(v);
            case L1 -> v.abs();
            default -> v;
        };
    }

    private static float first(Reduction.Kind kind, float v) {
        return switch (kind) {
            case SUM_SQUARE, L2 -> v * v;
            case L1 -> Math.abs(v);
            default -> v;
        };
    }

    private static FloatVector last(Reduction.Kind kind, FloatVector acc, int r) {
        return switch (kind) {
            case MEAN -> acc.div(r);
            case L2 -> acc.sqrt();
            default -> acc;
        };
    }

    private static float last(Reduction.Kind kind, float acc, int r) {
        return switch (kind) {
            case MEAN -> acc / r;
            case L2 -> (float) Math.sqrt(acc);
            default -> acc;
        };
    }
}
