package io.earthmover.harness.cli;

import io.earthmover.cli.ConfigOptions;
import io.earthmover.cli.ExitCodes;
import io.earthmover.cli.UserException;
import io.earthmover.harness.eval.BenchmarkReport;
import io.earthmover.harness.eval.DetectorFactory;
import io.earthmover.harness.eval.Detectors;
import io.earthmover.harness.eval.Profile;
import io.earthmover.harness.eval.RcfDetectorFactory;
import io.earthmover.harness.eval.ServedField;
import io.earthmover.harness.eval.ViaKafka;
import io.earthmover.harness.eval.WganDetectorFactory;
import io.earthmover.harness.eval.nab.NabBenchmark;
import io.earthmover.harness.eval.regimes.RegimeCorpus;
import io.earthmover.harness.eval.skab.SkabBenchmark;
import io.earthmover.harness.eval.skab.SkabEvaluator;
import io.earthmover.harness.eval.tabular.TabularBenchmark;
import io.earthmover.harness.eval.tabular.TabularEvaluator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code earthmover evaluate nab|regimes|skab|tabular}: labelled benchmarks, all detectors side by side. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "Compare detectors on labelled benchmarks (NAB, SKAB, tabular, ...).",
        description = {"Evaluate detectors on labelled benchmarks (NAB, SKAB, ADBench-style CSV): prints a table",
                "and writes a Markdown report with PNG plots under --out. wgan is the product: trained by the training",
                "job and scored by the service's processing with --config FILE, by default the benchmark's profile",
                "(profiles/univariate-series, multivariate-sensors, tabular .properties)."},
        subcommands = {EvaluateCommand.Nab.class, EvaluateCommand.Regimes.class, EvaluateCommand.Skab.class,
                EvaluateCommand.Tabular.class,
                EvaluateKeysCommand.class})
public final class EvaluateCommand implements Runnable {
    static final String DEFAULT_DETECTORS = "wgan,rcf,zscore";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Options every benchmark shares. */
    static class Common {
        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--detectors", paramLabel = "NAMES", defaultValue = DEFAULT_DETECTORS,
                description = "Comma-separated detectors, all run on the same data (default: ${DEFAULT-VALUE})")
        String detectors;

        @Option(names = "--rcf-shingle-size", paramLabel = "N", defaultValue = "" + RcfDetectorFactory.DEFAULT_SHINGLE_SIZE,
                description = "Shingle size of rcf on time series (default: ${DEFAULT-VALUE})")
        int rcfShingleSize;

        @Option(names = "--wgan-retrain-every", paramLabel = "ROWS", defaultValue = "" + WganDetectorFactory.DEFAULT_RETRAIN_EVERY,
                description = "On time series, rerun wgan's training job every ROWS scored rows on the rows seen so far "
                        + "and swap an accepted model in; 0 = never (default: ${DEFAULT-VALUE})")
        int wganRetrainEvery;

        /**
         * The detectors, wgan configured with {@code --config} or else the benchmark's shipped
         * profile (plus {@code EARTHMOVER_*} and {@code --set}); prints that configuration.
         */
        List<DetectorFactory> factories(String profile, ServedField field, boolean viaKafka) {
            Profile p;
            List<DetectorFactory> f;
            WganDetectorFactory wgan;
            try {
                p = Profile.of(configOptions.configFile(), profile);
                wgan = new WganDetectorFactory(p, configOptions.loadWithDefaultFile(p.settings(), Map.of()), field, wganRetrainEvery, viaKafka);
                f = Detectors.builtIn(rcfShingleSize, wgan).resolve(detectors);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            if (viaKafka && !f.contains(wgan)) {
                throw new UserException("--via-kafka sends wgan's records through the scorer: add wgan to --detectors");
            }
            if (f.contains(wgan)) {
                System.out.println("wgan configuration: " + p.source() + "\n" + Profile.effectiveKeys(wgan.config()));
            }
            return f;
        }

        static int finish(String name, List<DetectorFactory> detectors, Supplier<BenchmarkReport> run) {
            BenchmarkReport r;
            try {
                r = run.get();
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new UserException(e.getMessage(), e);
            }
            System.out.println();
            System.out.print(r.consoleTable());
            detectors.stream().filter(WganDetectorFactory.class::isInstance)
                    .forEach(w -> System.out.println("wgan: " + ((WganDetectorFactory) w).outcome()));
            System.out.printf("%n%s: %.1f s wall time; report %s%n", name, r.seconds(), r.reportFile().toAbsolutePath());
            return ExitCodes.OK;
        }
    }

    /** Options of the time-series benchmarks, which can also go through Kafka. */
    abstract static class TimeSeries extends Common {
        @Option(names = "--via-kafka", description = "Send wgan's records through the real Kafka path (embedded broker, "
                + "scorer topology) and check every served field equals the in-process output; rcf and zscore stay in-process")
        boolean viaKafka;

        /** An embedded broker and scorer for --via-kafka, or null. */
        ViaKafka kafka() {
            return viaKafka ? ViaKafka.start() : null;
        }

        /** What {@code evaluate nab} runs on a NAB-layout corpus; {@code evaluate regimes} runs it on its own. */
        int nab(String name, Path corpus, Path out, String plotSeries) {
            List<DetectorFactory> f = factories(Profile.UNIVARIATE_SERIES, ServedField.ALARM_SCORE, viaKafka);
            try (ViaKafka k = kafka()) {
                return finish(name, f, () -> NabBenchmark.run(corpus, f, out, plotSeries, k));
            }
        }
    }

