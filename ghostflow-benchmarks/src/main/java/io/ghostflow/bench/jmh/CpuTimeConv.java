package io.ghostflow.bench.jmh;

import io.ghostflow.kernels.Activation;
import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.Epilogue;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * Single-thread convolution speed per CPU-second of the calling thread (see {@link CpuTimeGemm}
 * for why CPU time), with bias + ReLU fused as the models run it. Reported as "effective"
 * GFLOP/s: 2 * the direct convolution's multiply-adds per second, whatever the kernel does
 * (Winograd 3x3 convolutions do fewer), so kernels compare on the work they replace. Arguments:
 * shapes as {@link ConvBench#parse} reads them (default: resnet18's and squeezenet's
 * 3x3 layers). Run: java --add-modules jdk.incubator.vector -cp target/classes:target/lib/*
 * io.ghostflow.bench.jmh.CpuTimeConv [SHAPE...]
 */
public final class CpuTimeConv {
    private CpuTimeConv() {
    }

    public static void main(String[] args) {
        String[] shapes = args.length > 0 ? args : new String[] {"3_224_64_7_2_3", "64_56_64_3_1_1", "64_56_128_3_2_1",
            "128_28_128_3_1_1", "256_14_256_3_1_1", "512_7_512_3_1_1", "16_55_64_3_1_1", "32_27_128_3_1_1",
            "64_13_256_3_1_1"};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        // Every shape once untimed first: the kernels are shared, and C2 needs many calls of all of
        // them before the code settles (a first timed shape measured 2-3x slow without this).
        for (int pass = 0; pass < 2; pass++) {
            for (String shape : shapes) {
                measure(shape, mx, pass == 1);
            }
        }
    }

    private static void measure(String shape, ThreadMXBean mx, boolean print) {
        Conv2d.Params params = ConvBench.parse(shape);
        int n = params.n();
        int c = params.c();
        int h = params.h();
        int m = params.outC();
        int k = params.kH();
        Random r = new Random(1);
        float[] w = random(r, m * (c / params.groups()) * k * k);
        float[] x = random(r, n * c * h * h);
        float[] y = new float[n * m * params.outH() * params.outW()];
        Conv2d conv = Conv2d.prepare(w, params);
        Epilogue epi = Epilogue.of(Activation.RELU).withRowBias(random(r, m), 0);
        double flops = 2.0 * params.macs();
        int reps = Math.max(1, (int) (3e8 / flops));
        double best = 0;
        for (int it = 0; it < 25; it++) {
            long t = mx.getCurrentThreadCpuTime();
            for (int q = 0; q < reps; q++) {
                conv.run(x, y, epi, 1);
            }
            double g = flops * reps / ((mx.getCurrentThreadCpuTime() - t) / 1e9) / 1e9;
            if (it >= 5) {
                best = Math.max(best, g);
            }
        }
        if (print) {
            System.out.printf("%-18s best %.1f effective GFLOP/s per CPU-second (1 thread), %.3f ms%n", shape, best,
                    flops / best / 1e6);
        }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() - 0.5f;
        }
        return v;
    }
}
