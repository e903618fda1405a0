package io.earthmover.cli;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.score.ScorerApp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
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
                "Records wait in Kafka until a model is loaded from the models topic and/or --model-file."})
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

    @Override
    public Integer call() throws InterruptedException {
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
}
