package io.earthmover.metrics;

/**
 * Every metric name earthmover exports, in one place. Micrometer names are lower.dot.case under
 * {@code earthmover.}; Prometheus sees them with dots as underscores, counters suffixed
 * {@code _total} and timers {@code _seconds} (e.g. {@code earthmover.records.in} is scraped as
 * {@code earthmover_records_in_total}). Tags are bounded: {@code code} takes the
 * {@link io.earthmover.record.ErrorCode} names, {@code reason} and {@code decision} small fixed sets.
 */
public final class MetricNames {
    private MetricNames() {
    }

    public static final String PREFIX = "earthmover.";

    // scorer: throughput
    public static final String RECORDS_IN = "earthmover.records.in";
    public static final String RECORDS_IN_DESC = "Records read from the input topic";
    public static final String RECORDS_SCORED = "earthmover.records.scored";
    public static final String RECORDS_SCORED_DESC = "Records scored and written to the score topic";
    public static final String RECORDS_REJECTED = "earthmover.records.rejected";
    public static final String RECORDS_REJECTED_DESC = "Records sent to the dead-letter topic, by error code";
    public static final String RECORDS_WARMING_UP = "earthmover.records.warming.up";
    public static final String RECORDS_WARMING_UP_DESC = "Records of keys whose window is still filling up (emitted with warmingUp=true)";
    public static final String RECORDS_LATE = "earthmover.records.late";
    public static final String RECORDS_LATE_DESC = "Records older than the newest in their key's window, by action (accepted within the tolerance, dropped from the window beyond it)";
    public static final String ANOMALIES = "earthmover.anomalies";
    public static final String ANOMALIES_DESC = "Scored records the alarm layer flagged (anomaly true; score >= threshold with alarm.enabled=false)";

    public static final String FEEDBACK = "earthmover.feedback";
    public static final String FEEDBACK_DESC = "Operator feedback messages read from the feedback topic, by label (false_alarm, missed_anomaly, none for an invalid message) and outcome (applied, duplicate: a false alarm already counted for that record, invalid: skipped)";

    // scorer: distributions
    public static final String SCORE = "earthmover.score";
    public static final String SCORE_DESC = "Calibrated anomaly score (0..1) of scored records";
    public static final String LATENCY = "earthmover.latency.end.to.end";
    public static final String LATENCY_DESC = "Time from the record's timestamp to its score being emitted";
    public static final String SCORING_TIME = "earthmover.scoring.time";
    public static final String SCORING_TIME_DESC = "Time to featurise, score and attribute one record";

    // scorer: model and state
    // Prometheus clients reserve the suffixes _info, _created, _total and _bucket: Micrometer strips
    // them, so "earthmover.model.info" and "earthmover.model.created" both became earthmover_model
    // and the second one failed to register. Hence these names.
    public static final String MODEL_INFO = "earthmover.model.serving";
    public static final String MODEL_INFO_DESC = "1 for the model version now serving (tags: model, version)";
    public static final String MODEL_AGE = "earthmover.model.age";
    public static final String MODEL_AGE_DESC = "Seconds since the serving model was created";
    public static final String MODEL_CREATED = "earthmover.model.created.timestamp.seconds";
    public static final String MODEL_CREATED_DESC = "Creation time of the serving model, epoch seconds";
    public static final String MODEL_LOADED = "earthmover.model.loaded";
    public static final String MODEL_LOADED_DESC = "1 when a model is loaded, 0 otherwise";
    public static final String MODEL_SWAPS = "earthmover.model.swaps";
    public static final String MODEL_SWAPS_DESC = "Model bundles accepted and swapped in";
    public static final String MODEL_REJECTED = "earthmover.model.rejected";
    public static final String MODEL_REJECTED_DESC = "Model bundles refused, by reason";
    public static final String MODEL_TRAIN_WASSERSTEIN = "earthmover.model.train.wasserstein";
    public static final String MODEL_TRAIN_WASSERSTEIN_DESC = "Holdout Wasserstein estimate recorded in the serving model";
    public static final String WINDOW_KEYS = "earthmover.window.keys";
    public static final String WINDOW_KEYS_DESC = "Keys held in the window state store";
    public static final String DRIFT = "earthmover.drift.wasserstein";
    public static final String DRIFT_DESC = "Critic estimate of the Wasserstein distance between recently scored data and the training holdout";

