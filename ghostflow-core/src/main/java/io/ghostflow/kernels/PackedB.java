package io.ghostflow.kernels;

import static io.ghostflow.kernels.GemmBlocking.NR;

/**
 * A right-hand [K, N] matrix (typically MatMul / Gemm weights) packed once into NR-column
 * panels, k-major inside a panel: element (k, j) lives at {@code ((j / NR) * K + k) * NR + j % NR};
 * columns beyond N are zero. If {@link #blocked} (K deeper than the GEMM takes in one block), the
 * same per K block of {@code KC} rows, blocks one after the other: block {@code pc} starts at
 * {@code pc * panels * NR} and holds panels of {@code kc * NR} floats, so a GEMM reading the weights
 * block by block reads them front to back. Immutable after packing and safe to share between threads.
 */
public final class PackedB {
    final int k;
    final int n;
    final float[] data;
    final boolean blocked;

    PackedB(int k, int n, float[] data, boolean blocked) {
        this.k = k;
        this.n = n;
        this.data = data;
        this.blocked = blocked;
    }

    public int depth() {
        return k;
    }

    public int columns() {
        return n;
    }

    /** Floats held (including padding), for memory accounting. */
    public int packedSize() {
        return data.length;
    }

    static int panels(int n) {
        return (n + NR - 1) / NR;
    }
}
