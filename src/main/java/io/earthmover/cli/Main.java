package io.earthmover.cli;

import io.earthmover.config.ConfigException;
import io.earthmover.kafka.KafkaUnreachableException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code earthmover} command line: the product's commands, plus those a {@link CommandProvider}
 * on the class path adds (the benchmark harness's demo, evaluate and bench).
 */
@Command(name = "earthmover", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Online anomaly detection for Kafka with a WGAN-GP critic.",
        subcommands = {
                BrokerCommand.class,
                ScoreCommand.class,
                TrainCommand.class,
                ProduceCommand.class,
                ModelCommand.class,
        })
public final class Main implements Runnable {
    /**
     * The harness's command names: without earthmover-harness.jar they answer with where they went
     * rather than picocli's "Unmatched argument", which reads like a typo.
     */
    static final List<String> HARNESS_COMMANDS = List.of("demo", "evaluate", "bench");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        return run(installedProviders(), args);
    }

    /** Runs the CLI with these providers' commands added (tests pass none to see the product jar alone). */
    static int run(List<CommandProvider> providers, String... args) {
        return commandLine(providers).execute(args);
    }

    /** The command providers on the class path (the harness's, when earthmover-harness.jar is there). */
    static List<CommandProvider> installedProviders() {
        List<CommandProvider> providers = new ArrayList<>();
        ServiceLoader.load(CommandProvider.class, Main.class.getClassLoader()).forEach(providers::add);
        return providers;
    }

    /** The whole command tree: the product's commands, the providers' and stand-ins for missing harness ones. */
    static CommandLine commandLine(List<CommandProvider> providers) {
        CommandLine cl = new CommandLine(new Main());
        for (CommandProvider provider : providers) {
            provider.commands().forEach(cl::addSubcommand);
        }
        for (String name : HARNESS_COMMANDS) {
            if (!cl.getSubcommands().containsKey(name)) {
                cl.addSubcommand(name, new NotInstalled(name));
            }
        }
        // after the subcommands are added: these settings reach only the commands present now
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
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Stands in for a harness command when the harness is not installed; hidden from --help. */
    @Command(hidden = true)
    static final class NotInstalled implements Callable<Integer> {
        private final String name;

        @CommandLine.Unmatched
        List<String> ignored = new ArrayList<>();

        NotInstalled(String name) {
            this.name = name;
        }

        @Override
        public Integer call() {
            throw new UserException(name + " is part of the benchmark harness: earthmover-harness.jar is not on the class path"
                    + " (put it beside earthmover.jar; mvn -B -q package -DskipTests builds both into target/)");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"earthmover " + (v == null ? "dev" : v)};
        }
    }
}
