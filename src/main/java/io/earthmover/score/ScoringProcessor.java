package io.earthmover.score;

import io.earthmover.features.Featuriser;
import io.earthmover.features.VectorResult;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.model.FastScorer;
import io.earthmover.model.ScoreResult;
import io.earthmover.record.ErrorCode;
import io.earthmover.record.ParseResult;
import io.earthmover.record.ParsedRecord;
import io.earthmover.record.RecordParser;
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
 * Parses, validates, windows, scores and emits one record; every input leaves as exactly one
 * output, on the score topic or the DLQ. One instance per task, so its scorer and buffers are
 * used by one thread at a time.
 */
final class ScoringProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);
    private static final byte[] NULL_KEY = new byte[0];
    /**
     * Largest normalised feature magnitude scored. Far beyond any real outlier (a trillion standard
     * deviations), and small enough that the float32 critic cannot overflow: a larger value (1e300,
     * say) would give a NaN score, so it is dead-lettered as NON_FINITE instead.
     */
    static final double MAX_NORMALISED = 1e12;

    private final ScorerSettings settings;
    private final ModelHolder holder;
    private final ScorerMetrics metrics;
    private final DriftTracker drift;
    private final WindowKeys windowKeys;
    private final Clock clock;
    private final RecordParser parser;
    private final ScoreJson json = new ScoreJson();

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<Bytes, byte[]> store;
    private TaskId taskId;

    // per-model state, rebuilt when the holder swaps models
    private ModelHolder.Loaded cached;
    private Featuriser featuriser;
    private FastScorer scorer;
    private ScoreResult result;
    private float[] input;
    private double[][] window;
    private WindowHistory history;

    ScoringProcessor(ScorerSettings settings, ModelHolder holder, ScorerMetrics metrics, DriftTracker drift,
            WindowKeys windowKeys, Clock clock) {
        this.settings = settings;
        this.holder = holder;
        this.metrics = metrics;
        this.drift = drift;
        this.windowKeys = windowKeys;
        this.clock = clock;
        this.parser = new RecordParser(settings.recordMaxBytes(), RecordParser.DEFAULT_MAX_DEPTH);
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> ctx) {
        this.context = ctx;
        this.store = ctx.getStateStore(ScoringTopology.WINDOW_STORE);
        this.taskId = ctx.taskId();
        ctx.schedule(Duration.ofSeconds(10), PunctuationType.WALL_CLOCK_TIME,
                t -> windowKeys.report(taskId, store.approximateNumEntries()));
    }

    @Override
    public void process(Record<byte[], byte[]> rec) {
        metrics.recordIn();
        try {
            handle(rec);
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure scoring a record; sent to the DLQ", e);
            deadLetter(rec, ErrorCode.PROCESSING_ERROR, e.toString());
        }
    }

    private void handle(Record<byte[], byte[]> rec) {
        ParseResult pr = parser.parse(rec.value(), rec.timestamp());
        if (pr instanceof ParseResult.Rejected r) {
            deadLetter(rec, r.code(), r.message());
            return;
        }
        ParsedRecord p = ((ParseResult.Accepted) pr).record();
        ModelHolder.Loaded m = holder.current();
        if (m == null) {
            deadLetter(rec, ErrorCode.NO_MODEL, "no model loaded");
            return;
        }
        if (m != cached) {
            use(m);
        }
        VectorResult vr = m.bundle().schema().vectorise(p);
        if (vr instanceof VectorResult.Bad b) {
            deadLetter(rec, b.code(), b.message());
            return;
        }
        double[] v = ((VectorResult.Ok) vr).values();
        String range = outOfRange(v);
        if (range != null) {
            deadLetter(rec, ErrorCode.NON_FINITE, range);
            return;
        }
        long t0 = System.nanoTime();
        boolean late = false;
        if (window.length == 1) {
            window[0] = v;
        } else {
            Bytes key = Bytes.wrap(rec.key() == null ? NULL_KEY : rec.key());
            history.load(store.get(key));
            int pos = history.count();
            if (pos > 0 && p.ts() < history.newestTs()) {
                late = true;
                if (history.newestTs() - p.ts() > settings.lateToleranceMs()) {
                    metrics.recordLate(false);
                    emitUnscored(rec, p, m, true);
                    return;
                }
                pos = history.positionOf(p.ts());
            }
            int at = history.insert(pos, p.ts(), v);
            if (at < 0) {
                metrics.recordLate(false);
                emitUnscored(rec, p, m, true);
                return;
            }
            store.put(key, history.store());
            if (!history.windowEndingAt(at, window)) {
                if (late) {
                    metrics.recordLate(false);
                } else {
                    metrics.recordWarmingUp();
                }
                emitUnscored(rec, p, m, late);
                return;
            }
            if (late) {
                metrics.recordLate(true);
            }
        }
        featuriser.featurise(window, input);
        scorer.score(input, result);
        if (!Double.isFinite(result.score) || !Double.isFinite(result.critic)) {
            // a safety net: the range check above should make this unreachable
            deadLetter(rec, ErrorCode.NON_FINITE, "the critic's output is not finite for this record");
            return;
        }
        long nanos = System.nanoTime() - t0;
        metrics.recordScored(result.score, result.anomaly, nanos);
        drift.add(result.critic);
        long now = clock.millis();
        byte[] out = json.scored(p.id(), p.ts(), result, m.bundle().threshold(), m.version(), featuriser, now, late);
        context.forward(rec.withValue(out), ScoringTopology.SCORES_SINK);
        metrics.recordLatency(now - rec.timestamp());
    }

    /** Why a record's values are too far outside the model's range to be scored, or null. */
    private String outOfRange(double[] v) {
        for (int j = 0; j < v.length; j++) {
            double z = featuriser.normaliser().apply(j, v[j]);
            if (!(Math.abs(z) <= MAX_NORMALISED)) {
                return "feature " + cached.bundle().schema().names().get(j) + " = " + v[j]
                        + " is too far outside the model's range to be scored (normalised " + z + ")";
            }
        }
        return null;
    }

    private void use(ModelHolder.Loaded m) {
        cached = m;
        featuriser = m.bundle().featuriser();
        scorer = m.bundle().newScorer(settings.topK());
        result = new ScoreResult(settings.topK());
        input = new float[featuriser.inputSize()];
        window = new double[featuriser.historyLength()][];
        // room for window-1 records beyond the window, so a late record placed among the newest still has its predecessors
        history = new WindowHistory(2 * featuriser.historyLength() - 1, m.bundle().schema().size());
    }

    private void emitUnscored(Record<byte[], byte[]> rec, ParsedRecord p, ModelHolder.Loaded m, boolean late) {
        long now = clock.millis();
        context.forward(rec.withValue(json.unscored(p.id(), p.ts(), m.bundle().threshold(), m.version(), now, late)),
                ScoringTopology.SCORES_SINK);
        metrics.recordLatency(now - rec.timestamp());
    }

    private void deadLetter(Record<byte[], byte[]> rec, ErrorCode code, String message) {
        metrics.recordRejected(code);
        RecordMetadata md = context.recordMetadata().orElse(null);
        var headers = DeadLetters.headers(rec.headers(), code, message, md == null ? null : md.topic(),
                md == null ? -1 : md.partition(), md == null ? -1 : md.offset());
        context.forward(new Record<>(rec.key(), rec.value(), rec.timestamp(), headers), ScoringTopology.DLQ_SINK);
    }

    @Override
    public void close() {
        windowKeys.forget(taskId);
    }
}
