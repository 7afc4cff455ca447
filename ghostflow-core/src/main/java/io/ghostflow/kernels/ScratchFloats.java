package io.ghostflow.kernels;

/**
 * Per-thread float arrays that grow on demand and are reused from call to call, so kernels on the
 * hot path allocate nothing once the largest size has been seen. Contents are whatever the last
 * user left: callers initialise what they read. One instance per use site; {@code slots} arrays
 * per thread when a kernel needs several at once.
 */
public final class ScratchFloats {
    private final ThreadLocal<float[][]> arrays;

    public ScratchFloats(int slots) {
        arrays = ThreadLocal.withInitial(() -> {
            float[][] a = new float[slots][];
            for (int i = 0; i < slots; i++) {
                a[i] = new float[0];
            }
            return a;
        });
    }

    /** This thread's array of the given slot, at least {@code size} long. */
    public float[] get(int slot, int size) {
        float[][] a = arrays.get();
        if (a[slot].length < size) {
            a[slot] = new float[size];
        }
        return a[slot];
    }
}
