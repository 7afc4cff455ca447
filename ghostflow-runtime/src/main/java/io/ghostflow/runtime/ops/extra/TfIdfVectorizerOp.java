package io.ghostflow.runtime.ops.extra;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.runtime.graph.Node;
import io.ghostflow.runtime.ops.OpConfig;
import io.ghostflow.runtime.ops.OpKernel;
import io.ghostflow.tensor.DType;
import io.ghostflow.tensor.Tensor;
import io.ghostflow.tensor.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TfIdfVectorizer (opset 9): counts, per row of a 1-D or 2-D token tensor, the pool n-grams
 * of length min_gram_length..max_gram_length. An n-gram of n >= 2 may skip up to
 * max_skip_count tokens between its items (the same skip throughout); every (start, skip)
 * match counts once. Unigrams are counted once per position. Pool layout: ngram_counts[i] is
 * where the (i+1)-grams start in pool_int64s / pool_strings; the k-th pool n-gram goes to
 * output column ngram_indexes[k]. Modes: TF (counts), IDF (weight where present), TFIDF
 * (count * weight); weights default to 1.
 */
final class TfIdfVectorizerOp {
    private TfIdfVectorizerOp() {
    }

    static OpKernel create(Node node, OpConfig cfg) {
        int minN = (int) node.requireInt("min_gram_length");
        int maxN = (int) node.requireInt("max_gram_length");
        int maxSkip = (int) node.requireInt("max_skip_count");
        String mode = node.getString("mode", null);
        if (mode == null || !(mode.equals("TF") || mode.equals("IDF") || mode.equals("TFIDF"))) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TfIdfVectorizer: mode must be TF, IDF or TFIDF, is " + mode);
        }
        long[] counts = node.getInts("ngram_counts", null);
        long[] indexes = node.getInts("ngram_indexes", null);
        float[] weights = node.getFloats("weights", null);
        List<String> poolStrings = node.getStrings("pool_strings", null);
        long[] poolInts = node.getInts("pool_int64s", null);
        if (counts == null || indexes == null || (poolStrings == null) == (poolInts == null)) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH,
                    "TfIdfVectorizer: needs ngram_counts, ngram_indexes and exactly one of pool_strings / pool_int64s");
        }
        if (minN < 1 || maxN < minN || maxSkip < 0) {
            throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TfIdfVectorizer: bad gram lengths " + minN + ".." + maxN
                    + " or max_skip_count " + maxSkip);
        }
        List<Object> pool = new ArrayList<>();
        if (poolStrings != null) {
            pool.addAll(poolStrings);
        } else {
            for (long v : poolInts) {
                pool.add(v);
            }
        }
        Map<List<Object>, Integer> column = new HashMap<>();
        int ordinal = 0;
        for (int level = 0; level < counts.length; level++) {
            int n = level + 1;
            int start = (int) counts[level];
            int end = level + 1 < counts.length ? (int) counts[level + 1] : pool.size();
            if (start > end || (end - start) % n != 0) {
                throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TfIdfVectorizer: ngram_counts " + Arrays.toString(counts)
                        + " do not split the pool of " + pool.size() + " items into whole " + n + "-grams");
            }
            for (int p = start; p < end; p += n, ordinal++) {
                if (ordinal >= indexes.length) {
                    throw new GhostFlowException(ErrorCode.INVALID_GRAPH, "TfIdfVectorizer: fewer ngram_indexes than pool n-grams");
                }
                column.put(List.copyOf(pool.subList(p, p + n)), (int) indexes[ordinal]);
            }
        }
        int width = 0;
        for (long ix : indexes) {
            width = Math.max(width, (int) ix + 1);
        }
        int outWidth = width;
        // weights[k] belongs to the k-th pool n-gram, which lands in column ngram_indexes[k].
        double[] columnWeight = new double[outWidth];
        Arrays.fill(columnWeight, 1);
        if (weights != null) {
            for (int k = 0; k < Math.min(weights.length, indexes.length); k++) {
                columnWeight[(int) indexes[k]] = weights[k];
            }
        }
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            if (x.rank() > 2 || (x.dtype() == DType.STRING) != (poolStrings != null)) {
                throw new GhostFlowException(ErrorCode.INVALID_ARGUMENT, "TfIdfVectorizer: input " + x.dtype()
                        + Arrays.toString(x.shape()) + " must be 1-D or 2-D and match the pool type");
            }
            int rows = x.rank() == 2 ? x.dim(0) : 1;
            int len = x.rank() == 0 ? 1 : x.dim(x.rank() - 1);
            Object[] tokens = new Object[x.size()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = x.dtype() == DType.STRING ? x.strings()[i] : (Object) x.getLong(i);
            }
            double[] counts2 = new double[rows * outWidth];
            Object[] gram = new Object[maxN];
            for (int r = 0; r < rows; r++) {
                int base = r * len;
                for (int s = 0; s < len; s++) {
                    for (int n = minN; n <= maxN; n++) {
                        int skips = n == 1 ? 0 : maxSkip;
                        for (int skip = 0; skip <= skips; skip++) {
                            int last = s + (n - 1) * (skip + 1);
                            if (last >= len) {
                                break;
                            }
                            for (int j = 0; j < n; j++) {
                                gram[j] = tokens[base + s + j * (skip + 1)];
                            }
                            Integer col = column.get(Arrays.asList(Arrays.copyOf(gram, n)));
                            if (col != null) {
                                counts2[r * outWidth + col]++;
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < counts2.length; i++) {
                double w = columnWeight[i % outWidth];
                counts2[i] = switch (mode) {
                    case "IDF" -> counts2[i] > 0 ? w : 0;
                    case "TFIDF" -> counts2[i] * w;
                    default -> counts2[i];
                };
            }
            int[] shape = x.rank() == 2 ? new int[] {rows, outWidth} : new int[] {outWidth};
            return new Value[] {Doubles.toTensor(DType.FLOAT, counts2, shape)};
        };
    }
}
