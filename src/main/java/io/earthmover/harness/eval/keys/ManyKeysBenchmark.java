package io.earthmover.harness.eval.keys;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.harness.demo.DemoScore;
import io.earthmover.harness.demo.DemoStream.Anomaly;
import io.earthmover.harness.demo.DemoStream.Event;
import io.earthmover.kafka.TempDirectories;
import io.earthmover.model.ModelBundle;
import io.earthmover.record.FileRecords;
import io.earthmover.score.OfflineScorer;
import io.earthmover.score.ScorerSettings;
import io.earthmover.train.TrainJob;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Many keys, one model ({@code evaluate keys}): the product's trainer ({@link TrainJob}, as
 * {@code train --input}) learns one model from the normal records of every key, then the
 * service's processing ({@link OfflineScorer}) scores the test stream and two rules are read from
 * the same outputs: the service's {@code anomaly} (per-key alarm layer) and the calibrated score
 * against the model's threshold ({@code score >= threshold}, what {@code anomaly} was before).
 */
public final class ManyKeysBenchmark {
    /** What one rule found. */
    public record RuleResult(String rule, DemoScore score, int keysWithFalseAlarms, double normalFlaggedShare) {
    }

    /** The run: both rules, the model, and how long training and scoring took. */
    public record Result(int keys, int trainRecords, int testRecords, int anomalies, String model, RuleResult served,
                         RuleResult scoreRule, double trainSeconds, double scoreSeconds) {
    }

    private ManyKeysBenchmark() {
    }

    public static Result run(EarthmoverConfig cfg, int keys, int trainSteps, int testSteps, long seed) throws IOException {
        ManyKeysStream stream = new ManyKeysStream(keys, seed);
        List<Event> train = stream.normal(0, trainSteps);
        List<Anomaly> anomalies = stream.plan(trainSteps, testSteps);
        List<Event> test = stream.events(trainSteps, testSteps, anomalies);
        Path dir = TempDirectories.create("earthmover-keys-");
        try {
            long t0 = System.nanoTime();
            ModelBundle model = train(cfg, train, dir);
            double trainSecs = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            OfflineScorer scorer = new OfflineScorer(ScorerSettings.from(cfg), model, Clock.systemUTC());
            Set<Integer> served = new HashSet<>();
            Set<Integer> byScore = new HashSet<>();
            for (int i = 0; i < test.size(); i++) {
                Event e = test.get(i);
                OfflineScorer.Outcome o = scorer.process(e.host(), e.json("e" + i).getBytes(StandardCharsets.UTF_8), e.ts());
                if (!o.scored()) {
                    throw new IllegalStateException("record " + i + " dead-lettered: " + o.code() + " " + o.message());
                }
                ScoreRecord r = ScoreRecord.parse(o.json());
                if (r.anomaly()) {
                    served.add(i);
                }
                if (r.scored() && r.score() >= r.threshold()) {
                    byScore.add(i);
                }
            }
            double scoreSecs = (System.nanoTime() - t1) / 1e9;
            return new Result(keys, train.size(), test.size(), anomalies.size(), model.version(),
                    rule("anomaly (served)", test, anomalies, served), rule("score >= threshold", test, anomalies, byScore),
                    trainSecs, scoreSecs);
        } finally {
            TempDirectories.delete(dir);
        }
    }

    private static ModelBundle train(EarthmoverConfig cfg, List<Event> train, Path dir) throws IOException {
        Path file = dir.resolve("train.jsonl");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < train.size(); i++) {
                Event e = train.get(i);
                w.write("{\"key\":\"" + e.host() + "\"," + e.json("t" + i).substring(1) + "\n");
            }
        }
        FileRecords.Options o = FileRecords.Options.defaults();
        FileRecords.Options opts = new FileRecords.Options(o.separator(), null, o.unit(), List.of(), "key", null,
                List.of());
        TrainJob.Result res = new TrainJob(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null).run(
                new TrainJob.Request(null, null, file, opts, dir.resolve("models"), false, false, null, Duration.ofSeconds(30)));
        if (res.bundle() == null || res.status() == TrainJob.Status.GATE_REJECTED) {
            throw new IllegalStateException("training gave no model: " + res.message());
        }
        return res.bundle();
    }

    private static RuleResult rule(String name, List<Event> test, List<Anomaly> anomalies, Set<Integer> flagged) {
        Set<String> keysWithFalse = new HashSet<>();
        int normal = 0;
        int normalFlagged = 0;
        for (int i = 0; i < test.size(); i++) {
            if (test.get(i).anomaly() < 0) {
                normal++;
                if (flagged.contains(i)) {
                    normalFlagged++;
                    keysWithFalse.add(test.get(i).host());
                }
            }
        }
        return new RuleResult(name, DemoScore.of(test, anomalies, flagged), keysWithFalse.size(),
                normal == 0 ? 0 : normalFlagged / (double) normal);
    }
}
