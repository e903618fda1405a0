package io.earthmover.train;

import io.earthmover.alarm.AlarmPolicy;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.FeatureSchema;
import io.earthmover.features.Featuriser;
import io.earthmover.features.Normaliser;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.ModelTopic;
import io.earthmover.kafka.TopicRange;
import io.earthmover.kafka.TopicReader;
import io.earthmover.metrics.MetricNames;
import io.earthmover.metrics.PushGateway;
import io.earthmover.model.FastScorer;
import io.earthmover.model.InvalidModelException;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import io.earthmover.record.ErrorCode;
import io.earthmover.record.FileRecords;
import io.earthmover.record.RecordParser;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded training job: read normal data (a topic range or a file), sample windows, train,
 * pass the quality gate, write the bundle and optionally publish it. It never publishes a model
 * that failed training or the gate.
 */
public final class TrainJob {
    /** The least time the training records must span for {@code features.time.of.day} to be used: one day. */
    static final long MIN_TIME_OF_DAY_SPAN_MS = 86_400_000L;

    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
    public static final String PUSH_JOB = "earthmover-train";

    /** PUBLISHED: written and sent to the models topic; WRITTEN: written to the model directory only. */
    public enum Status { PUBLISHED, WRITTEN, GATE_REJECTED, FAILED }

    /**
     * What to train on and where the result goes.
     *
     * @param topic            topic to read, or null when {@code inputFile} is set
     * @param currentModelFile the model to compare with; null = the newest on the models topic (when Kafka is used)
     */
    public record Request(String topic, TopicRange range, Path inputFile, FileRecords.Options fileOptions, Path modelOut,
                          boolean publish, boolean excludeAnomalies, Path currentModelFile, Duration kafkaTimeout,
                          Path feedbackFile) {
        /** A request without a feedback file: from a topic, the feedback topic is read; from a file, none is used. */
        public Request(String topic, TopicRange range, Path inputFile, FileRecords.Options fileOptions, Path modelOut,
                boolean publish, boolean excludeAnomalies, Path currentModelFile, Duration kafkaTimeout) {
            this(topic, range, inputFile, fileOptions, modelOut, publish, excludeAnomalies, currentModelFile, kafkaTimeout, null);
        }
    }

    /** The outcome; bundle and file are set when a model was written. */
    public record Result(Status status, String message, ModelBundle bundle, Path bundleFile,
                         QualityGate.Decision decision, Map<String, Object> data) {
    }

    private final EarthmoverConfig config;
    private final PrometheusMeterRegistry registry;
    private final TrainingListener listener;
    private final TrainingMeters meters;
    private final AtomicLong lastSuccess = new AtomicLong();

    public TrainJob(EarthmoverConfig config, PrometheusMeterRegistry registry, TrainingListener listener) {
        this.config = config;
        this.registry = registry;
        this.listener = listener;
        this.meters = new TrainingMeters(registry);
        Gauge.builder(MetricNames.TRAIN_LAST_SUCCESS, lastSuccess, a -> a.get() == 0 ? Double.NaN : a.get())
                .description(MetricNames.TRAIN_LAST_SUCCESS_DESC).register(registry);
    }

    public Result run(Request req) {
        Result r;
        try {
            r = doRun(req);
        } catch (IllegalStateException | IllegalArgumentException e) {
            r = new Result(Status.FAILED, e.getMessage(), null, null, null, Map.of());
        } catch (IOException e) {
            r = new Result(Status.FAILED, req.inputFile() == null ? String.valueOf(e.getMessage())
                    : FileRecords.whyUnreadable(req.inputFile(), e), null, null, null, Map.of());
        }
        if (r.status() == Status.PUBLISHED || r.status() == Status.WRITTEN) {
            lastSuccess.set(Instant.now().getEpochSecond());
        }
        if (r.status() != Status.GATE_REJECTED && r.decision() == null) {
            gateCounter("failed").increment();
        }
        String push = config.get(ConfigKeys.METRICS_PUSHGATEWAY);
        if (!push.isEmpty()) {
            new PushGateway(push, PUSH_JOB).push(registry);
        }
        return r;
    }

    private Counter gateCounter(String decision) {
        return Counter.builder(MetricNames.TRAIN_GATE).description(MetricNames.TRAIN_GATE_DESC)
                .tag(MetricNames.TAG_DECISION, decision).register(registry);
    }

