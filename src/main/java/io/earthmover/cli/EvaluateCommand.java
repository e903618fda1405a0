package io.earthmover.cli;

import io.earthmover.harness.eval.BenchmarkReport;
import io.earthmover.harness.eval.DetectorFactory;
import io.earthmover.harness.eval.Detectors;
import io.earthmover.harness.eval.RcfDetectorFactory;
import io.earthmover.harness.eval.ViaKafka;
import io.earthmover.harness.eval.WganDetectorFactory;
import io.earthmover.harness.eval.nab.NabBenchmark;
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
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code earthmover evaluate nab|skab|tabular}: labelled benchmarks, all detectors side by side. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "Compare detectors on labelled benchmarks (NAB, SKAB, tabular).",
        description = {"Evaluate detectors on labelled benchmarks (NAB, SKAB, ADBench-style CSV): prints a table",
                "and writes a Markdown report with PNG plots under --out."},
        subcommands = {EvaluateCommand.Nab.class, EvaluateCommand.Skab.class, EvaluateCommand.Tabular.class})
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
        @Option(names = "--detectors", paramLabel = "NAMES", defaultValue = DEFAULT_DETECTORS,
                description = "Comma-separated detectors, all run on the same data (default: ${DEFAULT-VALUE})")
        String detectors;

        @Option(names = "--rcf-shingle-size", paramLabel = "N", defaultValue = "" + RcfDetectorFactory.DEFAULT_SHINGLE_SIZE,
                description = "Shingle size of rcf on time series (default: ${DEFAULT-VALUE})")
        int rcfShingleSize;

        @Option(names = "--wgan-retrain-every", paramLabel = "ROWS", defaultValue = "" + WganDetectorFactory.DEFAULT_RETRAIN_EVERY,
                description = "On time series, retrain wgan every ROWS scored rows on the rows seen so far; 0 = never (default: ${DEFAULT-VALUE})")
        int wganRetrainEvery;

        List<DetectorFactory> factories() {
            return factories(false, WganDetectorFactory.Output.TAIL);
        }

        List<DetectorFactory> factories(boolean viaKafka, WganDetectorFactory.Output wganOutput) {
            List<DetectorFactory> f;
            try {
                f = Detectors.builtIn(rcfShingleSize, new WganDetectorFactory(wganRetrainEvery, viaKafka, wganOutput))
                        .resolve(detectors);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            if (viaKafka && f.stream().noneMatch(x -> x.name().equals(WganDetectorFactory.NAME))) {
                throw new UserException("--via-kafka replays the wgan detector through the scorer: add wgan to --detectors");
            }
            return f;
        }

        static int finish(String name, Supplier<BenchmarkReport> run) {
            BenchmarkReport r;
            try {
                r = run.get();
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new UserException(e.getMessage(), e);
            }
            System.out.println();
            System.out.print(r.consoleTable());
            System.out.printf("%n%s: %.1f s wall time; report %s%n", name, r.seconds(), r.reportFile().toAbsolutePath());
            return ExitCodes.OK;
        }
    }

    /** Options of the time-series benchmarks, which can also go through Kafka. */
    abstract static class TimeSeries extends Common {
        @Option(names = "--via-kafka", description = "Score wgan through the real Kafka path (embedded broker, scorer "
                + "topology) and check the scores equal the in-process ones; rcf and zscore stay in-process")
        boolean viaKafka;

        /** An embedded broker and scorer for --via-kafka, or null. */
        ViaKafka kafka() {
            return viaKafka ? ViaKafka.start() : null;
        }
    }

    @Command(name = "nab", mixinStandardHelpOptions = true,
            description = "NAB: 58 univariate series, online protocol, NAB scorer (3 profiles, normalised).")
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

        @Option(names = "--wgan-output", paramLabel = "KIND", defaultValue = "likelihood",
                description = "wgan's score: likelihood (Numenta's anomaly likelihood of the critic's surprise) or tail "
                        + "(the calibrated score) (default: ${DEFAULT-VALUE})")
        WganDetectorFactory.Output wganOutput;

        @Override
        public Integer call() {
            Path dir = Files.isDirectory(data.resolve("nab/labels")) ? data.resolve("nab") : data;
            List<DetectorFactory> f = factories(viaKafka, wganOutput);
            try (ViaKafka k = kafka()) {
                return finish("nab", () -> NabBenchmark.run(dir, f, out, plotSeries, k));
            }
        }
    }

    @Command(name = "skab", mixinStandardHelpOptions = true,
            description = "SKAB: outlier protocol (first 400 rows train) and a track also training on anomaly-free.csv.")
    static final class Skab extends TimeSeries implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "DIR",
                description = "SKAB directory (skab/ or skab/data/) or a directory containing skab/")
        Path data;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = "eval-out/skab",
                description = "Output directory (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--quantile", paramLabel = "Q", defaultValue = "" + SkabEvaluator.DEFAULT_QUANTILE,
                description = "Threshold = this quantile of out-of-sample training-row scores (default: ${DEFAULT-VALUE})")
        double quantile;

        @Override
        public Integer call() {
            Path dir = Files.isDirectory(data.resolve("skab")) ? data.resolve("skab") : data;
            // the threshold rule needs out-of-sample training-row scores, which only the tail mapping has
            List<DetectorFactory> f = factories(viaKafka, WganDetectorFactory.Output.TAIL);
            try (ViaKafka k = kafka()) {
                return finish("skab", () -> SkabBenchmark.run(dir, f, out, quantile, k));
            }
        }
    }

    @Command(name = "tabular", mixinStandardHelpOptions = true,
            description = "ADBench-style CSV (f0..fN,label): semi-supervised, ROC-AUC and PR-AUC over seeds.")
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
            List<DetectorFactory> f = factories();
            return finish("tabular", () -> TabularBenchmark.run(files, f, out, seeds, trainShare));
        }
    }
}
