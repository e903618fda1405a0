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
        description = "Online anomaly detection for Kafka with a WGAN-GP critic.")
public final class Main implements Runnable {
    /**
     * The harness's command names: without earthmover-harness.jar they answer with where they went
     * rather than picocli's "Unmatched argument", which reads like a typo.
     */
    static final List<String> HARNESS_COMMANDS = List.of("demo", "evaluate", "bench");

    /**
     * ND4J's entry point, looked up as a resource: loading the class is not needed to know it is there,
     * so no command that does not train loads any ND4J class, even from earthmover.jar.
     */
    private static final String ND4J_CLASS_FILE = "org/nd4j/linalg/factory/Nd4j.class";

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

    /** As {@link #run(List, String...)}, as though ND4J were or were not on the class path. */
    static int run(List<CommandProvider> providers, boolean nd4j, String... args) {
        return commandLine(providers, nd4j).execute(args);
    }

    /** Whether ND4J is on the class path: true in earthmover.jar, false in earthmover-scorer.jar. */
    static boolean nd4jOnClassPath() {
        return Main.class.getClassLoader().getResource(ND4J_CLASS_FILE) != null;
    }

    /** The command providers on the class path (the harness's, when earthmover-harness.jar is there). */
    static List<CommandProvider> installedProviders() {
        List<CommandProvider> providers = new ArrayList<>();
        ServiceLoader.load(CommandProvider.class, Main.class.getClassLoader()).forEach(providers::add);
        return providers;
    }

    /** The whole command tree: the product's commands, the providers' and stand-ins for missing harness ones. */
    static CommandLine commandLine(List<CommandProvider> providers) {
        return commandLine(providers, nd4jOnClassPath());
    }

    /**
     * As {@link #commandLine(List)}; without ND4J (earthmover-scorer.jar, the scorer image) a stand-in
     * replaces train. The product's commands are added here rather than named in {@code @Command}: picocli
     * reflects on every command's methods when it adds it, and TrainCommand's methods name training classes that
     * the scorer jar leaves out, so there it would fail with NoClassDefFoundError before any command ran.
     */
    static CommandLine commandLine(List<CommandProvider> providers, boolean nd4j) {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand(BrokerCommand.class);
        cl.addSubcommand(ScoreCommand.class);
        if (nd4j) {
            cl.addSubcommand(TrainCommand.class);
        } else {
            cl.addSubcommand("train", new NotInstalled("train needs ND4J: run it from earthmover.jar (the trainer image);"
                    + " earthmover-scorer.jar (the scorer image) leaves ND4J out"));
        }
        cl.addSubcommand(ProduceCommand.class);
        cl.addSubcommand(ModelCommand.class);
        for (CommandProvider provider : providers) {
            provider.commands().forEach(cl::addSubcommand);
        }
        for (String name : HARNESS_COMMANDS) {
            if (!cl.getSubcommands().containsKey(name)) {
                cl.addSubcommand(name, new NotInstalled(name + " is part of the benchmark harness: earthmover-harness.jar"
                        + " is not on the class path (put it beside earthmover.jar; mvn -B -q package -DskipTests builds"
                        + " both into target/)"));
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

    /**
     * Stands in for a command this jar cannot run (a harness command without the harness, train without
     * ND4J): whatever the arguments, it says where the command is and exits 2. Hidden from --help.
     */
    @Command(hidden = true)
    static final class NotInstalled implements Callable<Integer> {
        private final String whereItIs;

        @CommandLine.Unmatched
        List<String> ignored = new ArrayList<>();

        NotInstalled(String whereItIs) {
            this.whereItIs = whereItIs;
        }

        @Override
        public Integer call() {
            throw new UserException(whereItIs);
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
