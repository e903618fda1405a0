package io.earthmover.score;

import io.earthmover.alarm.AdaptationGuard;
import io.earthmover.alarm.AlarmPolicy;
import io.earthmover.alarm.AlarmResult;
import io.earthmover.alarm.AlarmSeed;
import io.earthmover.alarm.KeyAlarm;
import io.earthmover.features.Featuriser;
import io.earthmover.features.KeyStandardiser;
import io.earthmover.features.VectorResult;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ModelBundle;
import io.earthmover.model.ScoreResult;
import io.earthmover.record.ErrorCode;
import io.earthmover.record.ParseResult;
import io.earthmover.record.ParsedRecord;
import io.earthmover.record.RecordDecoder;
import java.time.Clock;
import org.apache.kafka.common.header.Headers;

/**
 * The service's processing of one record, without Kafka: parse and validate, standardise per key
 * (when the model says so), window per key, featurise, score with the plain-Java critic, run the key's alarm layer, write the score JSON.
 * Every input leaves as exactly one output: a score or a dead letter with its code. The Kafka
 * Streams processor and {@code score --input} both run this class, so what is evaluated offline is
 * what the service emits. One instance per stream task: not thread-safe.
 */
public final class ScoringEngine {
    private static final byte[] NULL_KEY = new byte[0];
    /**
     * Largest normalised feature magnitude scored. Far beyond any real outlier (a trillion standard
     * deviations), and small enough that the float32 critic cannot overflow: a larger value (1e300,
     * say) would give a NaN score, so it is dead-lettered as NON_FINITE instead.
     */
    static final double MAX_NORMALISED = 1e12;

    /** Where an outcome goes. */
    public interface Sink {
        void scored(byte[] json);

        /**
         * A scored output, whether it alarms (what the inspection stores keep apart) and its position
         * among its key's outputs (0, 1, 2, ... from the key's stored state), or -1 where the key keeps
         * no state (a model without a window, alarm layer or per-key standardiser): where the inspection
         * stores put it in the key's ring without a read.
         */
        default void scored(byte[] json, boolean anomaly, long position) {
            scored(json);
        }

        void deadLetter(ErrorCode code, String message);
    }

    private final ScorerSettings settings;
    private final AlarmPolicy policy;
    private final ModelSet models;
    private final ModelRouter router;
    private final ScorerMetrics metrics;
    private final KeyStateStore store;
    private final KeyFeedback feedback;
    private final Clock clock;
    private final RecordDecoder parser;
    private final ScoreJson json = new ScoreJson();
    private final AlarmResult alarmResult = new AlarmResult();
    /** Routed: each model's working state, by name (at most routing.max.models). */
    private final java.util.Map<String, Slot> slots = new java.util.HashMap<>();
    /** The slot of the previous record: mode none (and a run of one model's records) skips the lookup. */
    private Slot last;

    /**
     * One model's working state in this task, rebuilt when its holder swaps models. Routed, its
     * key-state store is tagged with the model's name, so a key re-routed to another model starts
     * afresh instead of mixing one model's window and alarm state into another's.
     */
    private final class Slot {
        final ModelSet.Served served;
        /** Routed: the model's {@link ModelTag} on its keys' state; null with one model. */
        final byte[] tag;
        final String modelName;
        final ScorerMetrics.ModelMeters meters;
        ModelHolder.Loaded cached;
        Featuriser featuriser;
        FastScorer scorer;
        ScoreResult result;
        float[] input;
        double[][] window;
        WindowHistory history;
        KeyAlarm alarm;
        AlarmSeed seed;
        KeyStandardiser standardiser;
        /** With {@code alarm.adapt.guard} and a per-key standardising model: the standardiser's delay line, else null. */
        AdaptationGuard standardiserGuard;
        double[] releasedRaw;
        double[] standardised;
        double[] expected;
        boolean stateful;
        /** The key's output count as it will be stored: this record's output included. */
        long outputs;

        Slot(ModelSet.Served served, boolean routed) {
            this.served = served;
            this.tag = routed ? ModelTag.of(served.name()) : null;
            this.modelName = routed ? served.name() : null;
            this.meters = routed ? metrics.modelMeters(served.name()) : null;
        }

