package io.earthmover.score;

import io.earthmover.inspect.InspectSettings;
import io.earthmover.inspect.InspectStores;
import io.earthmover.metrics.ScorerMetrics;
import java.time.Clock;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the scoring topology: a pure function of its arguments, called by the scorer and by the
 * tests alike. One source ({@code events-in}), one processor with the per-key window store (a
 * persistent store with a changelog, so windows survive restarts and rebalances), two sinks
 * ({@code anomaly-scores}, {@code events-dlq}). Keys and values stay bytes end to end: nothing
 * can fail to deserialise, and dead letters keep the original bytes. With inspection on, the
 * processor also keeps the stores of recent outputs and alarms ({@link InspectStores}) the
 * interactive queries read, and reads operator feedback ({@code anomaly-feedback}) into the
 * {@link FeedbackStore} that raises a key's alarm threshold.
 */
public final class ScoringTopology {
    public static final String SOURCE = "events-source";
    public static final String PROCESSOR = "score";
    public static final String WINDOW_STORE = "earthmover-windows";
    public static final String SCORES_SINK = "scores-sink";
    public static final String DLQ_SINK = "dlq-sink";
    public static final String FEEDBACK_SOURCE = "feedback-source";
    public static final String FEEDBACK_PROCESSOR = "feedback";
    public static final String FEEDBACK_STORE = FeedbackStore.NAME;

    private ScoringTopology() {
    }

    /** The topology without inspection stores. */
    public static Topology build(ScorerSettings s, ModelHolder holder, ScorerMetrics metrics, DriftTracker drift,
            WindowKeys windowKeys, Clock clock) {
        return build(s, InspectSettings.OFF, holder, metrics, drift, windowKeys, clock);
    }

    public static Topology build(ScorerSettings s, InspectSettings inspect, ModelHolder holder, ScorerMetrics metrics,
            DriftTracker drift, WindowKeys windowKeys, Clock clock) {
        return build(s, inspect, ModelSet.single(holder, drift), metrics, windowKeys, clock);
    }

    /** Over the models of a {@link ModelSet} (routed, or the one model). */
    public static Topology build(ScorerSettings s, InspectSettings inspect, ModelSet models, ScorerMetrics metrics,
            WindowKeys windowKeys, Clock clock) {
        Topology t = new Topology();
        // each task's feedback store object, shared by its scoring and feedback processors
        FeedbackStores feedback = inspect.enabled() ? new FeedbackStores() : null;
        t.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), s.inputTopic());
        t.addProcessor(PROCESSOR, () -> new ScoringProcessor(s, inspect, models, metrics, windowKeys, clock, feedback), SOURCE);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOW_STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        if (inspect.enabled()) {
            t.addStateStore(InspectStores.recent(), PROCESSOR);
            t.addStateStore(InspectStores.alarms(), PROCESSOR);
            // operator feedback (marked on the page): one store shared with the scorer, so one task per partition
            t.addSource(FEEDBACK_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                    inspect.feedbackTopic());
            t.addProcessor(FEEDBACK_PROCESSOR, () -> new FeedbackProcessor(metrics, feedback), FEEDBACK_SOURCE);
            t.addStateStore(FeedbackStore.builder(), PROCESSOR, FEEDBACK_PROCESSOR);
        }
        t.addSink(SCORES_SINK, s.scoresTopic(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        t.addSink(DLQ_SINK, s.dlqTopic(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), PROCESSOR);
        return t;
    }
}
