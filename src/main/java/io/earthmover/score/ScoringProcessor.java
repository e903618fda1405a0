package io.earthmover.score;

import io.earthmover.inspect.InspectSettings;
import io.earthmover.inspect.InspectStores;
import io.earthmover.inspect.RecentRecorder;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.record.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams side of {@link ScoringEngine}: hands it each record with the task's key-state
 * store and forwards what it emits to the score topic or the DLQ. One instance per task, so its
 * engine and buffers are used by one thread at a time.
 */
final class ScoringProcessor implements Processor<byte[], byte[], byte[], byte[]>, ScoringEngine.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);

    private final ScorerSettings settings;
    private final InspectSettings inspect;
    private final ModelSet models;
    private final ScorerMetrics metrics;
    private final WindowKeys windowKeys;
    private final Clock clock;
    /** The tasks' feedback stores, shared with {@link FeedbackProcessor}; null without inspection. */
    private final FeedbackStores feedbackStores;

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, byte[]> store;
    private TaskId taskId;
    private ScoringEngine engine;
    private Record<byte[], byte[]> current;
    private RecentRecorder recorder;

    ScoringProcessor(ScorerSettings settings, InspectSettings inspect, ModelSet models, ScorerMetrics metrics,
            WindowKeys windowKeys, Clock clock, FeedbackStores feedbackStores) {
        this.settings = settings;
        this.inspect = inspect;
        this.models = models;
        this.metrics = metrics;
        this.windowKeys = windowKeys;
        this.clock = clock;
        this.feedbackStores = feedbackStores;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> ctx) {
        this.context = ctx;
        this.store = ctx.getStateStore(ScoringTopology.WINDOW_STORE);
        this.taskId = ctx.taskId();
        KeyFeedback feedback = inspect.enabled() ? feedbackStores.open(taskId, ctx.getStateStore(FeedbackStore.NAME)) : KeyFeedback.NONE;
        this.engine = new ScoringEngine(settings, models, metrics, new KeyStateStore() {
            @Override
            public byte[] get(byte[] key) {
                return store.get(Bytes.wrap(key));
            }

            @Override
            public void put(byte[] key, byte[] state) {
                store.put(Bytes.wrap(key), state);
            }
        }, feedback, clock);
        ctx.schedule(Duration.ofSeconds(10), PunctuationType.WALL_CLOCK_TIME,
                t -> windowKeys.report(taskId, store.approximateNumEntries()));
        if (inspect.enabled()) {
            RecentRecorder r = new RecentRecorder(inspect, ctx.getStateStore(InspectStores.RECENT),
                    ctx.getStateStore(InspectStores.ALARMS));
            ctx.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, t -> r.purge(clock.millis()));
            recorder = r;
        }
    }

    @Override
    public void process(Record<byte[], byte[]> rec) {
        current = rec;
        try {
            engine.process(rec.key(), rec.value(), rec.headers(), rec.timestamp(), this);
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure scoring a record; sent to the DLQ", e);
            metrics.recordRejected(ErrorCode.PROCESSING_ERROR);
            deadLetter(ErrorCode.PROCESSING_ERROR, e.toString());
        }
    }

    @Override
    public void scored(byte[] json) {
        scored(json, false, -1);
    }

    @Override
    public void scored(byte[] json, boolean anomaly, long position) {
        context.forward(current.withValue(json), ScoringTopology.SCORES_SINK);
        if (recorder != null) {
            recorder.record(current.key(), current.value(), json, current.timestamp(), clock.millis(), anomaly, position);
        }
    }

    @Override
    public void deadLetter(ErrorCode code, String message) {
        Record<byte[], byte[]> rec = current;
        RecordMetadata md = context.recordMetadata().orElse(null);
        var headers = DeadLetters.headers(rec.headers(), code, message, md == null ? null : md.topic(),
                md == null ? -1 : md.partition(), md == null ? -1 : md.offset());
        context.forward(new Record<>(rec.key(), rec.value(), rec.timestamp(), headers), ScoringTopology.DLQ_SINK);
    }

    @Override
    public void close() {
        windowKeys.forget(taskId);
        if (feedbackStores != null) {
            feedbackStores.close(taskId);
        }
        if (engine != null) {
            engine.close();
        }
    }
}