        void use(ModelHolder.Loaded m) {
            cached = m;
            ModelBundle b = m.bundle();
            featuriser = b.featuriser();
            scorer = b.newScorer(settings.topK());
            result = new ScoreResult(settings.topK());
            input = new float[featuriser.inputSize()];
            window = new double[featuriser.historyLength()][];
            int dim = b.schema().size();
            // room for window-1 records beyond the window, so a late record placed among the newest still has its predecessors
            history = window.length > 1 ? new WindowHistory(2 * featuriser.historyLength() - 1, dim) : null;
            // the range and frozen-value rules watch the record's own features, not the derived time of day
            alarm = policy.enabled() ? new KeyAlarm(policy, b.schema().recordSize()) : null;
            standardiser = b.keyStandardise() ? new KeyStandardiser(dim) : null;
            standardiserGuard = standardiser != null && policy.adaptGuard() ? new AdaptationGuard(dim, policy.adaptDelay()) : null;
            releasedRaw = new double[dim];
            standardised = new double[dim];
            expected = new double[b.schema().recordSize()];
            stateful = history != null || alarm != null || standardiser != null;
            seed = b.alarmSeed();
        }
    }

    public ScoringEngine(ScorerSettings settings, ModelHolder holder, ScorerMetrics metrics, DriftTracker drift,
            KeyStateStore store, Clock clock) {
        this(settings, holder, metrics, drift, store, KeyFeedback.NONE, clock);
    }

    /** As above, with operator feedback raising keys' thresholds. */
    public ScoringEngine(ScorerSettings settings, ModelHolder holder, ScorerMetrics metrics, DriftTracker drift,
            KeyStateStore store, KeyFeedback feedback, Clock clock) {
        this(settings, ModelSet.single(holder, drift), metrics, store, feedback, clock);
    }

    /** Over the models of a (routed or single-model) {@link ModelSet}. */
    public ScoringEngine(ScorerSettings settings, ModelSet models, ScorerMetrics metrics, KeyStateStore store,
            KeyFeedback feedback, Clock clock) {
        this.feedback = feedback;
        this.settings = settings;
        this.policy = settings.alarm();
        this.models = models;
        this.router = models.router();
        this.metrics = metrics;
        this.store = store;
        this.clock = clock;
        this.parser = settings.input().decoder(settings.recordMaxBytes());
    }

    /** Processes one record: {@code key} may be null (one series), {@code recordTs} is the Kafka timestamp. */
    public void process(byte[] key, byte[] value, long recordTs, Sink sink) {
        process(key, value, null, recordTs, sink);
    }

