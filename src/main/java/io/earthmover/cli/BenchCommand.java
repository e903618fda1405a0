package io.earthmover.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code earthmover bench}: benchmarks that print figures (no pass/fail). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures.",
        subcommands = {BenchSoakCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
