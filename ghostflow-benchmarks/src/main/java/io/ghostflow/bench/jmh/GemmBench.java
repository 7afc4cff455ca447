package io.ghostflow.bench.jmh;

import io.ghostflow.kernels.Epilogue;
import io.ghostflow.kernels.Gemm;
import io.ghostflow.kernels.PackedB;
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
 * fp32 GEMM C[M,N] = A[M,K] * B[K,N] with B pre-packed (as for weights). One op is one GEMM of
 * 2*M*N*K FLOPs; the {@code gemm:gflops} row reports GFLOP/s (score row: GEMMs per second).
 * Shapes: squares, resnet18 convolutions as GEMM (M = out channels, N = OH*OW, K = C*9) and
 * bert_tiny (M = 128 tokens, K = 128, N = 128 or 512), given as "MxNxK".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS) // seconds: the gflops counter relies on it
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class GemmBench {
    @Param({"128x128x128", "256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048",
        "64x3136x576", "128x784x1152", "256x196x2304", "512x49x4608",
        "128x128x128bert", "128x512x128bert"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    int m;
    int n;
    int k;
    float[] a;
    float[] c;
    PackedB b;

    @Setup
    public void setup() {
        String[] d = shape.replace("bert", "").split("x");
        m = Integer.parseInt(d[0]);
        n = Integer.parseInt(d[1]);
        k = Integer.parseInt(d[2]);
        Random r = new Random(1);
        a = new float[m * k];
        float[] bm = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < bm.length; i++) {
            bm[i] = r.nextFloat() - 0.5f;
        }
        b = Gemm.packB(bm, 0, k, n, false);
        c = new float[m * n];
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
    public float[] gemm(Flops f) {
        Gemm.gemm(m, n, k, a, 0, k, false, b, c, 0, n, Epilogue.NONE, threads);
        f.flops += 2.0 * m * n * k;
        return c;
    }
}