    /** As above, with the record's headers (where a registry serializer may have put the schema id), or null. */
    public void process(byte[] key, byte[] value, Headers headers, long recordTs, Sink sink) {
        metrics.recordIn();
        ParseResult pr = parser.decode(value, headers, recordTs);
        if (pr instanceof ParseResult.Rejected r) {
            reject(sink, r.code(), r.message());
            return;
        }
        ParsedRecord p = ((ParseResult.Accepted) pr).record();
        Slot a = slot(key, value, sink);
        if (a == null) {
            return;
        }
        ModelHolder.Loaded m = a.cached;
        VectorResult vr = m.bundle().schema().vectorise(p);
        if (vr instanceof VectorResult.Bad b) {
            reject(sink, b.code(), b.message());
            return;
        }
        double[] v = ((VectorResult.Ok) vr).values();
        long t0 = System.nanoTime();
        byte[] k = key == null ? NULL_KEY : key;
        long position = -1;
        if (a.stateful) {
            byte[] stored = store.get(k);
            // routed: a value another model wrote reads as none, so the key starts afresh under this one
            int offset = a.tag == null ? 0 : a.tag.length;
            position = KeyState.load(a.tag == null || ModelTag.owns(stored, a.tag) ? stored : null, offset, a.history,
                    a.standardiser, a.standardiserGuard, a.alarm, a.seed);
            a.outputs = position + 1;
        }
        double[] x = v;
        // under the guard a ready key's record is standardised now and learnt later (or never): guardStandardiser
        boolean guarded = false;
        if (a.standardiser != null) {
            boolean ready = a.standardiser.ready();
            guarded = ready && a.standardiserGuard != null;
            if (guarded) {
                a.standardiser.apply(v, a.standardised);
            } else {
                a.standardiser.standardise(v, a.standardised);
            }
            x = a.standardised;
            if (!ready) {
                // the key's statistics are too young to standardise with: kept, the record not scored
                save(a, k);
                metrics.recordWarmingUp();
                unscored(sink, a, p, recordTs, false, position);
                return;
            }
        }
        String range = outOfRange(a, x, v);
        if (range != null) {
            reject(sink, ErrorCode.NON_FINITE, range);
            return;
        }
        boolean late = false;
        WindowHistory history = a.history;
        if (a.window.length == 1) {
            a.window[0] = x;
        } else {
            int pos = history.count();
            if (pos > 0 && p.ts() < history.newestTs()) {
                late = true;
                if (history.newestTs() - p.ts() > settings.lateToleranceMs()) {
                    metrics.recordLate(false);
                    save(a, k); // the window is unchanged; the output count moves on
                    unscored(sink, a, p, recordTs, true, position);
                    return;
                }
                pos = history.positionOf(p.ts());
            }
            int at = history.insert(pos, p.ts(), x);
            if (at < 0) {
                metrics.recordLate(false);
                save(a, k);
                unscored(sink, a, p, recordTs, true, position);
                return;
            }
            if (!history.windowEndingAt(at, a.window)) {
                if (guarded) {
                    // not scored, so not flagged itself; the records after it still guard it
                    guardStandardiser(a, v, false);
                }
                save(a, k);
                if (late) {
                    metrics.recordLate(false);
                } else {
                    metrics.recordWarmingUp();
                }
                unscored(sink, a, p, recordTs, late, position);
                return;
            }
            if (late) {
                metrics.recordLate(true);
            }
        }
        ScoreResult result = a.result;
        a.featuriser.featurise(a.window, a.input);
        // the input gradient is about half the cost: computed below only where it is shown
        a.scorer.score(a.input, result, false);
        if (!Double.isFinite(result.score) || !Double.isFinite(result.critic)) {
            // a safety net: the range check above should make this unreachable
            reject(sink, ErrorCode.NON_FINITE, "the critic's output is not finite for this record");
            return;
        }
        // the range rule sees what the model sees: raw values, or the key's standardised ones
        decide(a, m.bundle(), x, v, feedback.raiseFor(k));
        if (guarded) {
            guardStandardiser(a, v, alarmResult.flagged);
        }
        if (alarmResult.anomaly || result.score >= settings.attributionMinScore()) {
            a.scorer.attribute(a.input, result);
        }
        if (a.stateful) {
            save(a, k);
        }
        long nanos = System.nanoTime() - t0;
        metrics.recordScored(result.score, alarmResult.anomaly, nanos);
        if (a.meters != null) {
            a.meters.recordScored(alarmResult.anomaly);
        }
        a.served.drift().add(result.critic);
        long now = clock.millis();
        sink.scored(json.scored(p.id(), p.ts(), result, alarmResult, m.bundle().threshold(), m.version(), a.modelName,
                a.featuriser, now, late, expected(a)), alarmResult.anomaly, position);
        metrics.recordLatency(now - recordTs);
    }

    /**
     * The model that scores a record, its working state current, or null once the record has been
     * dead-lettered {@code NO_MODEL} (no model loaded; routed: the rule names none and there is no
     * {@code routing.default}, or the named model is not loaded).
     */
    private Slot slot(byte[] key, byte[] value, Sink sink) {
        ModelSet.Served served = models.single();
        String name = null;
        if (served == null) {
            name = router.route(key, value);
            if (name == null) {
                reject(sink, ErrorCode.NO_MODEL, "the routing rule (routing.mode=" + router.mode().name().toLowerCase(java.util.Locale.ROOT)
                        .replace('_', '-') + ") names no model for this record and routing.default is empty");
                return null;
            }
            served = models.get(name);
        }
        ModelHolder.Loaded m = served == null ? null : served.holder().current();
        if (m == null) {
            reject(sink, ErrorCode.NO_MODEL, name == null ? "no model loaded" : "model '" + name + "' is not loaded");
            return null;
        }
        Slot a = last != null && last.served == served ? last : slots.get(served.name());
        if (a == null || a.served != served) {
            a = new Slot(served, router.routed());
            slots.put(served.name(), a);
        }
        if (a.cached != m) {
            a.use(m);
        }
        last = a;
        return a;
    }

