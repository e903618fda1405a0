package io.earthmover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.harness.cli.HarnessCommands;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

    private static String[] run(String... args) {
        CliRun r = CliRun.of(args);
        return new String[] {String.valueOf(r.code()), r.out(), r.err()};
    }

    @Test
    void helpSaysWhatEachCommandDoesInOneSentence() {
        String out = CliRun.of("--help").out();
        String list = out.substring(out.indexOf("Commands:") + "Commands:".length()).strip();
        for (String line : list.split("\\R")) {
            assertThat(line).as("a command's line in --help").matches("\\s*[a-z]+\\s+[A-Z].*\\.");
        }
        assertThat(list.split("\\R")).as("one line per command").hasSize(Main.commandLine(Main.installedProviders()).getSubcommands().size());
    }

    @Test
    void helpListsTheSubcommands() {
        String[] r = run("--help");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("broker");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : Main.commandLine(Main.installedProviders()).getSubcommands().keySet()) {
            String[] r = run(sub, "--help");
            assertThat(r[0]).as(sub).isEqualTo("0");
            assertThat(r[1]).as(sub).contains("Usage: earthmover " + sub);
        }
    }

    @Test
    void badConfigurationExitsNonZeroNamingTheKey() {
        String[] unknown = run("broker", "--set", "topics.bogus=1");
        assertThat(unknown[0]).isEqualTo(String.valueOf(ExitCodes.USAGE));
        assertThat(unknown[2]).contains("topics.bogus");

        String[] negative = run("broker", "--set", "topics.partitions=-3");
        assertThat(negative[0]).isEqualTo(String.valueOf(ExitCodes.USAGE));
        assertThat(negative[2]).contains("topics.partitions");

        String[] bootstrap = run("broker", "--bootstrap-servers", "not-an-address");
        assertThat(bootstrap[0]).isEqualTo(String.valueOf(ExitCodes.USAGE));
        assertThat(bootstrap[2]).contains("kafka.bootstrap.servers");
    }

    @Test
    void theHarnessCommandsComeFromItsProviderOnTheClassPath() {
        assertThat(Main.installedProviders()).hasExactlyElementsOfTypes(HarnessCommands.class);
        String out = CliRun.of("--help").out();
        for (String name : Main.HARNESS_COMMANDS) {
            assertThat(out).contains("  " + name + " ");
        }
    }

    @Test
    void withoutTheHarnessItsCommandsSayWhereTheyWentAndExitTwo() {
        for (String name : Main.HARNESS_COMMANDS) {
            CliRun r = CliRun.of(List.of(), name, "--help");
            assertThat(r.code()).as(name).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).as(name).contains("error: " + name
                    + " is part of the benchmark harness: earthmover-harness.jar is not on the class path");
        }
        assertThat(CliRun.of(List.of(), "evaluate", "nab", "--data", "x").code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void withoutTheHarnessHelpListsTheProductCommandsOnly() {
        CliRun r = CliRun.of(List.of(), "--help");
        assertThat(r.code()).isZero();
        String list = r.out().substring(r.out().indexOf("Commands:"));
        assertThat(list).contains("broker", "score", "train", "produce", "model")
                .doesNotContain("demo", "evaluate", "bench");
        assertThat(CliRun.of(List.of(), "broker", "--help").code()).isZero();
    }

    @Test
    void withoutNd4jTrainSaysInOneLineToRunItFromTheTrainerJarAndExitsTwo() {
        for (String[] args : List.of(new String[] {"train", "--input", "normal.csv"}, new String[] {"train", "--help"})) {
            CliRun r = CliRun.withoutNd4j(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().strip()).as(String.join(" ", args)).isEqualTo("error: train needs ND4J: run it from"
                    + " earthmover.jar (the trainer image); earthmover-scorer.jar (the scorer image) leaves ND4J out");
        }
    }

    @Test
    void withoutNd4jHelpListsTheScorersCommandsAndTheyStillParse() {
        CliRun r = CliRun.withoutNd4j("--help");
        assertThat(r.code()).isZero();
        String list = r.out().substring(r.out().indexOf("Commands:"));
        assertThat(list).contains("broker", "score", "produce", "model").doesNotContain("train");
        for (String name : List.of("broker", "score", "produce", "model")) {
            assertThat(CliRun.withoutNd4j(name, "--help").code()).as(name).isZero();
        }
    }

    @Test
    void nd4jIsFoundOnTheTestClassPath() {
        assertThat(Main.nd4jOnClassPath()).isTrue();
    }
}