    private Result doRun(Request req) throws IOException {
        // one OpenMP thread: ~3x faster than ND4J's default for these small networks, steadier beside Kafka threads
        LOG.info("{}", Nd4jRuntime.configure(1));
        TrainingSettings settings = TrainingSettings.from(config);
        ModelBundle current = currentModel(req);
        boolean timeOfDay = config.get(ConfigKeys.FEATURES_TIME_OF_DAY);
        if (timeOfDay && settings.conditional()) {
            // the conditional model's newest-record layout was built and measured without derived features
            throw new io.earthmover.config.ConfigException(ConfigKeys.FEATURES_TIME_OF_DAY.name(),
                    "cannot be combined with train.conditional=true");
        }
        // a retrain keeps the serving model's features, derived ones included: the scorer refuses a swap that changes
        // them (that takes a new application.id), and a retrain job must be able to replace the model it runs beside
        FeatureSchema schema = current == null ? null : current.schema();
        if (current != null && current.schema().timeOfDay() != timeOfDay) {
            LOG.warn("features.time.of.day={} but the current model {} them: the new model keeps the current model's features",
                    timeOfDay, current.schema().timeOfDay() ? "has" : "has not");
        }
        int history = new Featuriser(FeatureSchema.positional(1), settings.window(), settings.differences(),
                Normaliser.of(Normaliser.STANDARD, new double[] {0}, new double[] {1})).historyLength();
        // a file is CSV/JSONL replayed as JSON; a topic is read in input.format
        io.earthmover.record.RecordDecoder decoder = req.inputFile() != null
                ? new RecordParser(config.get(ConfigKeys.RECORD_MAX_BYTES), RecordParser.DEFAULT_MAX_DEPTH)
                : io.earthmover.format.InputSettings.from(config).decoder(config.get(ConfigKeys.RECORD_MAX_BYTES));
        TrainingFeedback feedback = feedback(req);
        WindowSampler sampler = new WindowSampler(decoder, schema, history, config.get(ConfigKeys.TRAIN_MAX_ROWS), settings.seed(),
                config.get(ConfigKeys.FEATURES_KEY_STANDARDISE), feedback, timeOfDay);
        Map<String, Object> data = new LinkedHashMap<>();
        try {
            if (req.inputFile() != null) {
                data.put("source", "file");
                data.put("file", req.inputFile().getFileName().toString());
                FileRecords.read(req.inputFile(), req.fileOptions(), f -> sampler.offer(f.key(), f.value(), Math.max(0, f.ts())));
            } else {
                TopicReader.Stats s = new TopicReader(KafkaProps.consumer(config), req.kafkaTimeout()).read(req.topic(), req.range(),
                        r -> sampler.offer(r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(), r.timestamp()));
                data.put("source", "topic");
                data.put("topic", s.topic());
                Map<String, List<Long>> parts = new LinkedHashMap<>();
                s.ranges().forEach((p, b) -> parts.put(String.valueOf(p), List.of(b[0], b[1])));
                data.put("partitions", parts);
                data.put("records", s.records());
            }
            data.put("feedbackLabels", feedback.size());
            data.put("feedbackExcluded", feedback.excluded());
            data.put("feedbackKeptNormal", feedback.keptNormal());
            if (feedback.size() > 0) {
                LOG.info("operator feedback: {} records labelled; {} marked anomalous left out, {} marked normal kept",
                        feedback.size(), feedback.excluded(), feedback.keptNormal());
            }
        } finally {
            decoder.close();
        }
        data.put("accepted", sampler.accepted());
        data.put("rejected", rejectedByName(sampler.rejected()));
        data.put("windowsSeen", sampler.windowsSeen());
        sampler.rejected().forEach((code, n) -> Counter.builder(MetricNames.TRAIN_RECORDS_REJECTED)
                .description(MetricNames.TRAIN_RECORDS_REJECTED_DESC).tag(MetricNames.TAG_CODE, code.name())
                .register(registry).increment(n));
        if (sampler.rejectedTotal() > 0) {
            LOG.warn("{} training records refused and left out: {}", sampler.rejectedTotal(), sampler.rejected());
        }
        if (current == null && sampler.schema() != null && sampler.schema().timeOfDay()
                && sampler.spanMillis() < MIN_TIME_OF_DAY_SPAN_MS) {
            // a model that never saw most hours would rate them all as anomalous
            LOG.warn("features.time.of.day: the training records span {} h, less than a day; this model is trained without"
                    + " the time-of-day features", String.format(java.util.Locale.ROOT, "%.1f", sampler.spanMillis() / 3.6e6));
            sampler.dropTimeOfDay();
            data.put("timeOfDay", "off: the training records span less than a day");
        }
        List<double[][]> windows = sampler.windows();
        if (windows.isEmpty()) {
            return failed("no valid training data: " + sampler.accepted() + " records accepted, " + sampler.rejectedTotal()
                    + " refused " + sampler.rejected() + (history > 1 ? ", and no key has " + history + " records for a window" : ""), data);
        }
        if (req.excludeAnomalies()) {
            windows = excludeFlagged(windows, current, data);
        }
        int nVal = (int) Math.ceil(windows.size() * config.get(ConfigKeys.GATE_VALIDATION));
        List<double[][]> validation = windows.subList(0, nVal);
        List<double[][]> training = windows.subList(nVal, windows.size());
        data.put("windowsTrained", training.size());
        data.put("windowsValidation", validation.size());
        // each named for what it counts: a record falls in up to `history` windows, so rows are never summed
        LOG.info("read {} records ({} accepted, {} refused); built {} windows of {} record(s), sampled {}; "
                        + "{} kept for the quality gate, {} go to training (part of them held out for calibration)",
                sampler.accepted() + sampler.rejectedTotal(), sampler.accepted(), sampler.rejectedTotal(),
                sampler.windowsSeen(), history, windows.size(), validation.size(), training.size());
        TrainingOutcome out;
        try {
            out = new ModelTrainer().fit(new ArrayList<>(training), sampler.schema(), settings, data,
                    TrainingListener.all(listener, meters));
        } catch (TrainingException e) {
            return failed("training failed: " + e.getMessage(), data);
        }
        ModelBundle b;
        try {
            b = out.bundle();
            if (config.get(ConfigKeys.FEATURES_KEY_STANDARDISE)) {
                b = b.withKeyStandardise(true);
            }
            b = AlarmSeeding.seeded(b, sampler.orderedSeries(), sampler.featureMin(), sampler.featureMax(),
                    sampler.longestRun(), config.get(ConfigKeys.ALARM_AVERAGING),
                    AlarmPolicy.Squash.named(config.get(ConfigKeys.ALARM_SQUASH)));
        } catch (TrainingException | io.earthmover.model.InvalidModelException e) {
            return failed("training failed: " + e.getMessage(), data);
        }
        // a fallback serving now is known to be weak: the new model is judged on the gate's own limits, not against it
        ModelBundle against = current != null && current.fallback() == null ? current : null;
        QualityGate.Decision d = new QualityGate(QualityGate.Limits.of(config)).decide(b, against, validation, settings.seed());
        String fallback = config.get(ConfigKeys.GATE_FALLBACK);
        if (!d.accepted() && (current != null || "refuse".equals(fallback))) {
            gateCounter("rejected").increment();
            LOG.error("quality gate refused model {}: {}; nothing published", b.version(), d.reason());
            return new Result(Status.GATE_REJECTED, "quality gate refused model " + b.version() + ": " + d.reason(), b, null, d, data);
        }
        if (!d.accepted()) {
            // no model serves this name yet: a weak first model (or its rules alone) beats no alarms at all
            b = asFallback(b, fallback, d.reason());
            gateCounter("fallback").increment();
            data.put("gateFallback", fallback);
            LOG.warn("quality gate refused model {}: {}; no model serves yet, so it is published as a fallback ({}): {}",
                    b.version(), d.reason(), ConfigKeys.GATE_FALLBACK.name() + "=" + fallback,
                    b.rulesOnly() ? "its keys alarm from the range and frozen-value rules alone until a model passes"
                            : "it serves as if accepted");
        } else {
            gateCounter("accepted").increment();
            LOG.info("quality gate accepted model {}: {}", b.version(), d.reason());
        }
        Files.createDirectories(req.modelOut());
        Path file = req.modelOut().resolve(b.version() + ".zip");
        b.write(file);
        out.report().writeTo(req.modelOut().resolve(b.version() + "-report"));
        LOG.info("model {} written to {}", b.version(), file);
        if (!req.publish()) {
            return new Result(Status.WRITTEN, "model " + b.version() + " written to " + file
                    + "; not published (--publish sends it to the models topic)", b, file, d, data);
        }
        var md = ModelTopic.publish(KafkaProps.producer(config), config.get(ConfigKeys.TOPIC_MODELS),
                config.get(ConfigKeys.MODEL_NAME), b.toBytes(), req.kafkaTimeout());
        LOG.info("model {} published to {} (partition {}, offset {}) as '{}'", b.version(), md.topic(), md.partition(),
                md.offset(), config.get(ConfigKeys.MODEL_NAME));
        return new Result(Status.PUBLISHED, "model " + b.version() + " written to " + file + " and published to "
                + md.topic() + " as '" + config.get(ConfigKeys.MODEL_NAME) + "'", b, file, d, data);
    }

