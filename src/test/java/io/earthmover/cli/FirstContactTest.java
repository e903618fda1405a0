package io.earthmover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.testutil.LogCapture;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user meets first (issue 15): the message text and the exit code of each case. */
class FirstContactTest {
    @TempDir
    Path dir;

    private static String closedAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "127.0.0.1:" + s.getLocalPort(); // closed again: nothing listens there
        }
    }

    private Path csv(int rows) throws IOException {
        StringBuilder sb = new StringBuilder("ts,cpu,mem\n");
        for (int i = 0; i < rows; i++) {
            sb.append(String.format(Locale.ROOT, "%d,%.4f,%.4f%n", 1_767_225_600L + 60L * i, 0.5 + 0.1 * Math.sin(i / 20.0),
                    0.3 + 0.01 * Math.cos(i / 7.0)));
        }
        return Files.writeString(dir.resolve("train.csv"), sb.toString());
    }

    private static void assertOneLineUnreachable(CliRun r, String line) {
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.err().strip()).as("one line").doesNotContain("\n").startsWith("error: " + line)
                .contains("tried", "connect.wait.ms").doesNotContain("Exception", "\tat ");
    }

    /** train ends with its status line on standard output; the other commands say "error:" on standard error. */
    private static String trainLine(CliRun r) {
        assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.FAILURE);
        return r.out().strip().substring(r.out().strip().lastIndexOf('\n') + 1);
    }

    @Test
    void unreachableBrokerIsOneLineAndExitCode1ForScoreTrainAndProduce() throws Exception {
        String address = closedAddress();
        String[] common = {"--bootstrap-servers", address, "--set", "connect.wait.ms=300", "--set", "metrics.port=0"};
        String line = "cannot reach Kafka at " + address + " (kafka.bootstrap.servers): connection refused";
        assertOneLineUnreachable(CliRun.of(concat(new String[] {"score"}, common)), line);
        assertOneLineUnreachable(CliRun.of(concat(new String[] {"produce", "--input", csv(5).toString()}, common)), line);
        for (String[] train : List.of(new String[] {"train", "--model-out", dir.toString()},
                new String[] {"train", "--publish", "--input", csv(50).toString()})) {
            CliRun r = CliRun.of(concat(train, common));
            assertThat(trainLine(r)).startsWith("FAILED: " + line).contains("connect.wait.ms");
            assertThat(r.out() + r.err()).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void trainInputProblemsSayWhatIsWrongWithExitCode1() throws Exception {
        assertThat(trainLine(CliRun.of("train", "--input", dir.resolve("nope.csv").toString())))
                .isEqualTo("FAILED: --input " + dir.resolve("nope.csv") + ": no such file");
        assertThat(trainLine(CliRun.of("train", "--input", dir.toString()))).endsWith("not a regular file");
        Path empty = Files.createFile(dir.resolve("empty.csv"));
        assertThat(trainLine(CliRun.of("train", "--input", empty.toString()))).endsWith(": the file is empty");
        Path data = Files.writeString(dir.resolve("data.csv"), "1.5,2\n3,4\n");
        assertThat(trainLine(CliRun.of("train", "--input", data.toString()))).contains("(1.5,2) is data, not a header");
        Path latin1 = Files.write(dir.resolve("latin1.csv"), new byte[] {'c', 'p', 'u', '\n', (byte) 0xE9, '\n'});
        assertThat(trainLine(CliRun.of("train", "--input", latin1.toString()))).endsWith("not UTF-8 text");
    }

    @Test
    void trainWithoutPublishSaysWrittenNotPublishedAndNamesWhatItCounted() throws Exception {
        Path models = dir.resolve("models");
        try (LogCapture log = LogCapture.at(Level.INFO, "io.earthmover.train.TrainJob")) {
            CliRun r = CliRun.of("train", "--input", csv(300).toString(), "--window", "4", "--iterations", "5",
                    "--model-out", models.toString(), "--set", "train.gate.min.auc=0", "--set", "train.gate.max.far=1",
                    "--set", "train.batch.size=32", "--set", "train.critic.hidden=8", "--set", "train.generator.hidden=8");
            assertThat(r.code()).as(r.out()).isEqualTo(ExitCodes.OK);
            assertThat(r.out()).contains("event time: column 'ts', numbers read as epoch milliseconds")
                    .doesNotContain("PUBLISHED").contains("training on ").contains(" more held out for calibration");
            String last = r.out().strip().substring(r.out().strip().lastIndexOf('\n') + 1);
            assertThat(last).startsWith("WRITTEN: model ").contains("written to " + models)
                    .endsWith("; not published (--publish sends it to the models topic)");
            assertThat(log.lines()).anyMatch(l -> l.contains("read 300 records (300 accepted, 0 refused); built 297 windows of 4 record(s)"));
            assertThat(log.lines()).as("the seconds are taken for milliseconds: said")
                    .anyMatch(l -> l.contains("if these are seconds, add --timestamp-unit s"));
        }
    }

    @Test
    void produceRefusesAConstantKeyTogetherWithAKeyColumn() throws Exception {
        CliRun r = CliRun.of("produce", "--input", csv(3).toString(), "--key", "host-1", "--key-column", "cpu");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--key gives every record the same key");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
