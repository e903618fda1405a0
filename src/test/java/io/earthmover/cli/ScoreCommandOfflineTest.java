package io.earthmover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.model.ModelBundle;
import io.earthmover.score.OfflineScorer;
import io.earthmover.score.ScorerSettings;
import io.earthmover.testutil.ScoringCsv;
import io.earthmover.testutil.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score --input}: the service's processing over a file, one score line per scored record. */
class ScoreCommandOfflineTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream saved;

    @BeforeEach
    void capture() {
        saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(saved);
    }

    @Test
    void scoresAFileAsTheServiceWouldAndReportsBadRecordsWithTheirCode() throws Exception {
        ModelBundle model = TestBundles.bundle(ScoringCsv.FEATURES, true, 1, 2);
        Path modelFile = dir.resolve("m.zip");
        model.write(modelFile);
        List<String> lines = ScoringCsv.lines();
        Path csv = dir.resolve("in.csv");
        Files.write(csv, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("scores.jsonl");

        int rc = Main.run("score", "--input", csv.toString(), "--model-file", modelFile.toString(), "--output",
                out.toString(), "--key-column", "host", "--timestamp-column", "ts");

        assertThat(rc).isEqualTo(ExitCodes.OK);
        List<String> scored = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(scored).hasSize(ScoringCsv.RECORDS);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("record 201 dead-lettered: WRONG_TYPE");
        // the same records through the engine directly give the same fields (scoredAt aside)
        OfflineScorer direct = new OfflineScorer(ScorerSettings.from(EarthmoverConfig.defaults()), model, Clock.systemUTC());
        for (int i = 0; i < ScoringCsv.RECORDS; i++) {
            String[] f = lines.get(i + 1).split(",");
            String json = "{\"ts\":" + f[1] + ",\"features\":{\"cpu\":" + f[2] + ",\"mem\":" + f[3] + "}}";
            ScoreRecord expected = ScoreRecord.parse(direct.process(f[0], json.getBytes(StandardCharsets.UTF_8),
                    Long.parseLong(f[1])).json());
            ScoreRecord got = ScoreRecord.parse(scored.get(i).getBytes(StandardCharsets.UTF_8));
            assertThat(got.critic()).as("record %d", i).isEqualTo(expected.critic());
            assertThat(got.alarmScore()).isEqualTo(expected.alarmScore());
            assertThat(got.anomaly()).isEqualTo(expected.anomaly());
        }
        assertThat(ScoreRecord.parse(scored.get(ScoringCsv.OUTLIER).getBytes(StandardCharsets.UTF_8)).anomaly()).isTrue();
    }

    @Test
    void offlineScoringWithoutAModelFileIsAUsageError() throws Exception {
        Path csv = dir.resolve("in.csv");
        Files.write(csv, List.of("cpu,mem", "1,2"), StandardCharsets.UTF_8);
        assertThat(Main.run("score", "--input", csv.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--model-file");
    }
}