    private static ModelBundle asFallback(ModelBundle b, String mode, String reason) {
        try {
            return b.withFallback(new io.earthmover.model.ModelManifest.Fallback(mode, reason));
        } catch (InvalidModelException e) {
            throw new IllegalStateException("a fallback bundle failed its own validation: " + e.getMessage(), e);
        }
    }

    private static Result failed(String message, Map<String, Object> data) {
        LOG.error("{}", message);
        return new Result(Status.FAILED, message, null, null, null, data);
    }

    private static Map<String, Long> rejectedByName(Map<ErrorCode, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k.name(), v));
        return out;
    }

    private ModelBundle currentModel(Request req) throws IOException {
        if (req.currentModelFile() != null) {
            try {
                return ModelBundle.read(req.currentModelFile());
            } catch (InvalidModelException e) {
                throw new IllegalArgumentException("--current " + req.currentModelFile() + ": " + e.getMessage());
            }
        }
        if (req.inputFile() != null && !req.publish()) {
            return null; // offline training: no Kafka to ask
        }
        Optional<byte[]> latest = ModelTopic.latest(KafkaProps.consumer(config), config.get(ConfigKeys.TOPIC_MODELS),
                config.get(ConfigKeys.MODEL_NAME), req.kafkaTimeout());
        if (latest.isEmpty()) {
            LOG.info("no current model '{}' on {}: the new model is gated on its own", config.get(ConfigKeys.MODEL_NAME),
                    config.get(ConfigKeys.TOPIC_MODELS));
            return null;
        }
        try {
            ModelBundle b = ModelBundle.fromBytes(latest.get());
            LOG.info("current model is {}", b.version());
            return b;
        } catch (InvalidModelException e) {
            LOG.warn("the newest bundle on {} is invalid ({}); gating without a comparison", config.get(ConfigKeys.TOPIC_MODELS), e.getMessage());
            return null;
        }
    }

    /**
     * The operators' feedback this run uses: the file when one is given; else, training from a topic,
     * the whole {@code topics.feedback} topic when it exists (it is created with the inspection API);
     * else none.
     */
    private TrainingFeedback feedback(Request req) throws IOException {
        if (req.feedbackFile() != null) {
            try {
                return TrainingFeedback.read(req.feedbackFile());
            } catch (IOException e) {
                throw new IllegalArgumentException("--feedback " + req.feedbackFile() + " cannot be read: " + e);
            }
        }
        if (req.inputFile() != null) {
            return TrainingFeedback.none();
        }
        String topic = config.get(ConfigKeys.TOPIC_FEEDBACK);
        List<io.earthmover.inspect.FeedbackMessage> messages = new ArrayList<>();
        try {
            new TopicReader(KafkaProps.consumer(config), req.kafkaTimeout()).read(topic, TopicRange.all(), r -> {
                try {
                    messages.add(io.earthmover.inspect.FeedbackMessage.parse(r.value()));
                } catch (IllegalArgumentException e) {
                    LOG.warn("feedback record at {} offset {} skipped: {}", topic, r.offset(), e.getMessage());
                }
            });
        } catch (RuntimeException e) {
            LOG.info("no operator feedback read from {} ({}); training uses none", topic, e.getMessage());
            return TrainingFeedback.none();
        }
        return TrainingFeedback.of(messages);
    }

    /** Leaves out windows whose newest record the current model flags as an anomaly. */
    private static List<double[][]> excludeFlagged(List<double[][]> windows, ModelBundle current, Map<String, Object> data) {
        if (current == null) {
            LOG.warn("--exclude-anomalies: no current model, nothing excluded");
            data.put("excludedAnomalies", 0);
            return windows;
        }
        int h = current.featuriser().historyLength();
        FastScorer s = current.newScorer(0);
        ScoreResult r = new ScoreResult(0);
        float[] in = new float[current.featuriser().inputSize()];
        List<double[][]> kept = new ArrayList<>(windows.size());
        int excluded = 0;
        for (double[][] w : windows) {
            if (w.length < h) {
                kept.add(w);
                continue;
            }
            current.featuriser().featurise(w.length == h ? w : java.util.Arrays.copyOfRange(w, w.length - h, w.length), in);
            s.score(in, r);
            if (r.anomaly) {
                excluded++;
            } else {
                kept.add(w);
            }
        }
        LOG.info("--exclude-anomalies: model {} flagged {} of {} windows; left out", current.version(), excluded, windows.size());
        data.put("excludedAnomalies", excluded);
        data.put("excludedBy", current.version());
        return kept;
    }
}
