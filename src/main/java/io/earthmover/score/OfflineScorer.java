package io.earthmover.score;

import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.model.ModelBundle;
import io.earthmover.record.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The service's per-record processing without a broker ({@code score --input}, and what
 * {@code evaluate} runs in-process): one {@link ScoringEngine} over an in-memory key-state store,
 * with the model given. Records go in one at a time, in the order a partition would deliver them;
 * each gives exactly one outcome.
 */
public final class OfflineScorer implements ScoringEngine.Sink {
    /** One record's outcome: the score JSON, or a dead letter's code and message. */
    public record Outcome(byte[] json, ErrorCode code, String message) {
        public boolean scored() {
            return json != null;
        }
    }

    private final ModelHolder holder;
    private final ScoringEngine engine;
    private Outcome last;

    public OfflineScorer(ScorerSettings settings, ModelBundle model, Clock clock) {
        ScorerMetrics metrics = new ScorerMetrics(new SimpleMeterRegistry());
        this.holder = new ModelHolder(settings.modelName(), metrics, settings.alarm());
        DriftTracker drift = new DriftTracker(clock, 10);
        holder.onSwap(b -> drift.reset(b.holdoutCriticMean()));
        swap(model);
        // files are CSV/JSONL whatever input.format says of the topic
        this.engine = new ScoringEngine(settings.withInput(io.earthmover.format.InputSettings.JSON), holder, metrics, drift, KeyStateStore.inMemory(), clock);
    }

    /** Serves {@code next} from the next record on, as a hot swap would; keys keep their state. */
    public void swap(ModelBundle next) {
        ModelHolder.Outcome o = holder.offer(next.toBytes(), "offline");
        if (o instanceof ModelHolder.Refused r) {
            throw new IllegalArgumentException(r.message());
        }
    }

    /** Scores one record; {@code key} null is the one null-key series. */
    public Outcome process(String key, byte[] value, long recordTs) {
        engine.process(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, recordTs, this);
        return last;
    }

    @Override
    public void scored(byte[] json) {
        last = new Outcome(json, null, null);
    }

    @Override
    public void deadLetter(ErrorCode code, String message) {
        last = new Outcome(null, code, message);
    }
}
