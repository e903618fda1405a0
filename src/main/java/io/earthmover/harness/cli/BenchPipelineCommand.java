package io.earthmover.harness.cli;

import io.earthmover.cli.ConfigOptions;
import io.earthmover.cli.ExitCodes;
import io.earthmover.cli.UserException;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.bench.LayerCosts;
import io.earthmover.harness.bench.PipelineBenchmark;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code earthmover bench pipeline}: the scoring topology against a JSON passthrough topology on
 * the embedded broker, same settings, same run, at-least-once and exactly-once; the engine is
 * {@link PipelineBenchmark}.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = {"Throughput of (a) a JSON passthrough topology and (b) the scoring topology over the same",
                "pre-produced records on the embedded broker, at-least-once and exactly-once, their ratio (b)/(a)",
                "and each one's stream-thread CPU per record (steadier than throughput where the broker shares the cores),",
                "p50/p99 end-to-end latency of (a) and of (b) at the same offered load (half the maximum of (b)),",
                "and heap and RSS. Both run with the scorer's Streams settings (defaults, or --set/--config),",
                "on an embedded broker of their own.",
                "Prints figures."})
public final class BenchPipelineCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--records", defaultValue = "1000000", description = "Records per run (default ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--features", defaultValue = "8", description = "Features per record, 8 to 32 (default ${DEFAULT-VALUE})")
    int features;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the input topic (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(names = "--latency-seconds", defaultValue = "20", description = "Duration of each fixed-load latency run (default ${DEFAULT-VALUE})")
    int latencySeconds;

    @Option(names = "--guarantees", defaultValue = "at_least_once,exactly_once_v2", split = ",",
            description = "Processing guarantees to run (default ${DEFAULT-VALUE})")
    List<String> guarantees;

    @Option(names = "--variant", paramLabel = "KEY=VALUE[,KEY=VALUE...]",
            description = {"A tuning change to measure after the defaults, under each guarantee, in the same run;",
                    "repeatable (e.g. --variant kafka.producer.linger.ms=1 --variant scorer.commit.interval.ms=200)"})
    List<String> variants = new ArrayList<>();

    @Option(names = "--layer-costs", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Also run, after the defaults (the served configuration: alarm layer and inspection on), the same",
                    "topology without the inspection stores and without both, and print what each layer costs;",
                    "--no-layer-costs skips them (default: on)"})
    boolean layerCosts;

    @Option(names = "--models", defaultValue = "1", description = {"With N > 1, also the scoring topology routing the same records",
            "across N models (routing.mode=table, the load's keys spread over them), its throughput next to",
            "one model's from the same run (default ${DEFAULT-VALUE})"})
    int models;

    @Override
    public Integer call() throws Exception {
        if (models < 1 || models > 64) {
            throw new UserException("--models must be from 1 to 64 (the load has 64 keys)");
        }
        if (features < 1 || records < 1000 || partitions < 1 || latencySeconds <= PipelineBenchmark.WARM_UP_SECONDS) {
            throw new UserException("--features and --partitions must be positive, --records at least 1000 and --latency-seconds more than "
                    + PipelineBenchmark.WARM_UP_SECONDS);
        }
        if (configOptions.namesBootstrapServers()) {
            // its fixed topic names would meet those of an earlier run on a shared broker
            throw new UserException("bench pipeline runs on its own embedded broker: --bootstrap-servers and"
                    + " kafka.bootstrap.servers are not taken");
        }
        System.out.printf("bench pipeline: %,d records of %d features, %d partitions, 1 stream thread%n", records, features, partitions);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults().withPort(0))) {
            EarthmoverConfig cfg = configOptions.load(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()));
            List<PipelineBenchmark.Row> rows = new PipelineBenchmark(
                    new PipelineBenchmark.Settings(records, features, partitions, latencySeconds, guarantees, parseVariants(), models), cfg).run();
            System.out.println();
            System.out.println("| guarantee | settings | passthrough rec/s | scoring rec/s | ratio | offered rec/s | passthrough p50 / p99 |"
                    + " scoring p50 / p99 | p99 scoring / passthrough | p99 target |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (PipelineBenchmark.Row r : rows) {
                System.out.println(row(r));
            }
            if (models > 1) {
                System.out.println();
                System.out.println("| guarantee | settings | scoring, 1 model rec/s | scoring, " + models + " models rec/s | " + models
                        + " models / 1 model |");
                System.out.println("|---|---|---|---|---|");
                for (PipelineBenchmark.Row r : rows) {
                    System.out.println(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.3f |", r.guarantee(), r.variant(),
                            r.scoringPerSecond(), r.routedPerSecond(), r.routedPerSecond() / r.scoringPerSecond()));
                }
            }
            if (layerCosts) {
                System.out.println();
                LayerCosts.describe(rows).forEach(System.out::println);
                System.out.println("(each row's ratio is to its own passthrough, measured just before it; rows ran in the order"
                        + " of the table: --no-layer-costs --set ... --variant ... runs them in another)");
            }
            memory();
        }
        return ExitCodes.OK;
    }

    private static String row(PipelineBenchmark.Row r) {
        PipelineBenchmark.Latency a = r.passthroughLatency();
        PipelineBenchmark.Latency b = r.scoringLatency();
        boolean eos = r.guarantee().startsWith("exactly");
        String target = eos ? "<= 2 x commit interval = " + 2 * r.commitIntervalMs() + " ms" : "<= 50 ms and <= 1.5 x passthrough";
        return String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.2f | %,.0f | %d / %d ms | %d / %d ms | %.2f | %s |",
                r.guarantee(), r.variant(), r.passthroughPerSecond(), r.scoringPerSecond(), r.scoringPerSecond() / r.passthroughPerSecond(), b.offered(),
                a.p50(), a.p99(), b.p50(), b.p99(), a.p99() > 0 ? (double) b.p99() / a.p99() : Double.NaN, target);
    }

    private List<Map<String, String>> parseVariants() {
        List<Map<String, String>> out = new ArrayList<>();
        for (String v : variants) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String kv : v.split(",")) {
                int eq = kv.indexOf('=');
                if (eq < 1) {
                    throw new UserException("--variant wants KEY=VALUE[,KEY=VALUE...], got '" + v + "'");
                }
                m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
            out.add(m);
        }
        if (layerCosts) {
            out.addAll(LayerCosts.variants());
        }
        return out;
    }

    private static void memory() throws Exception {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        System.out.printf("heap after GC %.0f MB; %s (this JVM runs the broker, producers and both topologies)%n",
                heap / 1e6, rss);
    }
}
