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

        /** A scored output and whether it alarms (what the inspection stores keep apart). */
        default void scored(byte[] json, boolean anomaly) {
            scored(json);
        }

        void deadLetter(ErrorCode code, String message);
    }

    private final ScorerSettings settings;
    private final AlarmPolicy policy;
    private final ModelHolder holder;
    private final ScorerMetrics metrics;
    private final DriftTracker drift;
    private final KeyStateStore store;
    private final KeyFeedback feedback;
    private final Clock clock;
    private final RecordDecoder parser;
    private final ScoreJson json = new ScoreJson();
    private final AlarmResult alarmResult = new AlarmResult();

    // per-model state, rebuilt when the holder swaps models
    private ModelHolder.Loaded cached;
    private Featuriser featuriser;
    private FastScorer scorer;
    private ScoreResult result;
    private float[] input;
    private double[][] window;
    private WindowHistory history;
    private KeyAlarm alarm;
    private AlarmSeed seed;
    private KeyStandardiser standardiser;
    /** With {@code alarm.adapt.guard} and a per-key standardising model: the standardiser's delay line, else null. */
    private AdaptationGuard standardiserGuard;
    private double[] releasedRaw;
    private double[] standardised;
    private double[] expected;
    private boolean stateful;

    public ScoringEngine(ScorerSettings settings, ModelHolder holder, ScorerMetrics metrics, DriftTracker drift,
            KeyStateStore store, Clock clock) {
        this(settings, holder, metrics, drift, store, KeyFeedback.NONE, clock);
    }

    /** As above, with operator feedback raising keys' thresholds. */
    public ScoringEngine(ScorerSettings settings, ModelHolder holder, ScorerMetrics metrics, DriftTracker drift,
            KeyStateStore store, KeyFeedback feedback, Clock clock) {
        this.feedback = feedback;
        this.settings = settings;
        this.policy = settings.alarm();
        this.holder = holder;
        this.metrics = metrics;
        this.drift = drift;
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
        ModelHolder.Loaded m = holder.current();
        if (m == null) {
            reject(sink, ErrorCode.NO_MODEL, "no model loaded");
            return;
        }
        if (m != cached) {
            use(m);
        }
        VectorResult vr = m.bundle().schema().vectorise(p);
        if (vr instanceof VectorResult.Bad b) {
            reject(sink, b.code(), b.message());
            return;
        }
        double[] v = ((VectorResult.Ok) vr).values();
        long t0 = System.nanoTime();
        byte[] k = key == null ? NULL_KEY : key;
        if (stateful) {
            KeyState.load(store.get(k), history, standardiser, standardiserGuard, alarm, seed);
        }
        double[] x = v;
        // under the guard a ready key's record is standardised now and learnt later (or never): guardStandardiser
        boolean guarded = false;
        if (standardiser != null) {
            boolean ready = standardiser.ready();
            guarded = ready && standardiserGuard != null;
            if (guarded) {
                standardiser.apply(v, standardised);
            } else {
                standardiser.standardise(v, standardised);
            }
            x = standardised;
            if (!ready) {
                // the key's statistics are too young to standardise with: kept, the record not scored
                store.put(k, KeyState.store(history, standardiser, standardiserGuard, alarm));
                metrics.recordWarmingUp();
                unscored(sink, p, m, recordTs, false);
                return;
            }
        }
        String range = outOfRange(x, v);
        if (range != null) {
            reject(sink, ErrorCode.NON_FINITE, range);
            return;
        }
        boolean late = false;
        if (window.length == 1) {
            window[0] = x;
        } else {
            int pos = history.count();
            if (pos > 0 && p.ts() < history.newestTs()) {
                late = true;
                if (history.newestTs() - p.ts() > settings.lateToleranceMs()) {
                    metrics.recordLate(false);
                    unscored(sink, p, m, recordTs, true);
                    return;
                }
                pos = history.positionOf(p.ts());
            }
            int at = history.insert(pos, p.ts(), x);
            if (at < 0) {
                metrics.recordLate(false);
                unscored(sink, p, m, recordTs, true);
                return;
            }
            if (!history.windowEndingAt(at, window)) {
                if (guarded) {
                    // not scored, so not flagged itself; the records after it still guard it
                    guardStandardiser(v, false);
                }
                store.put(k, KeyState.store(history, standardiser, standardiserGuard, alarm));
                if (late) {
                    metrics.recordLate(false);
                } else {
                    metrics.recordWarmingUp();
                }
                unscored(sink, p, m, recordTs, late);
                return;
            }
            if (late) {
                metrics.recordLate(true);
            }
        }
        featuriser.featurise(window, input);
        // the input gradient is about half the cost: computed below only where it is shown
        scorer.score(input, result, false);
        if (!Double.isFinite(result.score) || !Double.isFinite(result.critic)) {
            // a safety net: the range check above should make this unreachable
            reject(sink, ErrorCode.NON_FINITE, "the critic's output is not finite for this record");
            return;
        }
        // the range rule sees what the model sees: raw values, or the key's standardised ones
        decide(m.bundle(), x, v, feedback.raiseFor(k));
        if (guarded) {
            guardStandardiser(v, alarmResult.flagged);
        }
        if (alarmResult.anomaly || result.score >= settings.attributionMinScore()) {
            scorer.attribute(input, result);
        }
        if (stateful) {
            store.put(k, KeyState.store(history, standardiser, standardiserGuard, alarm));
        }
        long nanos = System.nanoTime() - t0;
        metrics.recordScored(result.score, alarmResult.anomaly, nanos);
        drift.add(result.critic);
        long now = clock.millis();
        sink.scored(json.scored(p.id(), p.ts(), result, alarmResult,
                m.bundle().threshold(), m.version(), featuriser, now, late, expected()), alarmResult.anomaly);
        metrics.recordLatency(now - recordTs);
    }

    /**
     * The newest record's values as the model reconstructed them, in the record's own units (the
     * normaliser and, with per-key standardisation, the key's statistics undone), or null for a
     * model without an encoder.
     */
    private double[] expected() {
        if (!result.reconstructed) {
            return null;
        }
        for (int j = 0; j < expected.length; j++) {
            double x = featuriser.normaliser().invert(j,
                    featuriser.normalisedOf(j, result.reconstruction[featuriser.newestInput(j)]));
            expected[j] = standardiser == null ? x : standardiser.unstandardise(j, x);
        }
        return expected;
    }

    /** Offers a record's raw values to the standardiser's delay line; a clean released record is learnt. */
    private void guardStandardiser(double[] raw, boolean flagged) {
        if (standardiserGuard.offer(raw, flagged, releasedRaw)) {
            standardiser.add(releasedRaw);
        }
    }

    /** The alarm layer's decision, or without it the calibrated score against the model's threshold. */
    private void decide(ModelBundle b, double[] inputs, double[] raw, double raise) {
        if (alarm == null) {
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
        alarm.thresholdRaise(raise);
        alarm.next(b.surprise(result.critic), result.score, b.threshold(), inputs, raw, !b.rulesOnly(), alarmResult);
    }

    /** Why a record's model inputs {@code x} (raw values {@code v}) are too far outside the model's range to be scored, or null. */
    private String outOfRange(double[] x, double[] v) {
        for (int j = 0; j < x.length; j++) {
            double z = featuriser.normaliser().apply(j, x[j]);
            if (!(Math.abs(z) <= MAX_NORMALISED)) {
                return "feature " + cached.bundle().schema().names().get(j) + " = " + v[j]
                        + " is too far outside the model's range to be scored (normalised " + z + ")";
            }
        }
        return null;
    }

    private void use(ModelHolder.Loaded m) {
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
        alarm = policy.enabled() ? new KeyAlarm(policy, dim) : null;
        standardiser = b.keyStandardise() ? new KeyStandardiser(dim) : null;
        standardiserGuard = standardiser != null && policy.adaptGuard() ? new AdaptationGuard(dim, policy.adaptDelay()) : null;
        releasedRaw = new double[dim];
        standardised = new double[dim];
        expected = new double[dim];
        stateful = history != null || alarm != null || standardiser != null;
        seed = b.alarmSeed();
    }

    private void unscored(Sink sink, ParsedRecord p, ModelHolder.Loaded m, long recordTs, boolean late) {
        long now = clock.millis();
        sink.scored(json.unscored(p.id(), p.ts(), m.bundle().threshold(), m.version(), now, late));
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
