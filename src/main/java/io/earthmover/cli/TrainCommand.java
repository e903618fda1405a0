package io.earthmover.cli;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.KafkaUnreachableException;
import io.earthmover.kafka.TopicRange;
import io.earthmover.record.FileRecords;
import io.earthmover.train.ConsoleProgress;
import io.earthmover.train.TrainJob;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code earthmover train}: the bounded training job. */
@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Train, gate and write (or publish) a model.",
        description = {"Train a model on normal data from a topic range (default: all of events-train) or a file,",
                "check it with the quality gate, write it to --model-out and, with --publish, to the models topic.",
                "Exit codes: 0 written (and published with --publish), 1 failed (bad data, a missing, unreadable",
                "or empty --input file, unreachable broker, missing topic), 2 bad usage, 3 refused by the quality",
                "gate. The last line says which (WRITTEN, PUBLISHED, FAILED, GATE_REJECTED) and why.",
                "Nothing is written or published unless the exit code is 0."})
public final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Topic to read (default: topics.train, events-train)")
    String topic;

    @ArgGroup(exclusive = true)
    RangeOptions range;

    static final class RangeOptions {
        @Option(names = "--offsets", paramLabel = "SPEC", description = "partition:from-to[,...]; from/to may be empty, e.g. 0:100-500,1:-")
        String offsets;

        @ArgGroup(exclusive = false)
        TimeRange time;

        @Option(names = "--last", paramLabel = "N", description = "The last N records of each partition")
        Integer last;
    }

    static final class TimeRange {
        @Option(names = "--from", paramLabel = "TIME", description = "Start time (epoch ms or ISO-8601), via offsetsForTimes")
        String from;

        @Option(names = "--to", paramLabel = "TIME", description = "End time (exclusive; epoch ms or ISO-8601)")
        String to;
    }

    @Option(names = "--input", paramLabel = "FILE", description = "Train offline from a CSV or JSONL file instead of a topic")
    Path input;

    @Mixin
    FileOptions fileOptions;

    @Option(names = "--model-out", paramLabel = "DIR", defaultValue = "models", description = "Directory for <version>.zip and its report (default: ${DEFAULT-VALUE})")
    Path modelOut;

    @Option(names = "--publish", description = "Also publish the bundle to the models topic (idempotent producer)")
    boolean publish;

    @Option(names = "--exclude-anomalies", description = "Leave out windows the current model flags as anomalies")
    boolean excludeAnomalies;

    @Option(names = "--feedback", paramLabel = "FILE", description = "Operator feedback to train with: one anomaly-feedback message a line"
            + " ({\"key\",\"id\",\"label\"}); records marked missed_anomaly are left out, records marked false_alarm kept"
            + " (default: from a topic, the whole topics.feedback topic when it exists; from --input, none)")
    Path feedback;

    @Option(names = "--current", paramLabel = "FILE", description = "Current model to gate against (default: newest on the models topic)")
    Path current;

    @Option(names = "--iterations", paramLabel = "N", description = "Shortcut for --set train.iterations=N")
    Integer iterations;

    @Option(names = "--window", paramLabel = "N", description = "Shortcut for --set features.window=N")
    Integer window;

    @Option(names = "--model-name", paramLabel = "NAME", description = {"Shortcut for --set model.name=NAME: the key the model is",
            "published under and gated against (a routed scorer serves each name as its own model)"})
    String modelName;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "PT30S", description = "Kafka timeout (ISO-8601, default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--quiet", description = "No progress output")
    boolean quiet;

    @Override
    public Integer call() {
        Map<String, String> o = new LinkedHashMap<>();
        if (iterations != null) {
            o.put(ConfigKeys.TRAIN_ITERATIONS.name(), String.valueOf(iterations));
        }
        if (window != null) {
            o.put(ConfigKeys.FEATURES_WINDOW.name(), String.valueOf(window));
        }
        if (modelName != null) {
            o.put(ConfigKeys.MODEL_NAME.name(), modelName);
        }
        EarthmoverConfig cfg = configOptions.load(o);
        if (input != null && (topic != null || range != null)) {
            throw new UserException("--input trains from a file: it cannot be combined with --topic or a range");
        }
        TopicRange r = TopicRange.all();
        try {
            if (range != null && range.offsets != null) {
                r = TopicRange.offsets(range.offsets);
            } else if (range != null && range.last != null) {
                r = TopicRange.last(range.last);
            } else if (range != null && range.time != null) {
                r = TopicRange.time(range.time.from == null ? null : FileRecords.parseTime(range.time.from),
                        range.time.to == null ? null : FileRecords.parseTime(range.time.to));
            }
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        FileRecords.Options files;
        try {
            files = input == null ? fileOptions.toOptions() : fileOptions.forInput(input);
            if (input == null || publish) {
                ConfigOptions.awaitKafka(cfg);
            }
        } catch (UserException | KafkaUnreachableException e) {
            // the job's own status line and exit code: input and broker problems are failures of the run
            System.out.println(TrainJob.Status.FAILED + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TrainJob job = new TrainJob(cfg, registry, quiet ? null : new ConsoleProgress());
        TrainJob.Result res = job.run(new TrainJob.Request(input == null ? (topic == null ? cfg.get(ConfigKeys.TOPIC_TRAIN) : topic) : null,
                r, input, files, modelOut, publish, excludeAnomalies, current, timeout, feedback));
        System.out.println(res.status() + ": " + res.message());
        return switch (res.status()) {
            case PUBLISHED, WRITTEN -> ExitCodes.OK;
            case GATE_REJECTED -> ExitCodes.GATE_REJECTED;
            case FAILED -> ExitCodes.FAILURE;
        };
    }
}
