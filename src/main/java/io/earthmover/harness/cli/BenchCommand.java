package io.earthmover.harness.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code earthmover bench}: throughput figures of training and scoring on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that print figures (not pass/fail tests).",
        subcommands = {BenchTrainCommand.class, BenchScoreCommand.class, BenchPipelineCommand.class, BenchSoakCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
