package io.ghostflow.kernels;

/**
 * Brings operands into the caches ahead of a kernel, as prefetch instructions would (Java has
 * none): one load per 64-byte line, four independent chains, so the misses are all in flight
 * at once. A GEMM's own first touches of cold weights are demand misses spread through its
 * compute, each waited out with little else in flight. Only for operands that fit in L2
 * together ({@link #L2_FLOATS}): larger ones would evict their own beginning before use (a
 * 1.6 MB weight matrix swept first ran 1.17x slower).
 */
final class Prefetch {
    /** Floats that are swept in at most (512 KiB, half of this machine's L2). */
    static final int L2_FLOATS = 131072;
    /** Lines apart: a float per 64-byte line. */
    private static final int LINE_FLOATS = 16;
    /** Where the sums go, so that the loads are not eliminated. */
    private static float sink;

    private Prefetch() {
    }

    /** Sweeps a[from, from + n) into the caches. */
    static void sweep(float[] a, int from, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int end = from + n;
        int i = from;
        for (; i + 3 * LINE_FLOATS < end; i += 4 * LINE_FLOATS) {
            s0 += a[i];
            s1 += a[i + LINE_FLOATS];
            s2 += a[i + 2 * LINE_FLOATS];
            s3 += a[i + 3 * LINE_FLOATS];
        }
        for (; i < end; i += LINE_FLOATS) {
            s0 += a[i];
        }
        sink = s0 + s1 + s2 + s3;
    }
}
