package io.ghostflow.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code ghostflow-bench jmh [JMH options] [benchmark regex]}: runs the JMH kernel benchmarks (GemmBench, ConvBench, FmaPeakBench). */
@Command(name = "jmh", description = "Run the JMH kernel benchmarks; arguments go to JMH (e.g. GemmBench -p shape=1024x1024x1024 -f 1 -wi 2 -i 3).")
public final class JmhCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(new String[0]));
        return 0;
    }
}
