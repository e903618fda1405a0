package io.earthmover.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntSupplier;

/** Runs the CLI in this JVM and keeps what it printed (log lines go to the log's own stream, not here). */
public record CliRun(int code, String out, String err) {
    public static CliRun of(String... args) {
        return of(Main.installedProviders(), args);
    }

    /** As {@link #of(String...)}, with only these providers' commands (none: the product jar alone). */
    static CliRun of(List<CommandProvider> providers, String... args) {
        return capture(() -> Main.run(providers, args));
    }

    /** As {@link #of(String...)} in a jar without ND4J (earthmover-scorer.jar) and without the harness. */
    static CliRun withoutNd4j(String... args) {
        return capture(() -> Main.run(List.of(), false, args));
    }

    private static CliRun capture(IntSupplier cli) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = cli.getAsInt();
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
