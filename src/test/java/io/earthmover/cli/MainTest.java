package io.earthmover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    private static String[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
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