    /** Stores the key's state as the slot's model holds it (behind its tag when routed). */
    private void save(Slot a, byte[] k) {
        store.put(k, KeyState.store(a.tag, a.outputs, a.history, a.standardiser, a.standardiserGuard, a.alarm));
    }

    /**
     * The newest record's values as the model reconstructed them, in the record's own units (the
     * normaliser and, with per-key standardisation, the key's statistics undone), or null for a
     * model without an encoder.
     */
    private static double[] expected(Slot a) {
        ScoreResult result = a.result;
        if (!result.reconstructed) {
            return null;
        }
        Featuriser featuriser = a.featuriser;
        for (int j = 0; j < a.expected.length; j++) {
            double x = featuriser.normaliser().invert(j,
                    featuriser.normalisedOf(j, result.reconstruction[featuriser.newestInput(j)]));
            a.expected[j] = a.standardiser == null ? x : a.standardiser.unstandardise(j, x);
        }
        return a.expected;
    }

    /** Offers a record's raw values to the standardiser's delay line; a clean released record is learnt. */
    private static void guardStandardiser(Slot a, double[] raw, boolean flagged) {
        if (a.standardiserGuard.offer(raw, flagged, a.releasedRaw)) {
            a.standardiser.add(a.releasedRaw);
        }
    }

    /** The alarm layer's decision, or without it the calibrated score against the model's threshold. */
    private void decide(Slot a, ModelBundle b, double[] inputs, double[] raw, double raise) {
        ScoreResult result = a.result;
        if (a.alarm == null) {
            alarmResult.likelihood = Double.NaN;
            alarmResult.alarmScore = result.score;
            alarmResult.threshold = b.threshold() + raise;
            // a rules-only fallback without the alarm layer has no rule to alarm by
            alarmResult.anomaly = result.anomaly && result.score >= alarmResult.threshold && !b.rulesOnly();
            alarmResult.anomalous = alarmResult.anomaly;
            alarmResult.flagged = alarmResult.anomaly;
            alarmResult.reason = alarmResult.anomaly ? AlarmResult.Reason.SCORE : null;
            return;
        }
        a.alarm.thresholdRaise(raise);
        a.alarm.next(b.surprise(result.critic), result.score, b.threshold(), inputs, raw, !b.rulesOnly(), alarmResult);
    }

    /** Why a record's model inputs {@code x} (raw values {@code v}) are too far outside the model's range to be scored, or null. */
    private static String outOfRange(Slot a, double[] x, double[] v) {
        for (int j = 0; j < x.length; j++) {
            double z = a.featuriser.normaliser().apply(j, x[j]);
            if (!(Math.abs(z) <= MAX_NORMALISED)) {
                return "feature " + a.cached.bundle().schema().names().get(j) + " = " + v[j]
                        + " is too far outside the model's range to be scored (normalised " + z + ")";
            }
        }
        return null;
    }

    private void unscored(Sink sink, Slot a, ParsedRecord p, long recordTs, boolean late, long position) {
        long now = clock.millis();
        ModelHolder.Loaded m = a.cached;
        sink.scored(json.unscored(p.id(), p.ts(), m.bundle().threshold(), m.version(), a.modelName, now, late), false, position);
        metrics.recordLatency(now - recordTs);
    }

    private void reject(Sink sink, ErrorCode code, String message) {
        metrics.recordRejected(code);
        sink.deadLetter(code, message);
    }

    /** Releases the decoder (a registry client for Avro and Protobuf input). */
    public void close() {
        parser.close();
    }
}