    @Command(name = "nab", mixinStandardHelpOptions = true,
            description = {"NAB: 58 univariate series, online protocol, NAB scorer (3 profiles, normalised).",
                    "wgan's score: the served alarmScore; its configuration: --config, else profiles/univariate-series.properties."})
    static final class Nab extends TimeSeries implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "DIR",
                description = "NAB directory (with data/, labels/, config/) or a directory containing nab/")
        Path data;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "eval-out/nab",
                description = "Output directory (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--plot-series", paramLabel = "CATEGORY/NAME.csv", defaultValue = NabBenchmark.DEFAULT_PLOT_SERIES,
                description = "Series to plot (default: ${DEFAULT-VALUE})")
        String plotSeries;

        @Override
        public Integer call() {
            Path dir = Files.isDirectory(data.resolve("nab/labels")) ? data.resolve("nab") : data;
            return nab("nab", dir, out, plotSeries);
        }
    }

    @Command(name = "regimes", mixinStandardHelpOptions = true,
            description = {"Generated series with regime changes: writes a seeded NAB-layout corpus under --out/corpus",
                    "(a common and a rare but consistent regime, the rare one also in the first 15 %; anomalies inside the",
                    "training range, regime switches unlabelled), then runs exactly what nab runs on it.",
                    "wgan's score: the served alarmScore; its configuration: --config, else profiles/univariate-series.properties."})
    static final class Regimes extends TimeSeries implements Callable<Integer> {
        @Option(names = "--out", paramLabel = "DIR", defaultValue = "eval-out/regimes",
                description = "Output directory; the corpus goes to DIR/corpus (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
                description = "Seed of the generated corpus (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--series", paramLabel = "N", defaultValue = "10",
                description = "Number of series, " + RegimeCorpus.ROWS + " records each (default: ${DEFAULT-VALUE})")
        int series;

        @Option(names = "--plot-series", paramLabel = "CATEGORY/NAME.csv", defaultValue = "regimes/regimes_01.csv",
                description = "Series to plot (default: ${DEFAULT-VALUE})")
        String plotSeries;

        @Override
        public Integer call() {
            Path corpus = out.resolve("corpus");
            try {
                RegimeCorpus.write(corpus, RegimeCorpus.generate(seed, series));
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new UserException(e.getMessage(), e);
            }
            System.out.println("regimes: " + series + " series (seed " + seed + ") written to " + corpus.toAbsolutePath());
            return nab("regimes", corpus, out, plotSeries);
        }
    }

    @Command(name = "skab", mixinStandardHelpOptions = true,
            description = {"SKAB: outlier protocol (first 400 rows train) and a track also training on anomaly-free.csv.",
                    "wgan's prediction: the served anomaly; its configuration: --config, else profiles/multivariate-sensors.properties."})
    static final class Skab extends TimeSeries implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "DIR",
                description = "SKAB directory (skab/ or skab/data/) or a directory containing skab/")
        Path data;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "eval-out/skab",
                description = "Output directory (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--quantile", paramLabel = "Q", defaultValue = "" + SkabEvaluator.DEFAULT_QUANTILE,
                description = "rcf and zscore only (wgan's prediction is the service's anomaly field): threshold = this "
                        + "quantile of out-of-sample training-row scores (default: ${DEFAULT-VALUE})")
        double quantile;

        @Override
        public Integer call() {
            Path dir = Files.isDirectory(data.resolve("skab")) ? data.resolve("skab") : data;
            List<DetectorFactory> f = factories(Profile.MULTIVARIATE_SENSORS, ServedField.ANOMALOUS, viaKafka);
            try (ViaKafka k = kafka()) {
                return finish("skab", f, () -> SkabBenchmark.run(dir, f, out, quantile, k));
            }
        }
    }

    @Command(name = "tabular", mixinStandardHelpOptions = true,
            description = {"ADBench-style CSV (f0..fN,label): semi-supervised, ROC-AUC and PR-AUC over seeds.",
                    "wgan's ranking: the served critic; its configuration: --config, else profiles/tabular.properties."})
    static final class Tabular extends Common implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "FILE_OR_DIR",
                description = "CSV file(s) (repeatable) or a directory of them")
        List<Path> data;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "eval-out/tabular",
                description = "Output directory (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--seeds", paramLabel = "N", defaultValue = "" + TabularEvaluator.DEFAULT_SEEDS,
                description = "Number of seeds (default: ${DEFAULT-VALUE})")
        int seeds;

        @Option(names = "--train-share", paramLabel = "F", defaultValue = "" + TabularEvaluator.DEFAULT_TRAIN_SHARE,
                description = "Share of the normal rows used for training (default: ${DEFAULT-VALUE})")
        double trainShare;

        @Override
        public Integer call() {
            List<Path> files = new ArrayList<>();
            for (Path p : data) {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> s = Files.list(p)) {
                        s.filter(x -> x.toString().endsWith(".csv")).sorted().forEach(files::add);
                    } catch (IOException e) {
                        throw new UserException("cannot list " + p, e);
                    }
                } else {
                    files.add(p);
                }
            }
            if (files.isEmpty()) {
                throw new UserException("no CSV files in " + data);
            }
            List<DetectorFactory> f = factories(Profile.TABULAR, ServedField.NEGATED_CRITIC, false);
            return finish("tabular", f, () -> TabularBenchmark.run(files, f, out, seeds, trainShare));
        }
    }
}
