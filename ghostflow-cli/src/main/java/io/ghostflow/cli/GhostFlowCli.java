package io.ghostflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ghostflow} command. Each subcommand is one class; add new ones to the list below. */
@Command(name = "ghostflow", mixinStandardHelpOptions = true, version = "GhostFlow 0.1.0",
        description = "Pure-Java ONNX inference engine and model server.",
        subcommands = {
            CheckCommand.class,
            RunCommand.class,
            io.ghostflow.cli.tools.InspectCommand.class,
            io.ghostflow.cli.tools.OptimizeCommand.class,
            io.ghostflow.cli.tools.BenchCommand.class,
            io.ghostflow.cli.serve.ServeCommand.class,
            io.ghostflow.cli.train.TrainDemoCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class GhostFlowCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new GhostFlowCli());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + ex.getMessage());
            return ex instanceof io.ghostflow.core.GhostFlowException ? 2 : 1;
        });
        return cl.execute(args);
    }
}
