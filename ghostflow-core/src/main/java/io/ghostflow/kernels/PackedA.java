package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.MR;

/**
 * A left-hand [M, K] matrix (typically convolution weights) packed once into MR-row panels,
 * k-major inside a panel: element (i, k) lives at {@code ((i / MR) * K + k) * MR + i % MR};
 * rows beyond M are zero. Immutable after packing and safe to share between threads.
 */
public final class PackedA {
    final int m;
    final int k;
    final float[] data;

    PackedA(int m, int k, float[] data) {
        this.m = m;
        this.k = k;
        this.data = data;
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
