package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.inspect.InspectSettings;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.testutil.TestBundles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operator feedback through the topology: {@code anomaly-feedback} raises the marked key's threshold only. */
class FeedbackTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Records per cycle of the repeated pattern: quiet noise, then a burst. */
    static final int PERIOD = 150;
    static final int BURST = 5;
    /** The burst's cpu shift, in the model's units: its likelihood lands between 0.5 and 0.75 (alarms at the default 0.5). */
    static final double SPIKE = 5.0;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private TestInputTopic<byte[], byte[]> feedback;
    private TestOutputTopic<byte[], byte[]> scores;
    private final Random rnd = new Random(5);
    private int runs;
    private SimpleMeterRegistry registry;
    private long ts;

    private void start() {
        Map<String, String> o = new HashMap<>(Map.of("alarm.likelihood.block", "20", "alarm.likelihood.history", "400",
                "alarm.range.enabled", "false"));
        EarthmoverConfig cfg = EarthmoverConfig.of(o);
        registry = new SimpleMeterRegistry();
        ScorerMetrics metrics = new ScorerMetrics(registry);
        ModelHolder holder = new ModelHolder("default", metrics, ScorerSettings.alarmPolicy(cfg));
        Properties p = ScorerApp.streamsProperties(cfg, metrics);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("run-" + runs++).toString());
        Clock fixed = Clock.fixed(Instant.ofEpochMilli(2_000_000_000_000L), ZoneOffset.UTC);
        driver = new TopologyTestDriver(ScoringTopology.build(ScorerSettings.from(cfg), InspectSettings.from(cfg), holder,
                metrics, new DriftTracker(fixed, 10), new WindowKeys(), fixed), p);
        in = driver.createInputTopic("events-in", new ByteArraySerializer(), new ByteArraySerializer());
        feedback = driver.createInputTopic("anomaly-feedback", new ByteArraySerializer(), new ByteArraySerializer());
        scores = driver.createOutputTopic("anomaly-scores", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(holder.offer(TestBundles.bundle(List.of("cpu", "mem"), true, 1, 1).toBytes(), "test"))
                .isInstanceOf(ModelHolder.Swapped.class);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** One cycle of the pattern for each key: quiet noise, then a burst of cpu SPIKE higher; the outputs by key. */
    private Map<String, List<JsonNode>> cycle(String... keys) throws Exception {
        for (int i = 0; i < PERIOD; i++) {
            ts += 1000;
            for (String k : keys) {
                double cpu = 0.3 * rnd.nextGaussian() + (i >= PERIOD - BURST ? SPIKE : 0);
                String v = "{\"id\":\"" + k + "-" + ts + "\",\"ts\":" + ts + ",\"features\":{\"cpu\":" + cpu
                        + ",\"mem\":" + 0.3 * rnd.nextGaussian() + "}}";
                in.pipeInput(new TestRecord<>(k.getBytes(UTF_8), v.getBytes(UTF_8), Instant.ofEpochMilli(ts)));
            }
        }
        Map<String, List<JsonNode>> out = new HashMap<>();
        for (var r : scores.readRecordsToList()) {
            out.computeIfAbsent(new String(r.key(), UTF_8), k -> new ArrayList<>()).add(JSON.readTree(r.value()));
        }
        return out;
    }

    private static List<JsonNode> alarms(List<JsonNode> outputs) {
        return outputs.stream().filter(j -> j.path("anomaly").asBoolean()).toList();
    }

    private void markFalseAlarm(String key, JsonNode alarm) {
        String v = "{\"key\":\"" + key + "\",\"id\":\"" + alarm.get("id").asText() + "\",\"label\":\"false_alarm\"}";
        feedback.pipeInput(new TestRecord<>(key.getBytes(UTF_8), v.getBytes(UTF_8), Instant.ofEpochMilli(ts)));
    }

    private List<JsonNode> cycles(int n, String key, Map<String, List<JsonNode>> others) throws Exception {
        List<JsonNode> mine = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            Map<String, List<JsonNode>> out = cycle("a", "b");
            mine.addAll(out.get(key));
            out.forEach((k, v) -> {
                if (!k.equals(key)) {
                    others.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v);
                }
            });
        }
        return mine;
    }

    @Test
    void aKeyMarkedFalseAlarmTwiceStopsAlarmingOnTheSamePatternWhileAnotherKeyStillDoes() throws Exception {
        start();
        Map<String, List<JsonNode>> before = new HashMap<>();
        List<JsonNode> aBefore = cycles(4, "a", before);
        List<JsonNode> marked = alarms(aBefore);
        assertThat(marked).as("the pattern alarms on key a").hasSizeGreaterThanOrEqualTo(2);
        assertThat(alarms(before.get("b"))).as("and on key b").hasSizeGreaterThanOrEqualTo(2);
        markFalseAlarm("a", marked.get(0));
        markFalseAlarm("a", marked.get(1));

        Map<String, List<JsonNode>> after = new HashMap<>();
        List<JsonNode> aAfter = cycles(4, "a", after);
        assertThat(alarms(aAfter)).as("key a, marked twice, no longer alarms on the pattern").isEmpty();
        assertThat(aAfter.get(0).get("alarmThreshold").asDouble()).as("its threshold is raised")
                .isGreaterThan(0.5 + 2 * io.earthmover.alarm.FeedbackAdjustment.STEP - 0.1);
        assertThat(alarms(after.get("b"))).as("key b, not marked, still alarms on it").hasSizeGreaterThanOrEqualTo(2);
        assertThat(after.get("b").get(0).get("alarmThreshold").asDouble()).isEqualTo(0.5);
    }

    @Test
    void theSameAlarmMarkedTwiceRaisesOnceAndIsCountedAsADuplicate() throws Exception {
        start();
        List<JsonNode> a = cycles(4, "a", new HashMap<>());
        JsonNode alarm = alarms(a).get(0);
        markFalseAlarm("a", alarm);
        markFalseAlarm("a", alarm);
        double threshold = cycles(1, "a", new HashMap<>()).get(0).get("alarmThreshold").asDouble();
        assertThat(threshold).as("one step, not two").isBetween(0.5 + io.earthmover.alarm.FeedbackAdjustment.STEP - 0.01,
                0.5 + io.earthmover.alarm.FeedbackAdjustment.STEP);
        assertThat(registry.get(io.earthmover.metrics.MetricNames.FEEDBACK).tag("label", "false_alarm")
                .tag("outcome", "applied").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(io.earthmover.metrics.MetricNames.FEEDBACK).tag("label", "false_alarm")
                .tag("outcome", "duplicate").counter().count()).isEqualTo(1.0);
    }

    @Test
    void theRaiseDecaysBackOverTheKeysRecords() throws Exception {
        start();
        List<JsonNode> a = cycles(4, "a", new HashMap<>());
        markFalseAlarm("a", alarms(a).get(0));
        markFalseAlarm("a", alarms(a).get(1));
        double first = cycles(1, "a", new HashMap<>()).get(0).get("alarmThreshold").asDouble();
        // ten half-lives of records later the raise is forgotten
        int n = 10 * io.earthmover.alarm.FeedbackAdjustment.HALF_LIFE_RECORDS / PERIOD;
        List<JsonNode> later = cycles(n, "a", new HashMap<>());
        assertThat(first).isGreaterThan(0.9);
        assertThat(later.get(later.size() - 1).get("alarmThreshold").asDouble()).isEqualTo(0.5);
    }

    @Test
    void aMalformedFeedbackMessageIsSkippedAndScoringGoesOn() throws Exception {
        start();
        feedback.pipeInput(new TestRecord<>("a".getBytes(UTF_8), "{not json".getBytes(UTF_8), Instant.ofEpochMilli(ts)));
        feedback.pipeInput(new TestRecord<>("a".getBytes(UTF_8), "{\"key\":\"a\",\"id\":\"x\",\"label\":\"meh\"}".getBytes(UTF_8),
                Instant.ofEpochMilli(ts)));
        List<JsonNode> a = cycles(1, "a", new HashMap<>());
        assertThat(a).hasSize(PERIOD);
        assertThat(registry.get(io.earthmover.metrics.MetricNames.FEEDBACK).tag("outcome", "invalid").counter().count())
                .isEqualTo(2.0);
        assertThat(a.get(0).get("alarmThreshold").asDouble()).isEqualTo(0.5);
    }

    @Test
    void theRaiseIsChangeloggedForARestartedOrMovedTask() throws Exception {
        start();
        List<JsonNode> a = cycles(4, "a", new HashMap<>());
        markFalseAlarm("a", alarms(a).get(0));
        markFalseAlarm("a", alarms(a).get(1));
        driver.advanceWallClockTime(java.time.Duration.ofSeconds(2)); // a commit: the store's cache reaches its changelog
        List<TestRecord<byte[], byte[]>> changelog = driver.createOutputTopic("earthmover-scorer-" + ScoringTopology.FEEDBACK_STORE
                + "-changelog", new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
        assertThat(changelog).extracting(r -> new String(r.key(), UTF_8)).containsOnly("a");
        assertThat(io.earthmover.alarm.FeedbackAdjustment.decode(changelog.get(changelog.size() - 1).value()).raise())
                .as("what a restored store holds; FeedbackStoresTest: a store loaded at start serves it").isGreaterThan(0.4);
    }
}
