package io.ghostflow.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register and cache blocking of the fp32 GEMM, derived from the preferred vector species:
 * the micro-tile is MR rows by NR = 2 vectors (MR * 2 accumulators, plus 2 B vectors and one
 * A broadcast, see {@link GemmMicroKernel} for the choice of MR). KC keeps one KC x NR B
 * micro-panel within half of a 32 KiB L1; MC x KC of packed A stays within L2; NC bounds the
 * packed B block so it stays in L2/L3 while every A block streams past it. The cache block sizes
 * can be overridden for tuning with -Dghostflow.gemm.kc / .mc / .nc (read once at class load).
 */
final class GemmBlocking {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * 4 rows (8 accumulators) everywhere by default. 6 rows (12 accumulators) need 32 vector
     * registers: on AVX2 they spill; on AVX-512 (Zen 5) the bare 6-row GEMM runs about 10% faster
     * at 1024^3 (223 against 208 GFLOP/s), but the fused paths (bias and clamp in registers,
     * convolutions reading activations in place, strided convolutions) exist for 4 rows only, and
     * whole models ran slower with 6 (resnet18 39.8 against 22.8 ms). Kept as -Dghostflow.gemm.mr=6.
     * With 32 registers the 4-row layouts are instead read two panels at a time ({@link GemmPairKernel}).
     */
    static final int MR = Integer.getInteger("ghostflow.gemm.mr", 4) >= 6 ? 6 : 4;
    static final int NR = 2 * L;
    static final int KC = Integer.getInteger("ghostflow.gemm.kc", Math.max(64, Math.min(512, 4096 / NR)));
    static final int MC = MR * (Integer.getInteger("ghostflow.gemm.mc", 144) / MR);
    /** Columns of the packed B block: KC x NC floats take 256 KiB, half of a 512 KiB L2 (rows-outer order streams it per A panel). */
    static final int NC = NR * Math.max(1, Integer.getInteger("ghostflow.gemm.nc", 65536 / KC) / NR);

    private GemmBlocking() {
    }

    /** Per-thread packing buffers, grown once and reused so the hot path never allocates. */
    static final class Scratch {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] tile = new float[MR * NR];
        final GemmMacroKernel block = new GemmMacroKernel();
    }

    static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
}
