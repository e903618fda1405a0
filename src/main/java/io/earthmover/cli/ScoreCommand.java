package io.earthmover.cli;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.model.InvalidModelException;
import io.earthmover.model.ModelBundle;
import io.earthmover.record.ErrorCode;
import io.earthmover.record.FileRecords;
import io.earthmover.score.OfflineScorer;
import io.earthmover.score.ScorerApp;
import io.earthmover.score.ScorerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code earthmover score}: the Kafka Streams scoring service. */
@Command(name = "score", mixinStandardHelpOptions = true,
        header = "Score events-in into anomaly-scores, bad records to the DLQ.",
        description = {"Score every record on the input topic (events-in) with the current model and write calibrated",
                "scores to anomaly-scores and bad records to events-dlq. Runs until Ctrl-C or SIGTERM.",
                "Records wait in Kafka until a model is loaded from the models topic and/or --model-file.",
                "With --input FILE it scores a CSV or JSONL file offline instead, through exactly the service's",
                "processing (per-key windows, alarm layer), and writes one score JSON per line (no broker needed)."})
public final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--model-file", paramLabel = "FILE", description = "Load the model from this bundle (sets scorer.model.source=file unless set to both)")
    Path modelFile;

    @Option(names = "--application-id", paramLabel = "ID", description = "Kafka Streams application.id (scorer.application.id)")
    String applicationId;

    @Option(names = "--threads", paramLabel = "N", description = "Stream threads (scorer.stream.threads)")
    Integer threads;

    @Option(names = "--model-wait", paramLabel = "DURATION", defaultValue = "P365D",
            description = "Give up if no model arrives within this ISO-8601 duration (default: wait)")
    Duration modelWait;

    @Option(names = "--input", paramLabel = "FILE", description = "Score this CSV or JSONL file offline (needs --model-file) instead of the input topic")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "With --input: write the score JSON lines here (default: standard output)")
    Path output;

    @Mixin
    FileOptions fileOptions;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (input != null) {
            return offline();
        }
        if (output != null) {
            throw new UserException("--output is for offline scoring: give --input FILE too");
        }
        Map<String, String> o = new LinkedHashMap<>();
        if (modelFile != null) {
            o.put(ConfigKeys.SCORER_MODEL_FILE.name(), modelFile.toString());
            if (!configOptions.settings.containsKey(ConfigKeys.SCORER_MODEL_SOURCE.name())) {
                o.put(ConfigKeys.SCORER_MODEL_SOURCE.name(), "file");
            }
        }
        if (applicationId != null) {
            o.put(ConfigKeys.SCORER_APP_ID.name(), applicationId);
        }
        if (threads != null) {
            o.put(ConfigKeys.SCORER_THREADS.name(), String.valueOf(threads));
        }
        EarthmoverConfig cfg = configOptions.load(o);
        ConfigOptions.awaitKafka(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "scorer-shutdown"));
        app.start(modelWait);
        System.out.println("scorer running; metrics on http://" + cfg.get(ConfigKeys.METRICS_HOST) + ":" + app.httpPort() + "/metrics");
        System.out.flush();
        stopped.await();
        return ExitCodes.OK;
    }

    /** {@code score --input}: the service's processing over a file, scores out as JSON lines, dead letters on stderr. */
    private int offline() throws IOException {
        if (modelFile == null) {
            throw new UserException("--input scores offline with one model: give --model-file FILE");
        }
        EarthmoverConfig cfg = configOptions.load(Map.of());
        ModelBundle model;
        try {
            model = ModelBundle.read(modelFile);
        } catch (InvalidModelException e) {
            throw new UserException("model " + modelFile + " refused: " + e.getMessage());
        }
        OfflineScorer scorer = new OfflineScorer(
                ScorerSettings.from(cfg), model, Clock.systemUTC());
        long[] counts = new long[3];
        Map<ErrorCode, Long> codes = new EnumMap<>(ErrorCode.class);
        try (OutputStream out = output == null ? new FileOutputStream(FileDescriptor.out)
                : Files.newOutputStream(output);
             BufferedOutputStream buf = new BufferedOutputStream(out, 1 << 16)) {
            FileRecords.read(input, fileOptions.toOptions(), r -> {
                counts[0]++;
                // a record without a time gets its line number as its Kafka timestamp, so the order is the file's
                var o = scorer.process(r.key(), r.value(), r.ts() >= 0 ? r.ts() : counts[0]);
                try {
                    if (o.scored()) {
                        buf.write(o.json());
                        buf.write('\n');
                        counts[1]++;
                    } else {
                        counts[2]++;
                        codes.merge(o.code(), 1L, Long::sum);
                        System.err.println("record " + counts[0] + " dead-lettered: " + o.code() + ": " + o.message());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        System.err.println(counts[0] + " records read, " + counts[1] + " score lines written" + (output == null ? "" : " into " + output)
                + ", " + counts[2] + " dead-lettered" + (codes.isEmpty() ? "" : " " + codes) + "; model " + model.version());
        return ExitCodes.OK;
    }
}
