package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.MR;

/**
 * A left-hand [M, K] matrix (typically convolution weights) packed once into MR-row panels,
 * k-major inside a panel: element (i, k) lives at {@code ((i / MR) * K + k) * MR + i % MR};
 * rows beyond M are zero. When the GEMM takes K in blocks of KC (K deeper than it takes whole),
 * {@link #blocked} data holds the panels block by block instead: block [k0, k0 + kc) of panel p
 * at {@code k0 * panels * MR + p * kc * MR}, so the blocks that one pass over M reads are one
 * contiguous stream (whole-K panels there are read 4 KiB at a time, K * 16 bytes apart, which the
 * hardware prefetchers follow poorly). Immutable after packing and safe to share between threads.
 */
public final class PackedA {
    final int m;
    final int k;
    final float[] data;
    final boolean blocked;

    PackedA(int m, int k, float[] data, boolean blocked) {
        this.m = m;
        this.k = k;
        this.data = data;
        this.blocked = blocked;
    }

    public int rows() {
        return m;
    }

    public int depth() {
        return k;
    }

    /** Floats held (including padding), for memory accounting. */
    public int packedSize() {
        return data.length;
    }

    static int panels(int m) {
        return (m + MR - 1) / MR;
    }
}
