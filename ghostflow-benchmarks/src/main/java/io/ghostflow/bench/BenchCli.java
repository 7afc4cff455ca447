package io.ghostflow.bench;

import io.ghostflow.bench.peer.PeerBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ghostflow-bench} command: benchmarks that need more than a unit test. */
@Command(name = "ghostflow-bench", mixinStandardHelpOptions = true,
        description = "GhostFlow benchmarks.",
        subcommands = {
            PeerBench.class,
            io.ghostflow.bench.serve.ServeLoadCommand.class,
            io.ghostflow.bench.jmh.JmhCommand.class,
            io.ghostflow.bench.fusion.FusionCommand.class,
            io.ghostflow.bench.scaling.ScalingCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class BenchCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCli()).execute(args));
    }
}
