package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.ScoreRecord;
import io.earthmover.inspect.InspectSettings;
import io.earthmover.metrics.MetricNames;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.model.ModelBundle;
import io.earthmover.record.ErrorCode;
import io.earthmover.testutil.TestBundles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routed topology: each record scored by the model its field names, each model swapping on its own. */
class RoutingTopologyTest {
    private static final List<String> NAMES = List.of("cpu", "mem");

    @TempDir
    Path stateDir;

    private TopologyPipes pipes;
    private ScorerMetrics metrics;
    private ModelSet models;
    private long ts = 1_000;

    private void start(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("routing.mode", "field"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        EarthmoverConfig cfg = EarthmoverConfig.of(m);
        metrics = new ScorerMetrics(new SimpleMeterRegistry());
        Clock fixed = Clock.fixed(Instant.ofEpochMilli(2_000_000_000_000L), ZoneOffset.UTC);
        models = new ModelSet(ModelRouter.from(cfg), metrics, fixed, 10, ScorerSettings.alarmPolicy(cfg));
        Properties p = ScorerApp.streamsProperties(cfg, metrics);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        pipes = TopologyPipes.open(ScoringTopology.build(ScorerSettings.from(cfg), InspectSettings.OFF, models, metrics,
                new WindowKeys(), fixed), p);
    }

    @AfterEach
    void close() {
        if (pipes != null) {
            pipes.close();
        }
    }

    private String load(String name, long seed, int window) {
        ModelBundle b = TestBundles.bundle(NAMES, true, window, seed);
        assertThat(models.offer(name, b.toBytes(), "test")).isInstanceOf(ModelHolder.Swapped.class);
        return b.version();
    }

    /** Sends one record naming {@code model} (null: no model field) and returns its score, or null if dead-lettered. */
    private ScoreRecord send(String key, String model) {
        ts += 1000;
        String json = "{\"id\":\"r" + ts + "\",\"ts\":" + ts + (model == null ? "" : ",\"model\":\"" + model + "\"")
                + ",\"features\":{\"cpu\":0.1,\"mem\":-0.2}}";
        pipes.in().pipeInput(new TestRecord<>(key.getBytes(UTF_8), json.getBytes(UTF_8), Instant.ofEpochMilli(ts)));
        return pipes.scores().isEmpty() ? null : ScoreRecord.parse(pipes.scores().readValue());
    }

    private String deadLetterCode() {
        var r = pipes.dlq().readRecord();
        return new String(r.headers().lastHeader(DeadLetters.ERROR_CODE).value(), UTF_8);
    }

    @Test
    void eachRecordIsScoredByTheModelItsFieldNamesAndCarriesItsName() {
        start("routing.default", "");
        String a = load("a", 1, 1);
        String b = load("b", 2, 1);
        ScoreRecord sa = send("k1", "a");
        assertThat(sa.modelName()).isEqualTo("a");
        assertThat(sa.model()).isEqualTo(a);
        ScoreRecord sb = send("k2", "b");
        assertThat(sb.modelName()).isEqualTo("b");
        assertThat(sb.model()).isEqualTo(b);
        assertThat(send("k3", null)).as("no model named, no default").isNull();
        assertThat(deadLetterCode()).isEqualTo(ErrorCode.NO_MODEL.name());
        assertThat(send("k4", "zz")).as("a model not loaded").isNull();
        assertThat(deadLetterCode()).isEqualTo(ErrorCode.NO_MODEL.name());
        assertThat(metrics.count(ErrorCode.NO_MODEL)).isEqualTo(2);
        var registry = metrics.registry();
        assertThat(registry.get(MetricNames.MODEL_RECORDS_SCORED).tag(MetricNames.TAG_MODEL, "a").counter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.MODEL_RECORDS_SCORED).tag(MetricNames.TAG_MODEL, "b").counter().count()).isEqualTo(1);
        assertThat(registry.find(MetricNames.MODEL_RECORDS_SCORED).tag(MetricNames.TAG_MODEL, "zz").counter())
                .as("no tag for a name no model has").isNull();
        assertThat(registry.get(MetricNames.MODEL_DRIFT).tag(MetricNames.TAG_MODEL, "a").gauge().value()).isFinite();
    }

    @Test
    void recordsTheRuleNamesNoModelForGoToTheDefault() {
        start("routing.default", "b");
        load("a", 1, 1);
        String b = load("b", 2, 1);
        ScoreRecord s = send("k1", null);
        assertThat(s.modelName()).isEqualTo("b");
        assertThat(s.model()).isEqualTo(b);
        assertThat(send("k1", "zz")).as("a named model that is not loaded is not defaulted").isNull();
        assertThat(deadLetterCode()).isEqualTo(ErrorCode.NO_MODEL.name());
    }

    @Test
    void eachModelSwapsOnItsOwnAndARefusedBundleTouchesNoOther() {
        start();
        String a1 = load("a", 1, 1);
        String b1 = load("b", 2, 1);
        ModelBundle wider = TestBundles.bundle(NAMES, true, 3, 4);
        assertThat(models.offer("a", wider.toBytes(), "test")).isInstanceOfSatisfying(ModelHolder.Refused.class,
                r -> assertThat(r.reason()).isEqualTo("incompatible"));
        assertThat(send("k1", "a").model()).as("a keeps serving its version").isEqualTo(a1);
        assertThat(send("k2", "b").model()).isEqualTo(b1);
        String a2 = load("a", 3, 1);
        assertThat(send("k1", "a").model()).isEqualTo(a2);
        assertThat(send("k2", "b").model()).as("b untouched by a's swap").isEqualTo(b1);
        assertThat(models.get("b").holder().current().version()).isEqualTo(b1);
    }

    @Test
    void aKeyReroutedToAnotherModelStartsItsStateAfresh() {
        start();
        load("a", 1, 3);
        load("b", 2, 3);
        assertThat(send("k", "a").warmingUp()).isTrue();
        assertThat(send("k", "a").warmingUp()).isTrue();
        assertThat(send("k", "a").warmingUp()).as("a's window full").isFalse();
        ScoreRecord moved = send("k", "b");
        assertThat(moved.modelName()).isEqualTo("b");
        assertThat(moved.warmingUp()).as("b does not read a's window").isTrue();
        assertThat(send("k", "b").warmingUp()).isTrue();
        assertThat(send("k", "b").warmingUp()).isFalse();
        assertThat(send("k", "a").warmingUp()).as("back to a: b's state is not a's either").isTrue();
    }

    @Test
    void modelsBeyondTheBoundAreRefusedAndCounted() {
        start("routing.max.models", "2");
        load("a", 1, 1);
        load("b", 2, 1);
        ModelBundle c = TestBundles.bundle(NAMES, true, 1, 3);
        assertThat(models.offer("c", c.toBytes(), "test")).isInstanceOfSatisfying(ModelHolder.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(ModelSet.TOO_MANY_MODELS));
        assertThat(metrics.modelRejectedCount(ModelSet.TOO_MANY_MODELS)).isEqualTo(1);
        assertThat(models.all()).extracting(ModelSet.Served::name).containsExactlyInAnyOrder("a", "b");
        assertThat(send("k", "c")).isNull();
        assertThat(deadLetterCode()).isEqualTo(ErrorCode.NO_MODEL.name());
        ModelBundle a2 = TestBundles.bundle(NAMES, true, 1, 5);
        assertThat(models.offer("a", a2.toBytes(), "test")).as("a loaded model still swaps").isInstanceOf(ModelHolder.Swapped.class);
    }
}