    // scorer: per routed model (routing.mode other than none; tag model, at most routing.max.models values)
    public static final String MODEL_RECORDS_SCORED = "earthmover.model.records.scored";
    public static final String MODEL_RECORDS_SCORED_DESC = "Records scored, by the model routing chose (routed scorers only)";
    public static final String MODEL_ANOMALIES = "earthmover.model.anomalies";
    public static final String MODEL_ANOMALIES_DESC = "Scored records flagged as anomalies, by the model routing chose (routed scorers only)";
    public static final String MODEL_DRIFT = "earthmover.model.drift.wasserstein";
    public static final String MODEL_DRIFT_DESC = "Each routed model's drift estimate (as earthmover.drift.wasserstein, over the records it scored)";

    public static final String ROCKSDB_CACHE_USAGE = "earthmover.rocksdb.cache.usage";
    public static final String ROCKSDB_CACHE_USAGE_DESC = "Bytes held by the state stores' shared RocksDB block cache, memtables included (capped by scorer.rocksdb.cache.bytes)";

    // scorer's HTTP server (metrics, health, the inspection page and API)
    public static final String HTTP_REQUESTS = "earthmover.http.server.requests";
    public static final String HTTP_REQUESTS_DESC = "Requests the scorer's HTTP server answered, timed from the handler's start to the last byte written, by route (the registered path: a bounded set) and status class (2xx, 4xx, 5xx)";

    // trainer
    public static final String TRAIN_ITERATION = "earthmover.train.iteration";
    public static final String TRAIN_ITERATION_DESC = "Generator iterations completed in the running training job";
    public static final String TRAIN_WASSERSTEIN = "earthmover.train.wasserstein";
    public static final String TRAIN_WASSERSTEIN_DESC = "Current Wasserstein estimate mean D(real) - mean D(fake)";
    public static final String TRAIN_GRADIENT_PENALTY = "earthmover.train.gradient.penalty";
    public static final String TRAIN_GRADIENT_PENALTY_DESC = "Current gradient penalty term (before lambda)";
    public static final String TRAIN_SAMPLES_PER_SECOND = "earthmover.train.samples.per.second";
    public static final String TRAIN_SAMPLES_PER_SECOND_DESC = "Real samples processed per second by critic steps";
    public static final String TRAIN_DURATION = "earthmover.train.duration";
    public static final String TRAIN_DURATION_DESC = "Wall time of training runs";
    public static final String TRAIN_GATE = "earthmover.train.gate.decisions";
    public static final String TRAIN_GATE_DESC = "Quality-gate decisions, by decision (accepted, rejected, fallback: a refused first model published under train.gate.fallback)";
    public static final String TRAIN_RECORDS_REJECTED = "earthmover.train.records.rejected";
    public static final String TRAIN_RECORDS_REJECTED_DESC = "Training records refused by the parser or featuriser, by error code";
    public static final String TRAIN_LAST_SUCCESS = "earthmover.train.last.success";
    public static final String TRAIN_LAST_SUCCESS_DESC = "Epoch seconds of the last training run that published a model";

    // tag keys
    public static final String TAG_CODE = "code";
    public static final String TAG_REASON = "reason";
    public static final String TAG_DECISION = "decision";
    public static final String TAG_MODEL = "model";
    public static final String TAG_VERSION = "version";
    public static final String TAG_ACTION = "action";
    public static final String TAG_LABEL = "label";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_ROUTE = "route";
    public static final String TAG_STATUS = "status";
}
