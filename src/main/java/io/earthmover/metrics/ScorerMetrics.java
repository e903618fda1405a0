package io.earthmover.metrics;

import io.earthmover.record.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;

/** The scorer's meters. Every rejection code is registered up front, so dashboards see zeros, not gaps. */
public final class ScorerMetrics {
    /** Score histogram buckets: fine near 1, where thresholds live. */
    private static final double[] SCORE_BUCKETS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, 1.0};
    public static final String LATE_REORDERED = "reordered";
    public static final String LATE_UNSCORED = "unscored";
    /** Outcomes of a feedback message ({@link MetricNames#FEEDBACK}). */
    public static final String FEEDBACK_APPLIED = "applied";
    public static final String FEEDBACK_DUPLICATE = "duplicate";
    public static final String FEEDBACK_INVALID = "invalid";

    private final MeterRegistry registry;
    private final Counter in;
    private final Counter scored;
    private final Counter anomalies;
    private final Counter warmingUp;
    private final Counter lateReordered;
    private final Counter lateUnscored;
    private final Counter swaps;
    private final Map<ErrorCode, Counter> rejected = new EnumMap<>(ErrorCode.class);
    private final Map<String, Counter> modelRejected = new ConcurrentHashMap<>();
    /** Records a calibrated score into the score histogram. */
    private final DoubleConsumer score;
    private final Timer latency;
    private final Timer scoringTime;
    private final MultiGauge modelInfo;
    private volatile Instant modelCreated;
    private volatile double modelTrainWasserstein = Double.NaN;
    /** Model name to the version it serves: one {@code earthmover.model.serving} row each. */
    private final Map<String, String> serving = new ConcurrentHashMap<>();
    private final Map<String, ModelMeters> perModel = new ConcurrentHashMap<>();

    public ScorerMetrics(MeterRegistry registry) {
        this.registry = registry;
        in = Counter.builder(MetricNames.RECORDS_IN).description(MetricNames.RECORDS_IN_DESC).register(registry);
        scored = Counter.builder(MetricNames.RECORDS_SCORED).description(MetricNames.RECORDS_SCORED_DESC).register(registry);
        anomalies = Counter.builder(MetricNames.ANOMALIES).description(MetricNames.ANOMALIES_DESC).register(registry);
        warmingUp = Counter.builder(MetricNames.RECORDS_WARMING_UP).description(MetricNames.RECORDS_WARMING_UP_DESC).register(registry);
        lateReordered = Counter.builder(MetricNames.RECORDS_LATE).description(MetricNames.RECORDS_LATE_DESC)
                .tag(MetricNames.TAG_ACTION, LATE_REORDERED).register(registry);
        lateUnscored = Counter.builder(MetricNames.RECORDS_LATE).description(MetricNames.RECORDS_LATE_DESC)
                .tag(MetricNames.TAG_ACTION, LATE_UNSCORED).register(registry);
        swaps = Counter.builder(MetricNames.MODEL_SWAPS).description(MetricNames.MODEL_SWAPS_DESC).register(registry);
        for (ErrorCode c : ErrorCode.values()) {
            rejected.put(c, Counter.builder(MetricNames.RECORDS_REJECTED).description(MetricNames.RECORDS_REJECTED_DESC)
                    .tag(MetricNames.TAG_CODE, c.name()).register(registry));
        }
        score = scoreHistogram(registry);
        latency = Timer.builder(MetricNames.LATENCY).description(MetricNames.LATENCY_DESC)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
        scoringTime = Timer.builder(MetricNames.SCORING_TIME).description(MetricNames.SCORING_TIME_DESC)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(500))
                .maximumExpectedValue(Duration.ofMillis(100)).register(registry);
        modelInfo = MultiGauge.builder(MetricNames.MODEL_INFO).description(MetricNames.MODEL_INFO_DESC).register(registry);
        Gauge.builder(MetricNames.MODEL_LOADED, this, m -> m.modelCreated == null ? 0 : 1)
                .description(MetricNames.MODEL_LOADED_DESC).register(registry);
        Gauge.builder(MetricNames.MODEL_AGE, this, ScorerMetrics::modelAgeSeconds).baseUnit("seconds")
                .description(MetricNames.MODEL_AGE_DESC).register(registry);
        Gauge.builder(MetricNames.MODEL_CREATED, this, m -> m.modelCreated == null ? Double.NaN : m.modelCreated.getEpochSecond())
                .description(MetricNames.MODEL_CREATED_DESC).register(registry);
        Gauge.builder(MetricNames.MODEL_TRAIN_WASSERSTEIN, this, m -> m.modelTrainWasserstein)
                .description(MetricNames.MODEL_TRAIN_WASSERSTEIN_DESC).register(registry);
        for (String reason : List.of("format", "checksum", "version", "shape", "non_finite", "schema", "empty", "tombstone", "incompatible", "too_many_models")) {
            modelRejectedCounter(reason);
        }
    }

    /**
     * Micrometer's DistributionSummary rounds each value up to an integer before bucketing
     * (micrometer#3680), which would put every score in (0, 1] into the le="1.0" bucket. On a
     * Prometheus registry the scores therefore go to a native Prometheus histogram with the same
     * name and buckets, exposed on the same /metrics (without exemplars: their sampler needs a
     * tracer library we do not ship).
     */
    private static DoubleConsumer scoreHistogram(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            Histogram h = Histogram.builder().withoutExemplars().name(MetricNames.SCORE.replace('.', '_'))
                    .help(MetricNames.SCORE_DESC).classicOnly().classicUpperBounds(SCORE_BUCKETS)
                    .register(prometheus.getPrometheusRegistry());
            return h::observe;
        }
        return DistributionSummary.builder(MetricNames.SCORE).description(MetricNames.SCORE_DESC)
                .serviceLevelObjectives(SCORE_BUCKETS).register(registry)::record;
    }

    /** Counts one feedback message; {@code label} null for an invalid one. Tags: 2 labels + none, 3 outcomes. */
    public void feedback(io.earthmover.alarm.FeedbackLabel label, String outcome) {
        Counter.builder(MetricNames.FEEDBACK).description(MetricNames.FEEDBACK_DESC)
                .tag(MetricNames.TAG_LABEL, label == null ? "none" : label.wire())
                .tag(MetricNames.TAG_OUTCOME, outcome).register(registry).increment();
    }

    public MeterRegistry registry() {
        return registry;
    }

    private double modelAgeSeconds() {
        Instant c = modelCreated;
        return c == null ? Double.NaN : Math.max(0, Duration.between(c, Instant.now()).toMillis() / 1000.0);
    }

    public void recordIn() {
        in.increment();
    }

    public void recordRejected(ErrorCode code) {
        rejected.get(code).increment();
    }

    public void recordWarmingUp() {
        warmingUp.increment();
    }

    public void recordLate(boolean reordered) {
        (reordered ? lateReordered : lateUnscored).increment();
    }

    /** A scored record: its calibrated score, whether it is an anomaly, and how long scoring took. */
    public void recordScored(double calibratedScore, boolean anomaly, long scoringNanos) {
        scored.increment();
        score.accept(calibratedScore);
        if (anomaly) {
            anomalies.increment();
        }
        scoringTime.record(scoringNanos, TimeUnit.NANOSECONDS);
    }

    public void recordLatency(long millis) {
        latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    public void modelSwapped(String modelName, String version, Instant createdAt, double trainWasserstein) {
        swaps.increment();
        modelCreated = createdAt;
        modelTrainWasserstein = trainWasserstein;
        serving.put(modelName, version);
        modelInfo.register(serving.entrySet().stream().map(e -> MultiGauge.Row.of(Tags.of(MetricNames.TAG_MODEL, e.getKey(),
                MetricNames.TAG_VERSION, e.getValue()), 1)).toList(), true);
    }

    /**
     * A routed model's own meters, tagged with its name: made only for models a routed scorer loaded,
     * so the tag has at most {@code routing.max.models} values.
     */
    public ModelMeters modelMeters(String modelName) {
        return perModel.computeIfAbsent(modelName, n -> new ModelMeters(
                Counter.builder(MetricNames.MODEL_RECORDS_SCORED).description(MetricNames.MODEL_RECORDS_SCORED_DESC)
                        .tag(MetricNames.TAG_MODEL, n).register(registry),
                Counter.builder(MetricNames.MODEL_ANOMALIES).description(MetricNames.MODEL_ANOMALIES_DESC)
                        .tag(MetricNames.TAG_MODEL, n).register(registry)));
    }

    /** A routed model's drift estimate, tagged with its name. */
    public void modelDriftGauge(String modelName, DoubleSupplier drift) {
        Gauge.builder(MetricNames.MODEL_DRIFT, drift::getAsDouble).description(MetricNames.MODEL_DRIFT_DESC)
                .tag(MetricNames.TAG_MODEL, modelName).register(registry);
    }

    /** One routed model's counters. */
    public record ModelMeters(Counter scored, Counter anomalies) {
        public void recordScored(boolean anomaly) {
            scored.increment();
            if (anomaly) {
                anomalies.increment();
            }
        }
    }

    public void modelRejected(String reason) {
        modelRejectedCounter(reason).increment();
    }

    private Counter modelRejectedCounter(String reason) {
        return modelRejected.computeIfAbsent(reason, r -> Counter.builder(MetricNames.MODEL_REJECTED)
                .description(MetricNames.MODEL_REJECTED_DESC).tag(MetricNames.TAG_REASON, r).register(registry));
    }

    public void windowKeysGauge(DoubleSupplier keys) {
        Gauge.builder(MetricNames.WINDOW_KEYS, keys::getAsDouble).description(MetricNames.WINDOW_KEYS_DESC).register(registry);
    }

    public void rocksDbCacheGauge(DoubleSupplier bytes) {
        Gauge.builder(MetricNames.ROCKSDB_CACHE_USAGE, bytes::getAsDouble).baseUnit("bytes")
                .description(MetricNames.ROCKSDB_CACHE_USAGE_DESC).register(registry);
    }

    public void driftGauge(DoubleSupplier drift) {
        Gauge.builder(MetricNames.DRIFT, drift::getAsDouble).description(MetricNames.DRIFT_DESC).register(registry);
    }

    public double count(ErrorCode code) {
        return rejected.get(code).count();
    }

    public double scoredCount() {
        return scored.count();
    }

    public double inCount() {
        return in.count();
    }

    public double swapCount() {
        return swaps.count();
    }

    public double modelRejectedCount(String reason) {
        Counter c = modelRejected.get(reason);
        return c == null ? 0 : c.count();
    }
}
