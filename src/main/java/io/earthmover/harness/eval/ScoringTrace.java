package io.earthmover.harness.eval;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.model.ModelBundle;
import io.earthmover.score.OfflineScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link WganDetector} sent through the in-process scorer, so that {@link ViaKafka} can
 * send the same records through the Kafka scorer and compare: every record in order (value bytes
 * and Kafka timestamp, one key), its in-process outcome, whether it is a test row (the benchmark
 * reads those) and which model served from which record on.
 */
public final class ScoringTrace {
    /** Model {@code bundle} served from record {@code fromRecord} on. */
    public record Swap(int fromRecord, ModelBundle bundle) {
    }

    /** One record as sent (its id, value bytes, Kafka timestamp), with what the in-process scorer made of it. */
    public record Sent(String id, byte[] value, long ts, boolean test, OfflineScorer.Outcome outcome) {
    }

    private final String key;
    private final EarthmoverConfig config;
    private final ServedField field;
    private final List<Sent> sent = new ArrayList<>();
    private final List<Swap> swaps = new ArrayList<>();
    private int unservedTestRows;

    ScoringTrace(String key, EarthmoverConfig config, ServedField field) {
        this.key = key;
        this.config = config;
        this.field = field;
    }

    /** The configuration the records were scored with (the scorer's settings come from it). */
    public EarthmoverConfig config() {
        return config;
    }

    /** The Kafka key the records went out under (null: the null key). */
    public String key() {
        return key;
    }

    /** {@code next} serves from the next record on. */
    void swap(ModelBundle next) {
        swaps.add(new Swap(sent.size(), next));
    }

    /** A test row scored before any model was in (never sent): it scores {@link ServedField#unserved()}. */
    void unserved() {
        if (!sent.isEmpty() || !swaps.isEmpty()) {
            throw new IllegalStateException("rows without a model come before the first model only");
        }
        unservedTestRows++;
    }

    void sent(String id, byte[] value, long ts, boolean test, OfflineScorer.Outcome outcome) {
        sent.add(new Sent(id, value, ts, test, outcome));
    }

    public List<Sent> records() {
        return List.copyOf(sent);
    }

    public List<Swap> swaps() {
        return List.copyOf(swaps);
    }

    /**
     * The benchmark's scores of the test rows from the outcomes of the records (in order, one per
     * record of {@link #records()}), read with the detector's {@link ServedField}: the in-process
     * outcomes or the ones another path (Kafka) gave.
     */
    public double[] testScores(List<OfflineScorer.Outcome> outcomes) {
        if (outcomes.size() != sent.size()) {
            throw new IllegalArgumentException(outcomes.size() + " outcomes for " + sent.size() + " records");
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < unservedTestRows; i++) {
            out.add(field.unserved());
        }
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).test()) {
                out.add(score(field, outcomes.get(i)));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The benchmark score of one outcome: the field read from the score JSON, or unserved for a dead letter. */
    static double score(ServedField field, OfflineScorer.Outcome o) {
        return o.scored() ? field.read(ScoreRecord.parse(o.json())) : field.unserved();
    }
}
