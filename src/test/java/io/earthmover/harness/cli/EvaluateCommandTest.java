package io.earthmover.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.cli.ExitCodes;
import io.earthmover.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
    @TempDir
    Path dir;

    private Path toyCsv() throws IOException {
        Random rnd = new Random(5);
        StringBuilder sb = new StringBuilder("f0,f1,label\n");
        for (int i = 0; i < 300; i++) {
            boolean a = i % 15 == 0;
            sb.append(rnd.nextGaussian() + (a ? 5 : 0)).append(',').append(rnd.nextGaussian()).append(',')
                    .append(a ? 1 : 0).append('\n');
        }
        Path f = dir.resolve("toy.csv");
        Files.writeString(f, sb.toString());
        return f;
    }

    /** A two-series NAB corpus: a sine with a spike inside its window, and a flat series without windows. */
    private Path toyNab() throws IOException {
        Path nab = dir.resolve("nab");
        Files.createDirectories(nab.resolve("data/artificialWithAnomaly"));
        Files.createDirectories(nab.resolve("labels"));
        Files.createDirectories(nab.resolve("config"));
        StringBuilder a = new StringBuilder("timestamp,value\n");
        StringBuilder b = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 600; i++) {
            String ts = String.format("2014-04-%02d %02d:%02d:00", 1 + i / 1440, (i / 60) % 24, i % 60);
            a.append(ts).append(',').append(Math.sin(i / 10.0) + (i == 450 ? 8 : 0)).append('\n');
            b.append(ts).append(',').append(1.0).append('\n');
        }
        Files.writeString(nab.resolve("data/artificialWithAnomaly/spike.csv"), a);
        Files.writeString(nab.resolve("data/artificialWithAnomaly/flat.csv"), b);
        Files.writeString(nab.resolve("labels/combined_windows.json"), """
                {"artificialWithAnomaly/flat.csv": [],
                 "artificialWithAnomaly/spike.csv": [["2014-04-01 07:20:00.000000", "2014-04-01 07:49:00.000000"]]}
                """);
        Files.writeString(nab.resolve("config/profiles.json"), """
                {"standard": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}}}
                """);
        return nab;
    }

    @Test
    void tabularWritesReportAndPrCurvePlot() throws IOException {
        Path out = dir.resolve("out");
        int code = Main.run("evaluate", "tabular", "--data", toyCsv().toString(), "--out", out.toString(),
                "--seeds", "2");
        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(Files.readString(out.resolve("report.md"))).contains("| toy |", "rcf", "zscore");
        assertThat(out.resolve("tabular-toy-pr.png")).isNotEmptyFile();
    }

    @Test
    void nabWritesResultsInNabLayoutAndScoresThem() throws IOException {
        Path out = dir.resolve("nab-out");
        int code = Main.run("evaluate", "nab", "--data", toyNab().toString(), "--out", out.toString(),
                "--detectors", "zscore", "--plot-series", "artificialWithAnomaly/spike.csv");
        assertThat(code).isEqualTo(ExitCodes.OK);
        Path result = out.resolve("results/zscore/artificialWithAnomaly/zscore_spike.csv");
        List<String> lines = Files.readAllLines(result);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,label");
        assertThat(lines).hasSize(601);
        assertThat(lines.get(1 + 450)).startsWith("2014-04-01 07:30:00,").endsWith(",1");
        assertThat(out.resolve("results/zscore/zscore_standard_scores.csv")).isNotEmptyFile();
        assertThat(Files.readString(out.resolve("results/final_results.json"))).contains("\"zscore\"", "standard");
        assertThat(out.resolve("nab-artificialWithAnomaly-spike.png")).isNotEmptyFile();
    }

    @Test
    void regimesWritesItsCorpusAndRunsTheNabProtocolOnIt() throws IOException {
        Path out = dir.resolve("regimes-out");
        int code = Main.run("evaluate", "regimes", "--series", "2", "--seed", "3", "--out", out.toString(),
                "--detectors", "zscore");
        assertThat(code).isEqualTo(ExitCodes.OK);
        assertThat(out.resolve("corpus/labels/combined_windows.json")).isNotEmptyFile();
        assertThat(out.resolve("corpus/config/profiles.json")).isNotEmptyFile();
        List<String> lines = Files.readAllLines(out.resolve("results/zscore/regimes/zscore_regimes_02.csv"));
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score,label");
        assertThat(lines).hasSize(1 + io.earthmover.harness.eval.regimes.RegimeCorpus.ROWS);
        assertThat(lines.stream().filter(l -> l.endsWith(",1")).count()).isGreaterThan(0);
        assertThat(Files.readString(out.resolve("results/final_results.json")))
                .contains("\"zscore\"", "standard", "reward_low_FP_rate", "reward_low_FN_rate");
        assertThat(out.resolve("nab-regimes-regimes_01.png")).isNotEmptyFile();
        assertThat(Main.run("evaluate", "regimes", "--series", "0", "--out", dir.resolve("o").toString(),
                "--detectors", "zscore")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void unknownDetectorIsAUsageError() throws IOException {
        int code = Main.run("evaluate", "tabular", "--data", toyCsv().toString(), "--out", dir.resolve("o").toString(),
                "--detectors", "nope");
        assertThat(code).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void missingDataDirectoryIsAUsageError() {
        int code = Main.run("evaluate", "skab", "--data", dir.resolve("absent").toString(), "--out",
                dir.resolve("o").toString());
        assertThat(code).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void nabScoresWganWithTheServedAlarmScoreAndTheReportNamesTheProfileAndItsEffectiveKeys() throws IOException {
        Path out = dir.resolve("nab-wgan");
        assertThat(Main.run("evaluate", "nab", "--data", toyNab().toString(), "--out", out.toString(), "--detectors", "wgan",
                "--plot-series", "artificialWithAnomaly/spike.csv")).isEqualTo(ExitCodes.OK);
        double[] spike = scores(out.resolve("results/wgan/artificialWithAnomaly/wgan_spike.csv"));
        // alarmScore is in [0,1]; the spike at row 450 lies far outside the series' range: the range rule alarms at once
        assertThat(java.util.Arrays.stream(spike).allMatch(x -> x >= 0 && x <= 1)).isTrue();
        assertThat(spike[450]).isEqualTo(1.0);
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("profiles/univariate-series.properties (built in)", "features.window = 8",
                "train.iterations = 150", "alarm.signal = likelihood", "served `alarmScore`",
                // the flat series: its training rows are all equal, and that trains a model too
                "0 of 2 series/files had no model");
        // the series never departs from its constant: no alarm from the model or the range rule; the
        // frozen-value rule may alarm once, after the value has repeated for twice its training run (90)
        double[] flat = scores(out.resolve("results/wgan/artificialWithAnomaly/wgan_flat.csv"));
        int[] alarms = java.util.stream.IntStream.range(0, flat.length).filter(i -> flat[i] >= 0.5).toArray();
        assertThat(alarms.length).isLessThanOrEqualTo(1);
        assertThat(java.util.Arrays.stream(alarms).allMatch(i -> i > 2 * 90)).isTrue();
    }

    @Test
    void configFileReplacesTheProfileAndSetRanksAboveIt() throws IOException {
        Path cfg = dir.resolve("mine.properties");
        Files.writeString(cfg, "train.iterations=5\ntrain.critic.hidden=16\n");
        Path out = dir.resolve("tab-cfg");
        assertThat(Main.run("evaluate", "tabular", "--data", toyCsv().toString(), "--out", out.toString(), "--seeds", "1",
                "--detectors", "wgan", "--config", cfg.toString(), "--set", "train.iterations=7")).isEqualTo(ExitCodes.OK);
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("Configuration: `" + cfg + "`", "train.critic.hidden=16", "train.critic.hidden = 16",
                "train.iterations = 7", "features.window = 1", "served `critic` (negated)");
        assertThat(report).doesNotContain("(built in)");
    }

    @Test
    void unknownKeyInTheConfigFileIsAUsageErrorNamingIt() throws IOException {
        Path cfg = dir.resolve("bad.properties");
        Files.writeString(cfg, "train.iteration=5\n");
        int code = Main.run("evaluate", "tabular", "--data", toyCsv().toString(), "--out", dir.resolve("o").toString(),
                "--config", cfg.toString());
        assertThat(code).isEqualTo(ExitCodes.USAGE);
    }

    private static double[] scores(Path nabResult) throws IOException {
        return Files.readAllLines(nabResult).stream().skip(1).mapToDouble(x -> Double.parseDouble(x.split(",")[2]))
                .toArray();
    }
}
