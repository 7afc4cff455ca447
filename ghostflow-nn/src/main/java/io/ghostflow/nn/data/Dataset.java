package io.ghostflow.nn.data;

import io.ghostflow.core.ErrorCode;
import io.ghostflow.core.GhostFlowException;
import io.ghostflow.tensor.Shapes;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Labelled samples in one flat array: sample i is {@code features[i*width .. (i+1)*width)},
 * viewed with {@code sampleShape} (e.g. [64] or [1, 8, 8]).
 */
public record Dataset(float[] features, int[] labels, int[] sampleShape, int classes) {
    public Dataset {
        int width = Shapes.size(sampleShape);
        if (features.length != labels.length * width) {
            throw new GhostFlowException(ErrorCode.SHAPE_MISMATCH, labels.length + " samples of shape "
                    + Shapes.toString(sampleShape) + " need " + labels.length * width + " values, have " + features.length);
        }
        sampleShape = sampleShape.clone();
    }

    /** One mini-batch: inputs shaped [n, sampleShape...] and their labels. */
    public record Batch(float[] x, int[] shape, int[] y) {
    }

    public int size() {
        return labels.length;
    }

    public int width() {
        return Shapes.size(sampleShape);
    }

    /** The same samples viewed with another per-sample shape of the same size. */
    public Dataset reshape(int... shape) {
        return new Dataset(features, labels, shape, classes);
    }

    /** Every feature multiplied by {@code factor} (e.g. 1/16 for 4-bit pixels). */
    public Dataset scale(float factor) {
        float[] f = features.clone();
        for (int i = 0; i < f.length; i++) {
            f[i] *= factor;
        }
        return new Dataset(f, labels, sampleShape, classes);
    }

    /** The samples at {@code idx}, in that order. */
    public Dataset select(int[] idx) {
        int w = width();
        float[] f = new float[idx.length * w];
        int[] l = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(features, idx[i] * w, f, i * w, w);
            l[i] = labels[idx[i]];
        }
        return new Dataset(f, l, sampleShape, classes);
    }

    /** A seeded shuffle split: the first {@code trainFraction} for training, the rest for testing. */
    public List<Dataset> split(double trainFraction, long seed) {
        int[] perm = permutation(size(), new SplittableRandom(seed));
        int cut = (int) Math.round(size() * trainFraction);
        return List.of(select(java.util.Arrays.copyOfRange(perm, 0, cut)), select(java.util.Arrays.copyOfRange(perm, cut, perm.length)));
    }

    /** All samples as one batch, in order. */
    public Batch all() {
        return new Batch(features, Shapes.concat(new int[] {size()}, sampleShape), labels);
    }

    /** Mini-batches in an order shuffled by {@code rng} (null keeps the order); the last may be smaller. */
    public Iterable<Batch> batches(int batchSize, SplittableRandom rng) {
        int[] order = rng == null ? identity(size()) : permutation(size(), rng);
        int w = width();
        return () -> new Iterator<>() {
            int next;

            @Override
            public boolean hasNext() {
                return next < order.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int n = Math.min(batchSize, order.length - next);
                float[] x = new float[n * w];
                int[] y = new int[n];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(features, order[next + i] * w, x, i * w, w);
                    y[i] = labels[order[next + i]];
                }
                next += n;
                return new Batch(x, Shapes.concat(new int[] {n}, sampleShape), y);
            }
        };
    }

    public int batchCount(int batchSize) {
        return (size() + batchSize - 1) / batchSize;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    /** Fisher-Yates on SplittableRandom: the same seed gives the same order on every JDK. */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

}
