package io.ghostflow.bench.jmh;

import io.ghostflow.kernels.Epilogue;
import io.ghostflow.kernels.Gemm;
import io.ghostflow.kernels.PackedA;
import io.ghostflow.kernels.PackedB;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * Single-thread GEMM GFLOP/s per CPU-second of the calling thread, for shared machines where
 * wall-clock JMH numbers swing with the neighbours' load: time spent descheduled is not counted
 * (cache interference still is). Arguments: shapes "MxNxK" (default 1024x1024x1024). Each shape is
 * measured twice: with B pre-packed (a MatMul/Gemm node's weights) and with A pre-packed and B packed per
 * run, the layout of a convolution (weights [M = out channels, K], activations [K, N = pixels]).
 * With {@code -Dgemm.copies=N} the pre-packed operand is rotated through N copies, so that with
 * enough of them (their size times N well above the L3) it comes from memory as a model's weights
 * do on every run; the default 1 measures it in cache.
 * Run: java --add-modules jdk.incubator.vector -cp target/classes:target/lib/* io.ghostflow.bench.jmh.CpuTimeGemm
 */
public final class CpuTimeGemm {
    private CpuTimeGemm() {
    }

    public static void main(String[] args) {
        String[] shapes = args.length == 0 ? new String[] {"1024x1024x1024"} : args;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        FmaPeakBench peak = new FmaPeakBench();
        double peakBest = 0;
        for (int it = 0; it < 30; it++) {
            long t = mx.getCurrentThreadCpuTime();
            for (int q = 0; q < 200; q++) {
                peak.fmaChains();
            }
            // fmaChains runs 10 chains x 10_000 steps of one vector FMA (2 * LANES FLOPs).
            double g = 200.0 * 100_000 * 2 * FmaPeakBench.LANES / ((mx.getCurrentThreadCpuTime() - t) / 1e9) / 1e9;
            peakBest = Math.max(peakBest, g);
        }
        System.out.printf("fp32 FMA peak: %.1f GFLOP/s per CPU-second (%d lanes)%n", peakBest, FmaPeakBench.LANES);
        for (String shape : shapes) {
            String[] d = shape.split("x");
            int m = Integer.parseInt(d[0]);
            int n = Integer.parseInt(d[1]);
            int k = Integer.parseInt(d[2]);
            Random r = new Random(1);
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            float[] c = new float[m * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextFloat() - 0.5f;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextFloat() - 0.5f;
            }
            int copies = Math.max(1, Integer.getInteger("gemm.copies", 1));
            PackedB[] pb = new PackedB[copies];
            PackedA[] pa = new PackedA[copies];
            for (int q = 0; q < copies; q++) {
                pb[q] = Gemm.packB(b, 0, k, n, false);
                pa[q] = Gemm.packA(a, 0, m, k, false);
            }
            String cold = copies == 1 ? "" : ", " + copies + " copies";
            int[] turn = {0};
            report(shape + " (B packed" + cold + ")", m, n, k, peakBest,
                    () -> Gemm.gemm(m, n, k, a, 0, k, false, pb[turn[0]++ % copies], c, 0, n, Epilogue.NONE, 1));
            report(shape + " (A packed, conv layout" + cold + ")", m, n, k, peakBest,
                    () -> Gemm.gemm(m, n, k, 1f, pa[turn[0]++ % copies], b, 0, n, false, 0f, c, 0, n, Epilogue.NONE, 1));
        }
    }

    private static void report(String label, int m, int n, int k, double peakBest, Runnable gemm) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int reps = Math.max(1, (int) (1e9 / (2.0 * m * n * k)));
        double best = 0;
        double sum = 0;
        int rounds = 20;
        int warm = 5;
        for (int it = 0; it < rounds; it++) {
            long t = mx.getCurrentThreadCpuTime();
            for (int q = 0; q < reps; q++) {
                gemm.run();
            }
            double g = 2.0 * m * n * k * reps / ((mx.getCurrentThreadCpuTime() - t) / 1e9) / 1e9;
            if (it >= warm) {
                best = Math.max(best, g);
                sum += g;
            }
        }
        System.out.printf("%s: best %.1f, mean %.1f GFLOP/s per CPU-second (1 thread), best = %.0f%% of peak%n",
                label, best, sum / (rounds - warm), 100 * best / peakBest);
    }
}
