package io.earthmover.config;

import static io.earthmover.config.ConfigKey.bool;
import static io.earthmover.config.ConfigKey.decimal;
import static io.earthmover.config.ConfigKey.intList;
import static io.earthmover.config.ConfigKey.integer;
import static io.earthmover.config.ConfigKey.longValue;
import static io.earthmover.config.ConfigKey.nonEmpty;
import static io.earthmover.config.ConfigKey.oneOf;
import static io.earthmover.config.ConfigKey.string;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every earthmover configuration key with its default. The README's configuration table is
 * checked against this list by a test. Keys under {@code kafka.} are not listed here: they go to
 * the Kafka clients unchanged (see {@link KafkaKeys}).
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    public static final String KAFKA_PREFIX = "kafka.";
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    // topics
    public static final ConfigKey<String> TOPIC_INPUT = nonEmpty("topics.input", "events-in", "Topic of input events");
    public static final ConfigKey<String> TOPIC_SCORES = nonEmpty("topics.scores", "anomaly-scores", "Topic the scorer writes scores to");
    public static final ConfigKey<String> TOPIC_DLQ = nonEmpty("topics.dlq", "events-dlq", "Dead-letter topic for rejected records");
    public static final ConfigKey<String> TOPIC_TRAIN = nonEmpty("topics.train", "events-train", "Default topic the trainer reads normal data from");
    public static final ConfigKey<String> TOPIC_MODELS = nonEmpty("topics.models", "models", "Compacted topic of model bundles (key = model name)");
    public static final ConfigKey<String> TOPIC_FEEDBACK = nonEmpty("topics.feedback", "anomaly-feedback", "Topic of operator feedback on scored records ({\"key\",\"id\",\"label\"}, key = the record key; POST /api/feedback writes it), read by the scorer with inspect.enabled; created with topics.partitions so a key's feedback reaches the task that scores it");
    public static final ConfigKey<Integer> TOPIC_PARTITIONS = integer("topics.partitions", 3, 1, 10_000, "Partitions of topics earthmover creates");
    public static final ConfigKey<Integer> TOPIC_REPLICATION = integer("topics.replication.factor", 1, 1, 32, "Replication factor of topics earthmover creates");
    public static final ConfigKey<Integer> TOPIC_MAX_BYTES = integer("topics.max.message.bytes", (1 << 20) + (64 << 10), 1 << 20, 1 << 30, "max.message.bytes of the event topics earthmover creates (input, scores, training; the DLQ gets 16 KiB more for its headers): the broker's usual 1 MiB plus room for a record a little over record.max.bytes to arrive and be dead-lettered as TOO_LARGE");
    public static final ConfigKey<Integer> TOPIC_MODELS_MAX_BYTES = integer("topics.models.max.message.bytes", 16 << 20, 1 << 20, 1 << 30, "max.message.bytes of the models topic (bundles are larger than events)");
    public static final ConfigKey<Boolean> TOPIC_CREATE = bool("topics.create", true, "Create missing topics at start-up");
    public static final ConfigKey<Long> CONNECT_WAIT = longValue("connect.wait.ms", 30_000L, 0L, 86_400_000L, "How long score, train and produce wait at start-up for a Kafka bootstrap server to accept a connection; then they stop with one line and exit code 1");

    // records
    public static final ConfigKey<Integer> RECORD_MAX_BYTES = integer("record.max.bytes", 1 << 20, 64, 64 << 20, "Largest accepted record value; larger ones go to the DLQ as TOO_LARGE");

    // input formats (the scorer's input topic and the trainer's topic; files are always CSV/JSONL)
    public static final String INPUT_FORMAT_DEFAULT = "json";
    public static final String INPUT_REGISTRY_URL_DEFAULT = "http://127.0.0.1:8080/apis/registry/v3";
    public static final String INPUT_FEATURES_DEFAULT = "";
    public static final ConfigKey<String> INPUT_FORMAT = oneOf("input.format", INPUT_FORMAT_DEFAULT, List.of("json", "avro", "protobuf"), "Encoding of the records on the input topic (scorer) and the training topic (trainer): json (the record contract), or avro / protobuf written by Apicurio Registry's Kafka serializers, their schema fetched from input.registry.url; files given to train --input and score --input are always CSV/JSONL");
    public static final ConfigKey<String> INPUT_REGISTRY_URL = new ConfigKey<>("input.registry.url", String.class, INPUT_REGISTRY_URL_DEFAULT, "an http:// or https:// URL", "Apicurio Registry's v3 API, where input.format=avro or protobuf fetches each record's schema by the id its serializer wrote (cached)", s -> {
        String t = s.trim();
        java.net.URI u;
        try {
            u = new java.net.URI(t);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("'" + s + "' is not a URL");
        }
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
            throw new IllegalArgumentException("'" + s + "' is not an http:// or https:// URL");
        }
        return t;
    });
    public static final ConfigKey<String> INPUT_FEATURES = new ConfigKey<>("input.features", String.class, INPUT_FEATURES_DEFAULT, "comma-separated field names, or empty", "input.format=avro or protobuf: the top-level numeric fields read as the features (a record whose schema lacks one or types it as non-numeric is SCHEMA_MISMATCH); empty = every numeric top-level field but id and ts", s -> {
        String t = s.trim();
        if (t.isEmpty()) {
            return "";
        }
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (String n : t.split(",", -1)) {
            String f = n.trim();
            if (f.isEmpty()) {
                throw new IllegalArgumentException("'" + s + "' has an empty field name");
            }
            if (f.equals("id") || f.equals("ts")) {
                throw new IllegalArgumentException("'" + f + "' is the record's id or time, not a feature");
            }
            if (!seen.add(f)) {
                throw new IllegalArgumentException("'" + f + "' is listed twice");
            }
        }
        return String.join(",", seen);
    });

    // embedded broker
    public static final ConfigKey<Integer> BROKER_PORT = integer("broker.port", 9092, 0, 65535, "Port of the embedded broker (0 picks a free port)");
    public static final ConfigKey<String> BROKER_DATA_DIR = string("broker.data.dir", "", "Data directory of the embedded broker; empty means a fresh temporary directory deleted on exit");

    // metrics and health
    public static final ConfigKey<String> METRICS_HOST = nonEmpty("metrics.host", "127.0.0.1", "Address the /metrics and /health HTTP server binds to (0.0.0.0 in containers)");
    public static final ConfigKey<Integer> METRICS_PORT = integer("metrics.port", 9400, 0, 65535, "Port of the /metrics and /health HTTP server (0 picks a free port)");

    // inspection: interactive queries (/api/*) and the page (/) on the metrics server
    public static final ConfigKey<Boolean> INSPECT_ENABLED = bool("inspect.enabled", true, "Serve the inspection page (/) and its API (/api/keys/{key}, /api/anomalies, and POST /api/feedback, whose topics.feedback the scorer then reads) on the metrics server, from state stores of recent outputs; false = only /metrics and /health, no extra stores, no feedback");
    public static final ConfigKey<Integer> INSPECT_PER_KEY = integer("inspect.recent.per.key", 50, 1, 1000, "Outputs kept per key for /api/keys/{key} (the newest; older ones are overwritten)");
    public static final ConfigKey<Integer> INSPECT_ALARMS = integer("inspect.alarms.max", 1000, 1, 100_000, "Alarms (anomaly=true outputs) kept per stream task (partition) for /api/anomalies; the oldest go first");
    public static final ConfigKey<Long> INSPECT_RETENTION = longValue("inspect.retention.ms", 3_600_000L, 1_000L, 30L * 86_400_000L, "How long (wall clock since scoring) recent outputs and alarms are shown and kept; older ones are dropped");
    public static final ConfigKey<String> INSPECT_AUTH_TOKEN = string("inspect.auth.token", "", "Bearer token POST /api/feedback requires (Authorization: Bearer <token>; 401 without it); empty = writes are open like reads, which stay open either way. A secret: masked where the configuration is printed");
    public static final ConfigKey<String> INSPECT_APPLICATION_SERVER = string("scorer.application.server", "", "host:port other scorer instances reach this one's HTTP server at (Kafka Streams application.server), for answering a key another instance holds; empty = metrics.host and the bound metrics port (right on one host; in Kubernetes set the pod's name under the headless Service)");

    // featurisation (used when training; a model carries its own)
    public static final ConfigKey<Integer> FEATURES_WINDOW = integer("features.window", 1, 1, 1024, "Records per key concatenated into one critic input (shingle length)");
    public static final ConfigKey<Boolean> FEATURES_DIFFERENCES = bool("features.differences", false, "Add first differences between consecutive records to the shingle");
    public static final ConfigKey<Boolean> FEATURES_KEY_STANDARDISE = bool("features.key.standardise", false, "Standardise each feature by its key's own running mean and std before the model (one model for many keys whose levels and scales differ by more than their noise); a key's first 30 records warm up");
    public static final ConfigKey<Boolean> FEATURES_TIME_OF_DAY = bool("features.time.of.day", false, "Add the sine and cosine of each record's UTC time of day (its ts, else the Kafka timestamp) as two derived features (time.sin, time.cos), so a value normal at one hour and not at another can be told apart; for series with a daily cycle; the range and frozen-value rules do not watch them; a model whose training records span less than a day is trained without them (and says so in its trainingData); not with train.conditional");
    public static final ConfigKey<String> FEATURES_NORMALISER = oneOf("features.normaliser", "standard", List.of("standard", "robust"), "Per-feature scaling: mean/std or median/IQR");
    public static final ConfigKey<String> FEATURES_LEVEL = oneOf("features.level", "keep", List.of("keep", "auto"), "Which features enter the critic by their level as well as their changes: keep (all), or auto (a feature whose training readings move slowly, lag-1 autocorrelation at least 0.9, enters by its differences alone: a level that wanders in normal operation, as a rig's temperature drifts, is no evidence once it leaves the stretch the training rows saw); auto needs features.differences=true; not with train.conditional or train.encoder");
    public static final ConfigKey<String> FEATURES_SQUASH = oneOf("features.squash", "none", List.of("none", "asinh", "auto"), "Which features' normalised critic inputs (values and differences) go through asinh, linear within a few scale units and logarithmic beyond, so rare huge spikes in heavy-tailed training data do not set the scale of every input: none, asinh (all), or auto (the features whose training values reach beyond 10 scale units of the centre, which no Gaussian feature does); not with train.conditional");

    // training
    public static final ConfigKey<Integer> TRAIN_ITERATIONS = integer("train.iterations", 2000, 1, 10_000_000, "Maximum generator iterations");
    public static final ConfigKey<Integer> TRAIN_BATCH = integer("train.batch.size", 256, 2, 1 << 16, "Mini-batch size");
    public static final ConfigKey<Integer> TRAIN_CRITIC_STEPS = integer("train.critic.steps", 5, 1, 100, "Critic steps per generator step (n_critic)");
    public static final ConfigKey<Double> TRAIN_LAMBDA = decimal("train.gp.lambda", 10.0, 0.0, 1e6, "Gradient-penalty weight lambda (train.loss=wgan-gp only; the other losses report the penalty without training on it)");
    public static final ConfigKey<String> TRAIN_GP_NORM = oneOf("train.gp.norm", "l2", List.of("l2", "l1"), "Norm of the input gradient the penalty holds at 1: l2 (Gulrajani et al.: the critic is 1-Lipschitz in Euclidean distance) or l1 (its dual, Adler and Lunz's Banach WGAN: 1-Lipschitz in the largest single-feature difference)");
    public static final ConfigKey<String> TRAIN_LOSS = oneOf("train.loss", "wgan-gp", List.of("wgan-gp", "wgan-cp", "gan"), "Adversarial loss: wgan-gp (Wasserstein with gradient penalty, Adam), wgan-cp (Wasserstein with the critic's weights clipped to +-train.clip.value, RMSProp; Arjovsky et al. 2017), gan (the original JS loss, sigmoid discriminator, non-saturating generator loss, Adam); the critic value scored is the critic output or discriminator logit, higher = more normal");
    /** Arjovsky et al.'s RMSProp learning rate, used with {@code train.loss=wgan-cp} while train.learning.rate is at its default. */
    public static final double WGAN_CP_LEARNING_RATE = 5e-5;
    public static final ConfigKey<Double> TRAIN_LR = decimal("train.learning.rate", 1e-4, 1e-8, 1.0, "Learning rate of both networks (Adam; RMSProp with train.loss=wgan-cp, where the default 1.0E-4 stands for Arjovsky et al.'s 5.0E-5: any other value is used as set)");
    public static final ConfigKey<Double> TRAIN_CLIP = decimal("train.clip.value", 0.01, 1e-6, 100.0, "train.loss=wgan-cp: every critic weight and bias is clipped to [-c, c] after each critic step (Arjovsky et al.: 0.01)");
    public static final ConfigKey<Double> TRAIN_BETA1 = decimal("train.adam.beta1", 0.0, 0.0, 0.999999, "Adam beta1");
    public static final ConfigKey<Double> TRAIN_BETA2 = decimal("train.adam.beta2", 0.9, 0.0, 0.999999, "Adam beta2");
    public static final ConfigKey<Long> TRAIN_SEED = longValue("train.seed", 42L, Long.MIN_VALUE, Long.MAX_VALUE, "Seed of initialisation, sampling and holdout split");
    public static final ConfigKey<Integer> TRAIN_LATENT = integer("train.latent.size", 16, 1, 4096, "Generator latent size");
    public static final ConfigKey<int[]> TRAIN_GEN_HIDDEN = intList("train.generator.hidden", "128,128", "Generator hidden layer sizes");
    public static final ConfigKey<int[]> TRAIN_CRITIC_HIDDEN = intList("train.critic.hidden", "128,128", "Critic hidden layer sizes");
    public static final ConfigKey<Integer> TRAIN_ENSEMBLE = integer("train.ensemble.size", 1, 1, 16, "Critics trained with different seeds and served as one: the mean of their holdout-standardised values (not with layer norm)");
    public static final ConfigKey<Boolean> TRAIN_LAYER_NORM = bool("train.critic.layer.norm", false, "Layer norm (learned gain and shift) in the critic's hidden layers");
    public static final ConfigKey<Integer> TRAIN_PATIENCE = integer("train.early.stop.patience", 200, 0, 10_000_000, "Stop after this many iterations without improvement of the smoothed Wasserstein estimate (0 = never)");
    public static final ConfigKey<Double> TRAIN_HOLDOUT = decimal("train.holdout.fraction", 0.2, 0.01, 0.9, "Share of normal rows held out for calibration");
    public static final ConfigKey<Integer> TRAIN_MAX_ROWS = integer("train.max.rows", 200_000, 100, 100_000_000, "Reservoir size: most rows kept in memory for training");
    public static final ConfigKey<Double> TRAIN_AUX_FRACTION = decimal("train.aux.fraction", 0.5, 0.0, 0.95, "Share of the critic's fake batch replaced by auxiliary negatives (noisy copies of real rows and far uniform points) so the critic falls away from the data; 0 = plain WGAN-GP");
    public static final ConfigKey<Double> TRAIN_AUX_NOISE = decimal("train.aux.noise", 1.0, 0.01, 100.0, "Noise std (normalised units) of the near-data auxiliary negatives");
    public static final ConfigKey<Boolean> TRAIN_ENCODER = bool("train.encoder", false, "Train an encoder E with the generator (TadGAN's cycle consistency, x ~ G(E(x))): the served critic value then also falls with the reconstruction error, and every score carries the reconstruction as expected values");
    public static final ConfigKey<Boolean> TRAIN_CONDITIONAL = bool("train.conditional", false, "Conditional WGAN-GP for series: the generator produces the newest record of a window from the older ones (and noise), the critic rates (context, newest record) pairs, and the served value is D(x) - D(x with the newest record the generator's), so a rare but consistent context does not alarm; scores carry that record as expected values. Needs features.window >= 2; not with train.encoder");
    public static final ConfigKey<Double> TRAIN_CYCLE_WEIGHT = decimal("train.cycle.weight", 10.0, 0.0, 1e6, "train.encoder: weight of the cycle loss mean((x - G(E(x)))^2) in the generator's and encoder's loss (TadGAN: 10)");
    public static final ConfigKey<Double> TRAIN_RECONSTRUCTION_WEIGHT = decimal("train.reconstruction.weight", 0.5, 0.0, 0.95, "train.encoder: share w of the reconstruction error in the served value (1-w) z(critic) - w z(error), both standardised on the holdout (TadGAN's alpha: 0.5)");
    public static final ConfigKey<Double> CALIBRATION_QUANTILE = decimal("calibration.threshold.quantile", 0.995, 0.5, 0.999999, "Holdout quantile of the anomaly threshold");
    public static final ConfigKey<Double> ATTRIBUTION_MIN_SCORE = decimal("attribution.min.score", 1.0, 0.0, 1.0, "topFeatures are computed for records the alarm layer flags and for records whose calibrated score is at least this (0 = every record; the input gradient is about half the cost of scoring)");
    public static final ConfigKey<Integer> ATTRIBUTION_TOP_K = integer("attribution.top.k", 3, 0, 64, "Features listed in topFeatures of each score");

    // alarm layer (per key, after the critic)
    public static final ConfigKey<Boolean> ALARM_ENABLED = bool("alarm.enabled", true, "Per-key alarm layer: anomaly likelihood, range rule, persistence, refractory period (false: anomaly = score >= the model's threshold, no per-key alarm state)");
    public static final ConfigKey<String> ALARM_SIGNAL = oneOf("alarm.signal", "likelihood", List.of("likelihood", "score"), "What anomaly thresholds: the key's anomaly likelihood of the critic's surprise, or the calibrated score against the model's threshold");
    public static final ConfigKey<Double> ALARM_THRESHOLD = decimal("alarm.threshold", 0.5, 0.0, 1.0, "Alarm level of the likelihood signal; 0.5 is nupic's red zone, a recent surprise with a tail probability of 1e-5 under the key's own history");
    public static final ConfigKey<Integer> ALARM_AVERAGING = integer("alarm.likelihood.averaging", 10, 1, 1000, "Records whose surprise is averaged before the likelihood (nupic: 10)");
    public static final ConfigKey<Integer> ALARM_HISTORY = integer("alarm.likelihood.history", 8640, 10, 1_000_000, "Records of a key's history the likelihood's normal is fitted to (nupic: 8640)");
    public static final ConfigKey<Integer> ALARM_BLOCK = integer("alarm.likelihood.block", 100, 1, 100_000, "Records per summary block of the history, and how often the normal is refitted (nupic: 100); state per key grows with history/block");
    public static final ConfigKey<String> ALARM_TAIL = oneOf("alarm.likelihood.tail", "both", List.of("both", "upper"), "Which deviations of the averaged signal from the key's normal the likelihood counts: both (nupic: a stretch more normal than usual is as unlikely as a less normal one) or upper (only less normal than usual)");
    public static final ConfigKey<Integer> ALARM_RECURRENCE = integer("alarm.likelihood.recurrence", 0, 0, 1000, "Recurring surprise: with k > 0 an averaged surprise no higher than the highest average of at least k earlier blocks of the key's history is not unlikely (its tail is held at nupic's yellow level, 1e-3, below the red zone), so a spike the key shows every day or every hour stops alarming once it has recurred k times, while one higher than the key has shown still alarms; 0 = off (nupic); state per key grows by 4 bytes per block");
    public static final ConfigKey<String> ALARM_SQUASH = oneOf("alarm.likelihood.squash", "none", List.of("none", "log"), "How each record's surprise enters the likelihood's average: none (nupic: as it is) or log (sign(s) ln(1 + |s|): one extreme record then moves the average like a few moderately surprising ones, not like ten)");
    public static final ConfigKey<Boolean> ALARM_RANGE = bool("alarm.range.enabled", true, "Range rule: a value beyond the key's min/max so far (from the training range on) alarms at once");
    public static final ConfigKey<Double> ALARM_RANGE_TOLERANCE = decimal("alarm.range.tolerance", 0.05, 0.0, 100.0, "How far beyond the key's min/max a value must lie, as a share of its range (HTM's spatial tolerance: 0.05)");
    public static final ConfigKey<Integer> ALARM_PERSISTENCE_K = integer("alarm.persistence.k", 1, 1, 64, "An alarm needs the level at the threshold on at least k ...");
    public static final ConfigKey<Integer> ALARM_PERSISTENCE_N = integer("alarm.persistence.n", 1, 1, 64, "... of the key's last n scored records (k <= n)");
    public static final ConfigKey<Boolean> ALARM_FROZEN = bool("alarm.frozen.enabled", true, "Frozen-value rule: a raw value repeated exactly for more than twice the longest run of one value in the training records (and more than 5 times) alarms at once (a stuck sensor)");
    public static final ConfigKey<Boolean> ALARM_FROZEN_LEARN = bool("alarm.frozen.learn", false, "Frozen-value rule: its limit also grows with the key's own runs, as the range rule's range grows with its values: more than twice the longest run of one value the key has shown so far, training's included (each run counts when it ends); false = training's runs alone");
    public static final ConfigKey<Double> ALARM_REARM = decimal("alarm.rearm.level", 0.25, 0.0, 1.01, "After an alarm a key alarms again only once its alarm level has fallen below this: 0.25, a tail of 3e-3, is below nupic's yellow zone (0.3), where its filter holds a lasting anomaly; above 1 = no hysteresis");
    public static final ConfigKey<Boolean> ALARM_ADAPT_GUARD = bool("alarm.adapt.guard", false, "Guarded adaptation: a record joins its key's adaptive statistics (the per-key standardiser with features.key.standardise, the likelihood's history, the range rule's min/max) only alarm.adapt.delay records late, and only when neither it nor any of those records was flagged (level at the threshold, or the key anomalous): a lasting anomaly is not learnt as the key's new normal, a slow drift that is never flagged is; false = every record is learnt at once");
    /** Default of {@code alarm.adapt.delay}. */
    public static final int DEFAULT_ADAPT_DELAY = 100;
    public static final ConfigKey<Integer> ALARM_ADAPT_DELAY = integer("alarm.adapt.delay", DEFAULT_ADAPT_DELAY, 0, io.earthmover.alarm.AlarmPolicy.MAX_ADAPT_DELAY, "alarm.adapt.guard: records a contribution is held before it is learnt. Rule for the default 100: longer than the anomaly horizon, the records of an anomaly that can pass before the key is flagged (the likelihood's averaging window, 10) plus the records after an alarm it is masked for (alarm.refractory, 10), five times over, and one likelihood block; state per key grows by 8 x (features + 1) bytes per held record (twice that with features.key.standardise)");
    public static final ConfigKey<Integer> ALARM_REFRACTORY = integer("alarm.refractory", 10, 0, 1_000_000, "Records after an alarm during which the key does not alarm again (default: the averaging window, which still holds the alarming record)");

    // scorer
    public static final ConfigKey<String> SCORER_APP_ID = nonEmpty("scorer.application.id", "earthmover-scorer", "Kafka Streams application.id (consumer group and internal topic prefix)");
    public static final ConfigKey<Integer> SCORER_THREADS = integer("scorer.stream.threads", 1, 1, 64, "Kafka Streams threads per instance; more instances scale out up to the partition count");
    public static final ConfigKey<String> SCORER_GUARANTEE = oneOf("scorer.processing.guarantee", "at_least_once", List.of("at_least_once", "exactly_once_v2"), "Kafka Streams processing guarantee");
    public static final ConfigKey<String> MODEL_NAME = nonEmpty("model.name", "default", "Key of the model in the models topic (trainer publishes it, scorer follows it)");
    public static final ConfigKey<String> SCORER_MODEL_SOURCE = oneOf("scorer.model.source", "topic", List.of("topic", "file", "both"), "Where the scorer loads models from");
    public static final ConfigKey<String> SCORER_MODEL_FILE = string("scorer.model.file", "", "Model bundle file (with source file or both); re-read when it changes");
    public static final ConfigKey<Long> SCORER_LATE_TOLERANCE = longValue("scorer.late.tolerance.ms", 60_000L, 0L, Long.MAX_VALUE, "How far behind its key's newest record a record may be and still be placed in the window in event-time order");
    public static final ConfigKey<Integer> SCORER_DRIFT_WINDOW = integer("scorer.drift.window.minutes", 10, 1, 10_080, "Span of recent scores the drift estimate averages over");
    public static final ConfigKey<String> SCORER_STATE_DIR = string("scorer.state.dir", "", "Kafka Streams state directory; empty means a directory under java.io.tmpdir, which Kafka Streams warns about at start (the OS may clear it; the state is then restored from its changelog): set one outside it to start without a warning");
    public static final ConfigKey<Long> SCORER_COMMIT_INTERVAL = longValue("scorer.commit.interval.ms", 1_000L, 10L, 600_000L, "Kafka Streams commit interval (also bounds exactly-once latency)");
    // routing: several models in one scorer (README "Many models")
    public static final String ROUTING_NONE = "none";
    public static final String ROUTING_FIELD = "field";
    public static final String ROUTING_KEY_PREFIX = "key-prefix";
    public static final String ROUTING_TABLE = "table";
    /** Default of {@code routing.max.models}: the bound on models loaded and on the model tag's values. */
    public static final int DEFAULT_ROUTING_MAX_MODELS = 32;
    public static final ConfigKey<String> ROUTING_MODE = oneOf("routing.mode", ROUTING_NONE, List.of(ROUTING_NONE, ROUTING_FIELD, ROUTING_KEY_PREFIX, ROUTING_TABLE), "How a record picks its model: none = every record is scored by model.name (one model, as before routing); field = the record's top-level string field routing.field names it (JSON input only); key-prefix = the record key up to the first routing.key.separator; table = the record key looked up in routing.table. A record the rule names no model for goes to routing.default; with none there, or a named model not loaded, it is dead-lettered NO_MODEL. Needs scorer.model.source=topic");
    public static final ConfigKey<String> ROUTING_FIELD_NAME = nonEmpty("routing.field", "model", "routing.mode=field: the top-level JSON field (a string) holding the record's model name");
    public static final ConfigKey<String> ROUTING_KEY_SEPARATOR = nonEmpty("routing.key.separator", ":", "routing.mode=key-prefix: the record key's model name is the part before the first occurrence of this (a key without it goes to routing.default)");
    public static final ConfigKey<String> ROUTING_TABLE_SPEC = string("routing.table", "", "routing.mode=table: key=model pairs, comma-separated (db-1=db,web-7=web), or @FILE: a file of key=model lines (# comments); a key not in it goes to routing.default");
    public static final ConfigKey<String> ROUTING_DEFAULT = string("routing.default", "", "Model for the records the routing rule names no model for; empty = none: those records are dead-lettered NO_MODEL");
    public static final ConfigKey<Integer> ROUTING_MAX_MODELS = integer("routing.max.models", DEFAULT_ROUTING_MAX_MODELS, 1, 1024, "Most distinct models one routed scorer loads (and so most values of the metrics' model tag): a bundle of a further model name is refused, logged and counted (earthmover.model.rejected reason=too_many_models)");
    /** One RocksDB block cache for all of an instance's state stores: 32 MiB. */
    public static final long DEFAULT_ROCKSDB_CACHE_BYTES = 32L << 20;
    /** Memtables of all stores, charged to that cache: 8 MiB. */
    public static final long DEFAULT_ROCKSDB_WRITE_BUFFER_BYTES = 8L << 20;
    public static final ConfigKey<Long> SCORER_ROCKSDB_CACHE = longValue("scorer.rocksdb.cache.bytes", DEFAULT_ROCKSDB_CACHE_BYTES, 1L << 20, 1L << 40, "Off-heap bytes of the one RocksDB block cache shared by all state stores of the instance (blocks, index and filter blocks, and the memtables below): bounds RocksDB's native memory");
    public static final ConfigKey<Long> SCORER_ROCKSDB_WRITE_BUFFER = longValue("scorer.rocksdb.write.buffer.bytes", DEFAULT_ROCKSDB_WRITE_BUFFER_BYTES, 1L << 20, 1L << 40, "Bytes of memtables of all state stores together (one write-buffer manager, counted within scorer.rocksdb.cache.bytes, so at most that)");

    // trainer job: quality gate and metrics push
    public static final ConfigKey<Double> GATE_MIN_AUC = decimal("train.gate.min.auc", 0.8, 0.0, 1.0, "Quality gate: least ROC-AUC of the critic separating validation rows from synthetic anomalies");
    public static final ConfigKey<Double> GATE_MAX_FAR = decimal("train.gate.max.far", 0.05, 0.0, 1.0, "Quality gate: most false-alarm rate at the threshold on the validation rows");
    public static final ConfigKey<Double> GATE_MAX_SHIFTED_FAR = decimal("train.gate.max.shifted.far", 0.9, 0.0, 1.0, "Quality gate: most share of validation rows flagged once their newest record is moved by 0.1 of each feature's scale (a model above it would alarm on almost every record that is not a copy of the training data)");
    public static final ConfigKey<Double> GATE_TOLERANCE = decimal("train.gate.tolerance", 0.05, 0.0, 1.0, "Quality gate: how much worse than the current model (AUC lower, false-alarm rate higher) a new model may be");
    public static final ConfigKey<Double> GATE_VALIDATION = decimal("train.gate.validation.fraction", 0.1, 0.01, 0.5, "Share of rows kept out of training for the quality gate");
    public static final ConfigKey<String> GATE_FALLBACK = oneOf("train.gate.fallback", "rules", List.of("refuse", "rules", "model"), "What a first model the quality gate refuses does (no model serving under this name yet; a retrain the gate refuses always keeps the current model): rules = published marked as a fallback, its keys alarm from the range and frozen-value rules alone (the critic's scores are shown, its likelihood never alarms) until a model passes; model = published marked as a fallback and served as if accepted; refuse = nothing published, its keys get NO_MODEL dead letters");
    public static final ConfigKey<String> METRICS_PUSHGATEWAY = string("metrics.pushgateway", "", "host:port of a Prometheus Pushgateway the trainer pushes its metrics to (job earthmover-train); empty = off");

    private static final Map<String, ConfigKey<?>> ALL = new LinkedHashMap<>();

    static {
        for (ConfigKey<?> k : List.of(TOPIC_INPUT, TOPIC_SCORES, TOPIC_DLQ, TOPIC_TRAIN, TOPIC_MODELS, TOPIC_FEEDBACK, TOPIC_PARTITIONS,
                TOPIC_REPLICATION, TOPIC_MAX_BYTES, TOPIC_MODELS_MAX_BYTES, TOPIC_CREATE, CONNECT_WAIT, RECORD_MAX_BYTES,
                INPUT_FORMAT, INPUT_REGISTRY_URL, INPUT_FEATURES, BROKER_PORT, BROKER_DATA_DIR,
                METRICS_HOST, METRICS_PORT, INSPECT_ENABLED, INSPECT_PER_KEY, INSPECT_ALARMS, INSPECT_RETENTION,
                INSPECT_AUTH_TOKEN, INSPECT_APPLICATION_SERVER, FEATURES_WINDOW, FEATURES_DIFFERENCES, FEATURES_KEY_STANDARDISE, FEATURES_TIME_OF_DAY, FEATURES_NORMALISER, FEATURES_SQUASH, FEATURES_LEVEL,
                TRAIN_ITERATIONS, TRAIN_BATCH, TRAIN_CRITIC_STEPS, TRAIN_LAMBDA, TRAIN_GP_NORM, TRAIN_LOSS, TRAIN_LR, TRAIN_CLIP, TRAIN_BETA1, TRAIN_BETA2,
                TRAIN_SEED, TRAIN_LATENT, TRAIN_GEN_HIDDEN, TRAIN_CRITIC_HIDDEN, TRAIN_LAYER_NORM, TRAIN_ENSEMBLE, TRAIN_PATIENCE,
                TRAIN_HOLDOUT, TRAIN_MAX_ROWS, TRAIN_AUX_FRACTION, TRAIN_AUX_NOISE, TRAIN_ENCODER, TRAIN_CONDITIONAL, TRAIN_CYCLE_WEIGHT,
                TRAIN_RECONSTRUCTION_WEIGHT, CALIBRATION_QUANTILE, ATTRIBUTION_MIN_SCORE, ATTRIBUTION_TOP_K,
                ALARM_ENABLED, ALARM_SIGNAL, ALARM_THRESHOLD, ALARM_AVERAGING, ALARM_HISTORY, ALARM_BLOCK, ALARM_TAIL, ALARM_RECURRENCE, ALARM_SQUASH, ALARM_RANGE,
                ALARM_RANGE_TOLERANCE, ALARM_PERSISTENCE_K, ALARM_PERSISTENCE_N, ALARM_REFRACTORY, ALARM_REARM, ALARM_FROZEN, ALARM_FROZEN_LEARN,
                ALARM_ADAPT_GUARD, ALARM_ADAPT_DELAY,
                SCORER_APP_ID, SCORER_THREADS, SCORER_GUARANTEE, MODEL_NAME, SCORER_MODEL_SOURCE, SCORER_MODEL_FILE,
                SCORER_LATE_TOLERANCE, SCORER_DRIFT_WINDOW, SCORER_STATE_DIR, SCORER_COMMIT_INTERVAL,
                SCORER_ROCKSDB_CACHE, SCORER_ROCKSDB_WRITE_BUFFER,
                ROUTING_MODE, ROUTING_FIELD_NAME, ROUTING_KEY_SEPARATOR, ROUTING_TABLE_SPEC, ROUTING_DEFAULT, ROUTING_MAX_MODELS,
                GATE_MIN_AUC, GATE_MAX_FAR, GATE_MAX_SHIFTED_FAR, GATE_TOLERANCE, GATE_VALIDATION, GATE_FALLBACK, METRICS_PUSHGATEWAY)) {
            register(k);
        }
    }

    static void register(ConfigKey<?> k) {
        if (ALL.put(k.name(), k) != null) {
            throw new IllegalStateException("duplicate key " + k.name());
        }
    }

    public static Optional<ConfigKey<?>> find(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    public static List<ConfigKey<?>> all() {
        return List.copyOf(ALL.values());
    }
}
