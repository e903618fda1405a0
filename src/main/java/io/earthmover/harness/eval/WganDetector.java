package io.earthmover.harness.eval;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.kafka.TempDirectories;
import io.earthmover.kafka.TopicRange;
import io.earthmover.model.ModelBundle;
import io.earthmover.record.FileRecords;
import io.earthmover.score.OfflineScorer;
import io.earthmover.score.ScorerSettings;
import io.earthmover.train.TrainJob;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * wgan is the product, nothing else. {@link #train} writes the training rows to a JSONL file and
 * runs {@link TrainJob} on it with the evaluation's configuration, exactly what
 * {@code earthmover train --input FILE --config PROFILE} does (quality gate included); then every
 * row goes through {@link OfflineScorer} (the service's {@code ScoringEngine}: window per key,
 * critic, per-key alarm layer) with {@link ScorerSettings} from the same configuration, under one
 * key, in time order, and the benchmark reads one field of the score JSON ({@link ServedField}).
 *
 * <p>On time series the training rows are scored too, before the first test row (they precede it,
 * so there is no look-ahead): the key's window and alarm state then hold the series' history, as
 * when a user replays history into the service. Tabular rows have no order and only test rows are
 * scored. Records are {@code {"id","ts","features":[..]}} with {@code ts} the row's own time where
 * the benchmark gives one ({@link #timestamps}: NAB's series), else its position in the series
 * ({@value #TS_STEP} ms apart from {@value #BASE_TS}); either way event-time order is the
 * protocol's order.
 *
 * <p>When training fails or the gate refuses the model, the series has no model and its rows get
 * {@link ServedField#unserved()}, as the service emits nothing without a model. On time series
 * {@code retrainEvery > 0} reruns the job every that many scored rows on the newest rows seen
 * (gated against the serving model, as {@code train --current} does); an accepted model is
 * swapped in as a hot swap would, keys keeping their state.
 *
 * <p><b>Critic alone.</b> When the configuration's alarm layer has the range or frozen-value rule on,
 * every record also goes through a second {@link OfflineScorer} with the same models and both rules
 * off ({@code alarm.range.enabled=false}, {@code alarm.frozen.enabled=false}): what the critic's
 * likelihood detects by itself, reported beside the full layer so progress can be seen to be the
 * critic's ({@link #criticAloneScores()}). It changes nothing in the served scores.
 */
public final class WganDetector implements Detector {
    static final long BASE_TS = 1_700_000_000_000L;
    static final long TS_STEP = 1000L;
    private static final Duration NO_KAFKA = Duration.ofSeconds(30);
    /** What the critic-alone companion turns off. */
    static final java.util.Map<String, String> CRITIC_ALONE = java.util.Map.of(
            io.earthmover.config.ConfigKeys.ALARM_RANGE.name(), "false", io.earthmover.config.ConfigKeys.ALARM_FROZEN.name(), "false");

    private final EarthmoverConfig config;
    private final ScorerSettings settings;
    private final ServedField field;
    private final int retrainEvery;
    private final int maxTrainRows;
    private final boolean streaming;
    private final String key;
    private final WganDetectorFactory.Counts counts;
    private final ScoringTrace trace;
    private final List<double[]> seen = new ArrayList<>();
    /** The served {@code reason} of each test row's alarm event (null where {@code anomaly} is false), in order. */
    private final List<String> reasons = new ArrayList<>();
    /** Settings of the critic-alone companion, or null when the rules are off anyway. */
    private final ScorerSettings aloneSettings;
    private final List<Double> aloneScores = new ArrayList<>();
    private final List<String> aloneReasons = new ArrayList<>();
    private OfflineScorer scorer;
    private OfflineScorer alone;
    /** The series or file this detector serves, for the report's list of refusals (null = unnamed). */
    private String series;
    private ModelBundle bundle;
    private long position;
    private long[] timestamps;
    private int scored;
    private boolean trained;

    WganDetector(EarthmoverConfig config, ServedField field, boolean streaming, int retrainEvery, int maxTrainRows,
            boolean trace, WganDetectorFactory.Counts counts) {
        this.config = config;
        this.settings = ScorerSettings.from(config);
        this.aloneSettings = settings.alarm().enabled() && (settings.alarm().range() || settings.alarm().frozen())
                ? ScorerSettings.from(config.with(CRITIC_ALONE)) : null;
        this.field = field;
        this.streaming = streaming;
        this.retrainEvery = retrainEvery;
        this.maxTrainRows = maxTrainRows;
        this.key = streaming ? "series" : null;
        this.counts = counts;
        this.trace = trace ? new ScoringTrace(key, config, field) : null;
    }

    /** Trains the product's model; no out-of-sample scores: the service's own decision is used. */
    @Override
    public double[] train(List<double[]> rows) {
        if (trained) {
            throw new IllegalStateException("already trained");
        }
        trained = true;
        counts.series.incrementAndGet();
        ModelBundle b = fit(rows, 0, null);
        if (b != null) {
            serve(b);
        } else {
            counts.withoutModel.incrementAndGet();
        }
        for (double[] r : rows) {
            if (streaming) {
                send(r, false);
                seen.add(r.clone());
            }
        }
        return new double[0];
    }

    @Override
    public double score(long timestampMillis, double[] row) {
        if (!trained) {
            throw new IllegalStateException("train() first");
        }
        if (streaming && retrainEvery > 0 && scored > 0 && scored % retrainEvery == 0) {
            int from = Math.max(0, seen.size() - maxTrainRows);
            ModelBundle b = fit(seen.subList(from, seen.size()), from, bundle);
            if (b != null) {
                serve(b);
            }
        }
        scored++;
        double s = send(row, true);
        if (streaming) {
            seen.add(row.clone());
        }
        return s;
    }

    @Override
    public boolean decides() {
        return field.decides();
    }

    /** Names the series or file this detector serves, so a refusal of its model is reported with the name. */
    public void nameSeries(String name) {
        this.series = name;
    }

    /**
     * The rows' own times (epoch milliseconds, in row order, training rows first), sent as each
     * record's {@code ts}: what a model with {@code features.time.of.day} reads.
     */
    public void timestamps(long[] epochMillis) {
        this.timestamps = epochMillis.clone();
    }

    private long tsOf(long row) {
        return timestamps == null ? BASE_TS + TS_STEP * row : timestamps[(int) row];
    }

    /** What was sent through the scorer, or null when tracing is off. */
    public ScoringTrace trace() {
        return trace;
    }

    /**
     * Tallies the alarm events of the test rows by their served reason, each as true or false as
     * {@code trueAlarm} (test row index to whether the benchmark's labels call it anomalous) says.
     */
    public void tallyAlarms(java.util.function.IntPredicate trueAlarm) {
        for (int i = 0; i < reasons.size(); i++) {
            if (reasons.get(i) != null) {
                counts.alarm(reasons.get(i), trueAlarm.test(i));
            }
        }
        for (int i = 0; i < aloneReasons.size(); i++) {
            if (aloneReasons.get(i) != null) {
                counts.aloneAlarm(aloneReasons.get(i), trueAlarm.test(i));
            }
        }
    }

    /**
     * The test rows' scores with the range and frozen-value rules off (the same models, the same
     * field), or null when the configuration has neither rule on (then they are the served scores).
     */
    public double[] criticAloneScores() {
        return aloneSettings == null ? null : aloneScores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Whether a model serves now. */
    public boolean hasModel() {
        return scorer != null;
    }

    /** Scores the next row of the series, or counts it unserved without a model. */
    private double send(double[] row, boolean test) {
        long ts = tsOf(position);
        byte[] value = record(position, ts, row);
        position++;
        if (aloneSettings != null) {
            companion(value, ts, test);
        }
        if (scorer == null) {
            if (test) {
                reasons.add(null);
            }
            if (test && trace != null) {
                trace.unserved();
            }
            return field.unserved();
        }
        OfflineScorer.Outcome o = scorer.process(key, value, ts);
        if (!o.scored()) {
            counts.deadLetters.incrementAndGet();
        }
        // parsed once: the alarm tally and the benchmark's field read the same record
        ScoreRecord served = o.scored() ? ScoreRecord.parse(o.json()) : null;
        if (test) {
            reasons.add(served == null ? null : served.alarmReason());
        }
        if (trace != null) {
            trace.sent(Long.toString(position - 1), value, ts, test, o);
        }
        return served == null ? field.unserved() : field.read(served);
    }

    /** The critic-alone companion's score of the same record (only its field and reason are kept). */
    private void companion(byte[] value, long ts, boolean test) {
        ScoreRecord r = null;
        if (alone != null) {
            OfflineScorer.Outcome o = alone.process(key, value, ts);
            r = o.scored() ? ScoreRecord.parse(o.json()) : null;
        }
        if (test) {
            aloneScores.add(r == null ? field.unserved() : field.read(r));
            aloneReasons.add(r == null ? null : r.alarmReason());
        }
    }

    private void serve(ModelBundle b) {
        if (scorer == null) {
            scorer = new OfflineScorer(settings, b, Clock.systemUTC());
        } else {
            scorer.swap(b);
        }
        if (aloneSettings != null) {
            if (alone == null) {
                alone = new OfflineScorer(aloneSettings, b, Clock.systemUTC());
            } else {
                alone.swap(b);
            }
        }
        bundle = b;
        if (trace != null) {
            trace.swap(b);
        }
    }

    /**
     * {@code earthmover train --input FILE} on the rows, gated against {@code current} when given;
     * the accepted model, or null (the reason is counted).
     */
    private ModelBundle fit(List<double[]> rows, int firstRow, ModelBundle current) {
        counts.trainings.incrementAndGet();
        Path dir = TempDirectories.create("earthmover-eval-train");
        try {
            Path input = dir.resolve("train.jsonl");
            try (BufferedWriter w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
                for (int i = 0; i < rows.size(); i++) {
                    w.write(new String(record(i, tsOf(firstRow + i), rows.get(i)), StandardCharsets.UTF_8));
                    w.newLine();
                }
            }
            Path currentFile = null;
            if (current != null) {
                currentFile = dir.resolve("current.zip");
                current.write(currentFile);
            }
            TrainJob.Result r = new TrainJob(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null)
                    .run(new TrainJob.Request(null, TopicRange.all(), input, FileRecords.Options.defaults(),
                            dir.resolve("models"), false, false, currentFile, NO_KAFKA));
            return switch (r.status()) {
                case PUBLISHED, WRITTEN -> {
                    if (r.bundle().fallback() == null) {
                        counts.accepted.incrementAndGet();
                    } else {
                        // refused by the gate, served anyway under train.gate.fallback
                        counts.refused.incrementAndGet();
                        counts.fallbacks.incrementAndGet();
                        counts.refusal(series, r.bundle().fallback().reason(), current == null);
                    }
                    yield r.bundle();
                }
                case GATE_REJECTED -> {
                    counts.refused.incrementAndGet();
                    counts.refusal(series, r.decision() == null ? r.message() : r.decision().reason(), current == null);
                    yield null;
                }
                case FAILED -> {
                    counts.failed.incrementAndGet();
                    yield null;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TempDirectories.delete(dir);
        }
    }

    /** One {@code events-in} record: {@code {"id":"<position>","ts":..,"features":[..]}}. */
    static byte[] record(long position, long ts, double[] row) {
        StringBuilder sb = new StringBuilder(32 + 24 * row.length);
        sb.append("{\"id\":\"").append(position).append("\",\"ts\":").append(ts).append(",\"features\":[");
        for (int j = 0; j < row.length; j++) {
            sb.append(j == 0 ? "" : ",").append(row[j]);
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
