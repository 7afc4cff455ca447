package io.ghostflow.bench.jmh;

import io.ghostflow.kernels.Activation;
import io.ghostflow.kernels.Conv2d;
import io.ghostflow.kernels.Epilogue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Conv2d at resnet18's layer shapes (batch 1) with the fused bias + ReLU epilogue, plus a
 * MobileNet-style depthwise layer. Shape "C_H_M_k_stride_pad" (underscores, since JMH's -p splits on commas). One op is one convolution of
 * 2 * {@link Conv2d.Params#macs()} FLOPs; the {@code conv:gflops} row reports GFLOP/s
 * (score row: convolutions per second).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS) // seconds: the gflops counter relies on it
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ConvBench {
    @Param({"3_224_64_7_2_3", "64_56_64_3_1_1", "64_56_128_3_2_1", "128_28_128_3_1_1", "128_28_256_3_2_1",
        "256_14_256_3_1_1", "256_14_512_3_2_1", "512_7_512_3_1_1", "64_56_128_1_2_0", "dw96_112_96_3_1_1"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    Conv2d conv;
    float[] x;
    float[] y;
    Epilogue epi;

    @Setup
    public void setup() {
        Conv2d.Params params = parse(shape);
        int m = params.outC();
        Random r = new Random(1);
        float[] w = new float[m * (params.c() / params.groups()) * params.kH() * params.kW()];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextFloat() - 0.5f;
        }
        x = new float[params.n() * params.c() * params.h() * params.w()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        conv = Conv2d.prepare(w, params);
        y = new float[params.n() * m * params.outH() * params.outW()];
        float[] bias = new float[m];
        epi = Epilogue.of(Activation.RELU).withRowBias(bias, 0);
    }

    /**
     * A square convolution from "C_H_M_k_stride_pad[_N]" (N images, default 1), with a leading
     * "dw" for a depthwise one (groups = C).
     */
    static Conv2d.Params parse(String shape) {
        boolean dw = shape.startsWith("dw");
        String[] d = shape.replace("dw", "").split("_");
        int c = Integer.parseInt(d[0]);
        int h = Integer.parseInt(d[1]);
        int m = Integer.parseInt(d[2]);
        int k = Integer.parseInt(d[3]);
        int s = Integer.parseInt(d[4]);
        int p = Integer.parseInt(d[5]);
        int n = d.length > 6 ? Integer.parseInt(d[6]) : 1;
        return new Conv2d.Params(n, c, h, h, m, k, k, s, s, p, p, p, p, 1, 1, dw ? c : 1);
    }

    /** Counts FLOPs so JMH prints GFLOP/s next to the rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        double flops;

        @Setup(Level.Iteration)
        public void reset() {
            flops = 0;
        }

        /** GFLOP; JMH divides OPERATIONS counters by the elapsed seconds, so the column reads GFLOP/s. */
        public double gflops() {
            return flops / 1e9;
        }
    }

    @Benchmark
    public float[] conv(Flops f) {
        conv.run(x, y, epi, threads);
        f.flops += 2.0 * conv.params().macs();
        return y;
    }
}
