package io.earthmover.cli;

import io.earthmover.config.ConfigException;
import io.earthmover.kafka.KafkaUnreachableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code earthmover} command line. */
@Command(name = "earthmover", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Online anomaly detection for Kafka with a WGAN-GP critic.",
        subcommands = {
                BrokerCommand.class,
                ScoreCommand.class,
                TrainCommand.class,
                ProduceCommand.class,
                DemoCommand.class,
                EvaluateCommand.class,
                ModelCommand.class,
                BenchCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true); // enum option values in any case
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof ConfigException || ex instanceof UserException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return ExitCodes.USAGE;
            }
            if (ex instanceof KafkaUnreachableException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return ExitCodes.FAILURE;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"earthmover " + (v == null ? "dev" : v)};
        }
    }
}
