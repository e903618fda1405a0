package io.earthmover.score;

import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.config.ConfigException;
import io.earthmover.inspect.FeedbackApi;
import io.earthmover.inspect.FeedbackSink;
import io.earthmover.inspect.InspectApi;
import io.earthmover.inspect.InspectQueries;
import io.earthmover.inspect.InspectSettings;
import io.earthmover.inspect.StaticPage;
import io.earthmover.inspect.StreamsKeyOwners;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.TopicAdmin;
import io.earthmover.metrics.MetricsServer;
import io.earthmover.metrics.ScorerMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring service: topics, model sources, the Kafka Streams application and the HTTP
 * endpoints. Records wait in Kafka until a model is loaded: Streams is started only then
 * (the topology would dead-letter a record that meets no model as {@code NO_MODEL}, but with this
 * order none does), and {@code /health/ready} is false meanwhile. Routed ({@code routing.mode}), it
 * serves every model of the models topic (up to {@code routing.max.models}) and starts once the
 * topic has been read to the end it had at start and a model (the {@code routing.default}, when
 * set) serves.
 */
public final class ScorerApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScorerApp.class);

    private final EarthmoverConfig config;
    private final PrometheusMeterRegistry registry;
    private final ScorerMetrics metrics;
    private final ModelSet models;
    /** Mode none: the one model's holder; null when routed. */
    private final ModelHolder holder;
    private volatile ModelWatcher watcher;
    private final InspectSettings inspect;
    private final WindowKeys windowKeys = new WindowKeys();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private volatile KafkaStreams streams;
    private volatile boolean closed;
    private volatile MetricsServer server;

    public ScorerApp(EarthmoverConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.metrics = new ScorerMetrics(registry);
        this.models = new ModelSet(ModelRouter.from(config), metrics, Clock.systemUTC(), config.get(ConfigKeys.SCORER_DRIFT_WINDOW),
                ScorerSettings.alarmPolicy(config));
        this.holder = models.single() == null ? null : models.single().holder();
        this.inspect = InspectSettings.from(config);
        if (holder != null) {
            metrics.driftGauge(models.single().drift()::drift);
        } else {
            // routed: the largest drift of any model, so one alert rule covers them all (per model: earthmover.model.drift.wasserstein)
            metrics.driftGauge(() -> models.all().stream().mapToDouble(m -> m.drift().drift()).filter(d -> !Double.isNaN(d))
                    .max().orElse(Double.NaN));
        }
        metrics.windowKeysGauge(windowKeys::total);
        metrics.rocksDbCacheGauge(BoundedRocksDbConfig::cacheUsageBytes);
    }

    /** The Kafka Streams configuration: a pure function of the earthmover configuration. */
    public static Properties streamsProperties(EarthmoverConfig c, ScorerMetrics metrics) {
        Properties p = new Properties();
        // throughput defaults a user's kafka.* settings may override
        // room for the largest record events-in holds plus dead-letter headers, so it can still be dead-lettered
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                c.get(ConfigKeys.TOPIC_MAX_BYTES) + TopicAdmin.DLQ_HEADER_ROOM + 1024);
        // linger 1 ms: measured (bench pipeline --variant) p50 7 -> 3 ms at the same load with no throughput
        // lost; under load batches fill while requests are in flight anyway (README "Benchmarks")
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, c.get(ConfigKeys.SCORER_COMMIT_INTERVAL));
        // never wait for an empty input partition of a task: the feedback topic shares the scoring task
        // and is empty nearly always. Scoring must not wait for feedback, and with the default (0)
        // Kafka Streams 4.3 formats a log line (String.format) for the empty partition on every
        // record it processes, whether or not the line is logged: 5 % of the stream thread's samples
        // in a profile of `bench pipeline` (docs/operations.md, "Where the served topology's time goes")
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // RocksDB's native memory bounded by one cache for all stores; the budget is checked here, at start-up
        BoundedRocksDbConfig.Budget rocks = new BoundedRocksDbConfig.Budget(c.get(ConfigKeys.SCORER_ROCKSDB_CACHE),
                c.get(ConfigKeys.SCORER_ROCKSDB_WRITE_BUFFER));
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        p.put(BoundedRocksDbConfig.CACHE_BYTES, rocks.cacheBytes());
        p.put(BoundedRocksDbConfig.WRITE_BUFFER_BYTES, rocks.writeBufferBytes());
        p.putAll(c.kafkaProperties());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.get(ConfigKeys.SCORER_APP_ID));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, c.get(ConfigKeys.SCORER_THREADS));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, c.get(ConfigKeys.SCORER_GUARANTEE));
        String stateDir = c.get(ConfigKeys.SCORER_STATE_DIR);
        if (!stateDir.isEmpty()) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        }
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, ErrorHandlers.Deserialization.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ErrorHandlers.Processing.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ErrorHandlers.Production.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // the default from Kafka 5.0
        // Streams' partition assignor builds a StreamsConfig of its own from the main consumer's settings,
        // which leave this flag out, and so warned on every start that the global thread's handler is off
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        p.put(ErrorHandlers.DLQ_TOPIC, c.get(ConfigKeys.TOPIC_DLQ));
        if (metrics != null) {
            p.put(ErrorHandlers.METRICS, metrics);
        }
        return p;
    }

    public Topology topology() {
        return ScoringTopology.build(ScorerSettings.from(config), inspect, models, metrics, windowKeys, Clock.systemUTC());
    }

    /**
     * Starts the HTTP endpoints and model sources, waits until a model is loaded (or
     * {@code modelWait} passes: then throws), and starts Kafka Streams.
     */
    public void start(Duration modelWait) {
        bindJvmMetrics();
        server = new MetricsServer(config.get(ConfigKeys.METRICS_HOST), config.get(ConfigKeys.METRICS_PORT), registry,
                this::ready, this::readyDetail);
        closeables.add(server);
        LOG.info("metrics and health on {}/metrics", server.url());
        HostInfo self = inspect.enabled() ? applicationServer() : null;
        if (self != null) {
            StreamsKeyOwners owners = new StreamsKeyOwners(() -> streams, self);
            server.route("/api/", new InspectApi(this::queries, owners, Clock.systemUTC()));
            server.route(FeedbackApi.PATH, new FeedbackApi(this::queries, owners, feedbackSink(),
                    config.get(ConfigKeys.INSPECT_AUTH_TOKEN), Clock.systemUTC()));
            server.route("/", new StaticPage());
            LOG.info("inspection page on {}/ (API /api/keys/<key>, /api/anomalies, POST /api/feedback; application.server {}:{})",
                    server.url(), self.host(), self.port());
        }
        if (config.get(ConfigKeys.TOPIC_CREATE)) {
            new TopicAdmin(config).ensureTopics();
        } else if (inspect.enabled()) {
            requireFeedbackTopic();
        }
        String source = config.get(ConfigKeys.SCORER_MODEL_SOURCE);
        if (!source.equals("topic")) {
            String file = config.get(ConfigKeys.SCORER_MODEL_FILE);
            if (file.isEmpty() || !Files.isRegularFile(Path.of(file))) {
                throw new IllegalArgumentException("configuration key 'scorer.model.file': '" + file
                        + "' is not a readable file (scorer.model.source=" + source + ")");
            }
            closeables.add(new FileModelSource(Path.of(file), holder).start());
        }
        if (!source.equals("file")) {
            watcher = new ModelWatcher(KafkaProps.consumer(config), config.get(ConfigKeys.TOPIC_MODELS), models).start();
            closeables.add(watcher);
        }
        awaitModel(modelWait);
        Properties props = streamsProperties(config, metrics);
        if (self != null) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        }
        KafkaStreams ks = new KafkaStreams(topology(), props);
        ks.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        new KafkaStreamsMetrics(ks).bindTo(registry);
        streams = ks;
        ks.start();
        LOG.info("scorer started: {} -> {} / {} (application.id {}, {} thread(s), {})", config.get(ConfigKeys.TOPIC_INPUT),
                config.get(ConfigKeys.TOPIC_SCORES), config.get(ConfigKeys.TOPIC_DLQ), config.get(ConfigKeys.SCORER_APP_ID),
                config.get(ConfigKeys.SCORER_THREADS), config.get(ConfigKeys.SCORER_GUARANTEE));
    }

    /** Writes accepted feedback to topics.feedback, keyed by the record key; waits for the broker's ack. */
    private FeedbackSink feedbackSink() {
        Map<String, Object> p = new HashMap<>(KafkaProps.producer(config));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        closeables.add(producer);
        String topic = config.get(ConfigKeys.TOPIC_FEEDBACK);
        return (key, value) -> producer.send(new ProducerRecord<>(topic, key, value)).get(10, TimeUnit.SECONDS);
    }

    /** How other instances reach this one: scorer.application.server, or the bound metrics address. */
    private HostInfo applicationServer() {
        String configured = config.get(ConfigKeys.INSPECT_APPLICATION_SERVER);
        if (configured.isEmpty()) {
            return new HostInfo(config.get(ConfigKeys.METRICS_HOST), server.port());
        }
        int colon = configured.lastIndexOf(':');
        try {
            int port = Integer.parseInt(configured.substring(colon + 1));
            if (colon <= 0 || port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return new HostInfo(configured.substring(0, colon), port);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new ConfigException(ConfigKeys.INSPECT_APPLICATION_SERVER.name(), "must be host:port, not '" + configured + "'");
        }
    }

    /** The local stores' queries, or null while Streams cannot be queried. */
    private InspectQueries queries() {
        KafkaStreams ks = streams;
        if (ks == null || !ks.state().isRunningOrRebalancing()) {
            return null;
        }
        return new InspectQueries(inspect, name -> ks.store(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<org.apache.kafka.common.utils.Bytes, byte[]>keyValueStore())));
    }

    /**
     * With the inspection API on, the topology reads {@code topics.feedback} in the scoring processor's
     * sub-topology: were the topic missing, Kafka Streams would leave that whole sub-topology, scoring
     * included, unassigned. Refused at start instead, naming the key.
     */
    private void requireFeedbackTopic() {
        String topic = config.get(ConfigKeys.TOPIC_FEEDBACK);
        if (!new TopicAdmin(config).exists(topic)) {
            throw new IllegalArgumentException("configuration key 'topics.feedback': topic '" + topic + "' does not exist and"
                    + " topics.create=false; create it (k8s/base/kafka/topics.yaml) with as many partitions as "
                    + config.get(ConfigKeys.TOPIC_INPUT) + ", or set inspect.enabled=false");
        }
    }

    /** The address of the inspection page, or null when inspect.enabled is false. */
    public String pageUrl() {
        return inspect.enabled() && server != null ? server.url() + "/" : null;
    }

    private void awaitModel(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        String waitingFor = holder != null ? "model '" + holder.modelName() + "'"
                : "the models on " + config.get(ConfigKeys.TOPIC_MODELS) + (models.router().defaultModel() == null ? ""
                : " (routing.default '" + models.router().defaultModel() + "' among them)");
        if (!modelsReady()) {
            LOG.info("waiting for {} ({}); records wait in Kafka until one is loaded", waitingFor,
                    config.get(ConfigKeys.SCORER_MODEL_SOURCE));
        }
        while (!modelsReady() && !closed) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no valid " + (holder != null ? waitingFor : "models (" + waitingFor + ")")
                        + " arrived within " + wait);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a model", e);
            }
        }
    }

    /**
     * Mode none: the model serves. Routed: the models topic has been read to its end at start (so
     * no record meets NO_MODEL only because its model's bundle was not read yet), a model serves,
     * and so does routing.default when set.
     */
    private boolean modelsReady() {
        if (holder != null) {
            return holder.hasModel();
        }
        String def = models.router().defaultModel();
        ModelSet.Served d = def == null ? null : models.get(def);
        return watcher != null && watcher.caughtUp() && models.hasModel()
                && (def == null || d != null && d.holder().hasModel());
    }

    private void bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public boolean ready() {
        KafkaStreams ks = streams;
        return ks != null && ks.state() == KafkaStreams.State.RUNNING && models.hasModel();
    }

    private String readyDetail() {
        KafkaStreams ks = streams;
        String state = "streams=" + (ks == null ? "NOT_STARTED" : ks.state());
        if (holder != null) {
            ModelHolder.Loaded m = holder.current();
            return state + " model=" + (m == null ? "none" : m.version());
        }
        StringBuilder sb = new StringBuilder(state).append(" models=");
        List<ModelSet.Served> all = models.all();
        for (int i = 0; i < all.size(); i++) {
            ModelHolder.Loaded m = all.get(i).holder().current();
            sb.append(i == 0 ? "" : ",").append(all.get(i).name()).append(':').append(m == null ? "none" : m.version());
        }
        return all.isEmpty() ? sb.append("none").toString() : sb.toString();
    }

    /** Mode none: the one model's holder; null when routed (see {@link #models()}). */
    public ModelHolder holder() {
        return holder;
    }

    /** The models served: the one of mode none, or the routed ones loaded so far. */
    public ModelSet models() {
        return models;
    }

    public ScorerMetrics metrics() {
        return metrics;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public int httpPort() {
        return server.port();
    }

    @Override
    public void close() {
        closed = true;
        KafkaStreams ks = streams;
        if (ks != null) {
            ks.close(Duration.ofSeconds(30));
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", closeables.get(i), e.toString());
            }
        }
    }

    /** For tests: the holder's bundle source can also be fed directly (mode none). */
    public ModelHolder.Outcome offer(byte[] bundle, String source) {
        return holder.offer(bundle, source);
    }
}
