package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.model.ModelBundle;
import io.earthmover.record.FileRecords;
import io.earthmover.testutil.NormalData;
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

/** A first model the quality gate refuses: published as a fallback, or refused, per train.gate.fallback. */
class GateFallbackTest {
    /** One iteration learns nothing, and an AUC of 1 is demanded: the gate refuses the model. */
    private static final Map<String, String> REFUSED = Map.of("train.iterations", "1", "train.gate.min.auc", "1.0",
            "train.critic.hidden", "16,16", "train.generator.hidden", "16,16", "train.latent.size", "4");

    @TempDir
    Path tmp;
    private Path input;

    @BeforeEach
    void writeNormalData() throws Exception {
        Random rnd = new Random(3);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            lines.add(NormalData.record(rnd, "r" + i, 1_700_000_000_000L + i * 1000L));
        }
        input = Files.write(tmp.resolve("normal.jsonl"), lines);
    }

    private TrainJob.Result train(Map<String, String> settings, Path current) {
        EarthmoverConfig cfg = EarthmoverConfig.of(settings);
        return new TrainJob(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null).run(new TrainJob.Request(
                null, null, input, FileRecords.Options.defaults(), tmp.resolve("models"), false, false, current,
                Duration.ofSeconds(5)));
    }

    @Test
    void aRefusedFirstModelIsWrittenAsARulesOnlyFallbackByDefault() throws Exception {
        TrainJob.Result r = train(REFUSED, null);
        assertThat(r.status()).as(r.message()).isEqualTo(TrainJob.Status.WRITTEN);
        assertThat(r.decision().accepted()).isFalse();
        ModelBundle written = ModelBundle.read(r.bundleFile());
        assertThat(written.rulesOnly()).isTrue();
        assertThat(written.fallback().reason()).isEqualTo(r.decision().reason());
        assertThat(r.data()).containsEntry("gateFallback", "rules");
    }

    @Test
    void theModelFallbackServesTheCriticAndRefuseWritesNothing() throws Exception {
        Map<String, String> model = new java.util.HashMap<>(REFUSED);
        model.put("train.gate.fallback", "model");
        TrainJob.Result m = train(model, null);
        assertThat(m.status()).as(m.message()).isEqualTo(TrainJob.Status.WRITTEN);
        ModelBundle b = ModelBundle.read(m.bundleFile());
        assertThat(b.fallback().mode()).isEqualTo("model");
        assertThat(b.rulesOnly()).isFalse();

        Map<String, String> refuse = new java.util.HashMap<>(REFUSED);
        refuse.put("train.gate.fallback", "refuse");
        TrainJob.Result r = train(refuse, null);
        assertThat(r.status()).as(r.message()).isEqualTo(TrainJob.Status.GATE_REJECTED);
        assertThat(r.bundleFile()).isNull();
    }

    @Test
    void aRetrainTheGateRefusesKeepsTheCurrentModelEvenWhenThatIsAFallback() throws Exception {
        TrainJob.Result first = train(REFUSED, null);
        TrainJob.Result again = train(REFUSED, first.bundleFile());
        assertThat(again.status()).as(again.message()).isEqualTo(TrainJob.Status.GATE_REJECTED);
        // judged on the gate's own limits, not against the weak fallback it would replace
        assertThat(again.decision().current()).isNull();
    }
}
