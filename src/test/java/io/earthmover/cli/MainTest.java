package io.earthmover.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(list.split("\\R")).as("one line per command").hasSize(new picocli.CommandLine(new Main()).getSubcommands().size());
    }

    @Test
    void helpListsTheSubcommands() {
        String[] r = run("--help");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("broker");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : new picocli.CommandLine(new Main()).getSubcommands().keySet()) {
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
}
