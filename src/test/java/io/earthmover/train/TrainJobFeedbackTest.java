package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.record.FileRecords;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retrain after operators' feedback (issue 23): records marked {@code missed_anomaly} are left
 * out of training, records marked {@code false_alarm} are kept, and the report counts both. The
 * data: one key's normal records around 50, three of them (ids s0..s2) an anomaly at 5,000.
 */
class TrainJobFeedbackTest {
    private static final Map<String, String> FAST = Map.of("train.iterations", "20", "train.critic.hidden", "16,16",
            "train.generator.hidden", "16,16", "train.latent.size", "4", "train.gate.min.auc", "0", "train.gate.max.far", "1");
    private static final FileRecords.Options BY_HOST = new FileRecords.Options(',', null, FileRecords.EpochUnit.MS, List.of(),
            "host", null, List.of());

    @TempDir
    Path tmp;
    private Path input;

    @BeforeEach
    void writeData() throws Exception {
        Random rnd = new Random(5);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            boolean anomaly = i % 100 == 50;
            String id = anomaly ? "s" + i / 100 : "n" + i;
            double v = anomaly ? 5000 : 50 + rnd.nextGaussian();
            lines.add(String.format("{\"host\":\"db-1\",\"id\":\"%s\",\"ts\":%d,\"features\":{\"cpu\":%.4f}}", id,
                    1_700_000_000_000L + 1000L * i, v));
        }
        input = Files.write(tmp.resolve("train.jsonl"), lines);
    }

    private TrainJob.Result train(Path feedback) {
        return new TrainJob(EarthmoverConfig.of(FAST), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null)
                .run(new TrainJob.Request(null, null, input, BY_HOST, tmp.resolve("models"), false, false, null,
                        Duration.ofSeconds(5), feedback));
    }

    @Test
    void recordsMarkedAnomalousAreLeftOutAndRecordsMarkedNormalAreKeptAndCounted() throws Exception {
        Path feedback = Files.write(tmp.resolve("feedback.jsonl"), List.of(
                "{\"key\":\"db-1\",\"id\":\"s0\",\"label\":\"missed_anomaly\"}",
                "{\"key\":\"db-1\",\"id\":\"s1\",\"label\":\"missed_anomaly\"}",
                "",
                "{\"key\":\"db-1\",\"id\":\"s2\",\"label\":\"missed_anomaly\"}",
                "{\"key\":\"db-1\",\"id\":\"n7\",\"label\":\"false_alarm\"}",
                "{\"key\":\"db-2\",\"id\":\"n8\",\"label\":\"missed_anomaly\"}"));
        TrainJob.Result with = train(feedback);
        assertThat(with.status()).as(with.message()).isEqualTo(TrainJob.Status.WRITTEN);
        assertThat(with.data()).containsEntry("feedbackLabels", 5).containsEntry("feedbackExcluded", 3L)
                .containsEntry("feedbackKeptNormal", 1L).containsEntry("accepted", 297L);
        // the anomaly's values never reached training: the model's range ends near the normal level
        assertThat(with.bundle().alarmSeed().featureMax()[0]).isLessThan(100);

        TrainJob.Result without = train(null);
        assertThat(without.data()).containsEntry("feedbackExcluded", 0L).containsEntry("accepted", 300L);
        assertThat(without.bundle().alarmSeed().featureMax()[0]).isEqualTo(5000);
    }

    @Test
    void aMalformedFeedbackLineFailsTheRunNamingTheLine() throws Exception {
        Path feedback = Files.write(tmp.resolve("bad.jsonl"), List.of(
                "{\"key\":\"db-1\",\"id\":\"s0\",\"label\":\"missed_anomaly\"}",
                "{\"key\":\"db-1\",\"id\":\"s1\",\"label\":\"maybe\"}"));
        TrainJob.Result r = train(feedback);
        assertThat(r.status()).isEqualTo(TrainJob.Status.FAILED);
        assertThat(r.message()).contains("line 2").contains("unknown label 'maybe'");
        assertThat(train(tmp.resolve("absent.jsonl")).message()).contains("--feedback").contains("absent.jsonl");
    }
}
