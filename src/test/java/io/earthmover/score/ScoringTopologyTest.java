package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.record.ErrorCode;
import io.earthmover.testutil.TestBundles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("cpu", "mem");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<byte[], byte[]> scores;
    private TestOutputTopic<byte[], byte[]> dlq;
    private ScorerMetrics metrics;
    private ModelHolder holder;
    private DriftTracker drift;

    private void start(Map<String, String> overrides) {
        EarthmoverConfig cfg = EarthmoverConfig.of(overrides);
        metrics = new ScorerMetrics(new SimpleMeterRegistry());
        holder = new ModelHolder("default", metrics, ScorerSettings.alarmPolicy(cfg));
        drift = new DriftTracker(Clock.systemUTC(), 10);
        holder.onSwap(b -> drift.reset(b.holdoutCriticMean()));
        Properties p = ScorerApp.streamsProperties(cfg, metrics);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Clock fixed = Clock.fixed(Instant.ofEpochMilli(2_000_000_000_000L), ZoneOffset.UTC);
        driver = new TopologyTestDriver(ScoringTopology.build(ScorerSettings.from(cfg), holder, metrics, drift, new WindowKeys(), fixed), p);
        in = driver.createInputTopic("events-in", new ByteArraySerializer(), new ByteArraySerializer());
        scores = driver.createOutputTopic("anomaly-scores", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic("events-dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** Loads a model trained with the given seed and window; returns its version. */
    private String load(long seed, int window) {
        var b = TestBundles.bundle(NAMES, true, window, seed);
        assertThat(holder.offer(b.toBytes(), "test")).isInstanceOf(ModelHolder.Swapped.class);
        return b.version();
    }

    private void send(String key, String json, long ts) {
        in.pipeInput(new TestRecord<>(key == null ? null : key.getBytes(UTF_8), json == null ? null : json.getBytes(UTF_8), Instant.ofEpochMilli(ts)));
    }

    private static String rec(String id, long ts, double cpu, double mem) {
        return "{\"id\":\"" + id + "\",\"ts\":" + ts + ",\"features\":{\"cpu\":" + cpu + ",\"mem\":" + mem + "}}";
    }

    private List<JsonNode> readScores() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (var r : scores.readRecordsToList()) {
            out.add(JSON.readTree(r.value()));
        }
        return out;
    }

    @Test
    void scoresAValidRecordWithItsKeyAndModelVersion() throws Exception {
        start(Map.of("attribution.min.score", "0"));
        String v1 = load(1, 1);
        send("host-1", rec("r1", 1000, 0.1, 0.2), 1000);
        var out = scores.readRecord();
        assertThat(new String(out.key(), UTF_8)).isEqualTo("host-1");
        JsonNode j = JSON.readTree(out.value());
        assertThat(j.get("id").asText()).isEqualTo("r1");
        assertThat(j.get("ts").asLong()).isEqualTo(1000);
        assertThat(j.get("model").asText()).isEqualTo(v1);
        assertThat(j.get("score").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("critic").isNumber()).isTrue();
        assertThat(j.get("threshold").isNumber()).isTrue();
        assertThat(j.get("anomaly").isBoolean()).isTrue();
        assertThat(j.get("topFeatures").get(0).get("feature").asText()).isIn("cpu", "mem");
        assertThat(j.get("scoredAt").asLong()).isEqualTo(2_000_000_000_000L);
        assertThat(j.get("warmingUp").asBoolean()).isFalse();
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(metrics.scoredCount()).isEqualTo(1);
    }

    @Test
    void sendsEveryBadRecordToTheDlqWithItsCodeAndSource() throws Exception {
        start(Map.of("record.max.bytes", "200"));
        send("k", rec("no-model", 1, 1, 1), 1);
        load(1, 1);
        Map<String, ErrorCode> bad = new java.util.LinkedHashMap<>();
        bad.put(null, ErrorCode.NULL_VALUE);
        bad.put("", ErrorCode.EMPTY_PAYLOAD);
        bad.put("{\"features\":{\"cpu\":1,\"mem\":2},\"pad\":\"" + "x".repeat(300) + "\"}", ErrorCode.TOO_LARGE);
        bad.put("{\"features\":", ErrorCode.MALFORMED_JSON);
        bad.put("[1,2]", ErrorCode.NOT_AN_OBJECT);
        bad.put("{\"x\":" + "[".repeat(40) + "]".repeat(40) + ",\"features\":[1,2]}", ErrorCode.TOO_DEEP);
        bad.put("{\"features\":{\"cpu\":1,\"cpu\":2}}", ErrorCode.DUPLICATE_FIELD);
        bad.put("{\"id\":\"x\"}", ErrorCode.MISSING_FEATURES);
        bad.put("{\"features\":{\"cpu\":\"1\",\"mem\":2}}", ErrorCode.WRONG_TYPE);
        bad.put("{\"features\":{\"cpu\":NaN,\"mem\":2}}", ErrorCode.NON_FINITE);
        bad.put("{\"ts\":\"soon\",\"features\":{\"cpu\":1,\"mem\":2}}", ErrorCode.INVALID_TIMESTAMP);
        bad.put("{\"features\":{\"cpu\":1,\"mem\":2,\"disk\":3}}", ErrorCode.UNKNOWN_FEATURE);
        bad.put("{\"features\":{\"cpu\":1}}", ErrorCode.MISSING_FEATURES);
        bad.put("{\"features\":[1,2]}", ErrorCode.WRONG_TYPE);
        for (var e : bad.entrySet()) {
            send("k", e.getKey(), 5);
        }
        in.pipeInput("k".getBytes(UTF_8), new byte[] {'{', (byte) 0xFF, '}'});
        var out = dlq.readRecordsToList();
        assertThat(out).hasSize(bad.size() + 2);
        List<ErrorCode> expected = new ArrayList<>();
        expected.add(ErrorCode.NO_MODEL);
        expected.addAll(bad.values());
        expected.add(ErrorCode.INVALID_UTF8);
        for (int i = 0; i < out.size(); i++) {
            TestRecord<byte[], byte[]> r = out.get(i);
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR_CODE)).as("record %d", i).isEqualTo(expected.get(i).name());
            assertThat(DeadLetters.header(r.headers(), DeadLetters.ERROR_MESSAGE)).isNotBlank();
            assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("events-in");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo(String.valueOf(i));
            assertThat(new String(r.key(), UTF_8)).isEqualTo("k");
        }
        // original bytes unchanged
        String malformed = "{\"features\":";
        assertThat(out.stream().map(r -> r.value() == null ? null : new String(r.value(), UTF_8))).contains(malformed);
        assertThat(out.get(1).value()).isNull();
        assertThat(scores.isEmpty()).isTrue();
        assertThat(metrics.count(ErrorCode.MISSING_FEATURES)).isEqualTo(2);
        assertThat(metrics.inCount()).isEqualTo(out.size());
    }

    @Test
    void windowsPerKeyWithWarmUpAndOutOfOrderRecords() throws Exception {
        start(Map.of("scorer.late.tolerance.ms", "1000"));
        load(1, 3);
        send("a", rec("a1", 1000, 0, 0), 1000);
        send("b", rec("b1", 1000, 6, 6), 1000);
        send("a", rec("a2", 2000, 0, 0), 2000);
        send("a", rec("a3", 3000, 0, 0), 3000);
        send("b", rec("b2", 2000, 6, 6), 2000);
        send("a", rec("a4-late", 2500, 0, 0), 2500); // 500 ms behind: placed between a2 and a3
        send("a", rec("a5-too-late", 500, 1, 1), 3100); // 2.5 s behind: not placed
        send(null, rec("n1", 1, 0, 0), 1);
        List<JsonNode> out = readScores();
        assertThat(out).extracting(j -> j.get("id").asText())
                .containsExactly("a1", "b1", "a2", "a3", "b2", "a4-late", "a5-too-late", "n1");
        assertThat(out).extracting(j -> j.get("warmingUp").asBoolean())
                .containsExactly(true, true, true, false, true, false, false, true);
        assertThat(out.get(3).get("score").isNumber()).isTrue();
        JsonNode late = out.get(5);
        assertThat(late.get("late").asBoolean()).isTrue();
        assertThat(late.get("score").isNumber()).as("placed late record is scored on the window ending at it").isTrue();
        JsonNode tooLate = out.get(6);
        assertThat(tooLate.get("late").asBoolean()).isTrue();
        assertThat(tooLate.get("score").isNull()).isTrue();
        // the windows hold raw vectors per key: b's window is separate from a's
        assertThat(out.get(4).get("score").isNull()).isTrue();
        send("b", rec("b3", 3000, 6, 6), 3000);
        JsonNode b3 = readScores().get(0);
        assertThat(b3.get("warmingUp").asBoolean()).isFalse();
        assertThat(b3.get("critic").asDouble()).as("b's window holds b's values, not a's")
                .isNotCloseTo(out.get(3).get("critic").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void swapsModelsMidStreamWithoutLosingOrRepeatingRecords() throws Exception {
        start(Map.of());
        String v1 = load(1, 1);
        String v2 = null;
        for (int i = 0; i < 50; i++) {
            send("k" + i % 3, rec("r" + i, i, 0.1, 0.2), i);
            if (i == 24) {
                v2 = load(2, 1);
            }
        }
        final String first = v1;
        final String second = v2;
        assertThat(first).isNotEqualTo(second);
        List<JsonNode> out = readScores();
        assertThat(out).hasSize(50);
        assertThat(out).extracting(j -> j.get("id").asText()).doesNotHaveDuplicates();
        assertThat(out.subList(0, 25)).allMatch(j -> j.get("model").asText().equals(first));
        assertThat(out.subList(25, 50)).allMatch(j -> j.get("model").asText().equals(second));
        assertThat(metrics.swapCount()).isEqualTo(2);
    }

    @Test
    void refusesInvalidModelsWhileTheCurrentOneKeepsServing() throws Exception {
        start(Map.of());
        String good = load(1, 1);
        byte[] valid = TestBundles.bytes(NAMES, true, 1, 1);
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length / 2);
        assertThat(holder.offer(truncated, "test")).isInstanceOf(ModelHolder.Refused.class);
        assertThat(holder.offer(new byte[] {1, 2, 3}, "test")).isInstanceOf(ModelHolder.Refused.class);
        assertThat(holder.offer(new byte[0], "test")).isInstanceOf(ModelHolder.Refused.class);
        assertThat(holder.offer(null, "test")).isInstanceOf(ModelHolder.Refused.class);
        var other = holder.offer(TestBundles.bytes(List.of("cpu", "disk"), true, 1, 3), "test");
        assertThat(other).isInstanceOf(ModelHolder.Refused.class);
        assertThat(((ModelHolder.Refused) other).reason()).isEqualTo("incompatible");
        var otherWindow = holder.offer(TestBundles.bytes(NAMES, true, 4, 4), "test");
        assertThat(((ModelHolder.Refused) otherWindow).reason()).isEqualTo("incompatible");
        assertThat(holder.offer(valid, "test")).isInstanceOf(ModelHolder.Unchanged.class);
        send("k", rec("after", 1, 0.1, 0.1), 1);
        assertThat(readScores()).singleElement().satisfies(j -> assertThat(j.get("model").asText()).isEqualTo(good));
        assertThat(metrics.modelRejectedCount("tombstone")).isEqualTo(1);
        assertThat(metrics.modelRejectedCount("empty")).isEqualTo(1);
        assertThat(metrics.modelRejectedCount("incompatible")).isEqualTo(2);
        assertThat(metrics.modelRejectedCount("format") + metrics.modelRejectedCount("checksum")).isEqualTo(2);
        assertThat(metrics.swapCount()).isEqualTo(1);
    }

    @Test
    void aModelWhoseAlarmSeedWasFittedForAnotherLikelihoodIsRefusedWhileTheCurrentOneServes() throws Exception {
        start(Map.of("alarm.likelihood.averaging", "10"));
        double[] lo = new double[NAMES.size()];
        double[] hi = new double[NAMES.size()];
        java.util.Arrays.fill(hi, 1);
        List<double[]> surprises = List.of(new double[] {0.2, -0.1, 0.4, 0.3, 0.1});
        var next = TestBundles.bundle(NAMES, true, 1, 2);
        var asFirst = holder.offer(next.withAlarmSeed(io.earthmover.alarm.AlarmSeed.fit(surprises, 5,
                io.earthmover.alarm.AlarmPolicy.Squash.NONE, lo, hi)).toBytes(), "test");
        assertThat(asFirst).as("refused as a first model too").isInstanceOf(ModelHolder.Refused.class);
        assertThat(holder.hasModel()).isFalse();
        String good = load(1, 1);
        var otherAveraging = holder.offer(next.withAlarmSeed(io.earthmover.alarm.AlarmSeed.fit(surprises, 5,
                io.earthmover.alarm.AlarmPolicy.Squash.NONE, lo, hi)).toBytes(), "test");
        assertThat(otherAveraging).isInstanceOfSatisfying(ModelHolder.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo("incompatible");
            assertThat(r.message()).contains("alarm.likelihood.averaging=5", "alarm.likelihood.averaging=10");
        });
        var otherSquash = holder.offer(next.withAlarmSeed(io.earthmover.alarm.AlarmSeed.fit(surprises, 10,
                io.earthmover.alarm.AlarmPolicy.Squash.LOG, lo, hi)).toBytes(), "test");
        assertThat(otherSquash).isInstanceOfSatisfying(ModelHolder.Refused.class,
                r -> assertThat(r.message()).contains("alarm.likelihood.squash=log"));
        send("k", rec("after", 1, 0.1, 0.1), 1);
        assertThat(readScores()).singleElement().satisfies(j -> assertThat(j.get("model").asText()).isEqualTo(good));
        var fitting = holder.offer(next.withAlarmSeed(io.earthmover.alarm.AlarmSeed.fit(surprises, 10,
                io.earthmover.alarm.AlarmPolicy.Squash.NONE, lo, hi)).toBytes(), "test");
        assertThat(fitting).isInstanceOf(ModelHolder.Swapped.class);
        assertThat(metrics.modelRejectedCount("incompatible")).isEqualTo(3);
    }

    @Test
    void windowStoreIsBackedByAChangelogTopic() throws Exception {
        start(Map.of());
        load(1, 2);
        send("a", rec("a1", 1000, 0, 0), 1000);
        send("a", rec("a2", 2000, 0, 0), 2000);
        assertThat(driver.producedTopicNames()).contains("earthmover-scorer-" + ScoringTopology.WINDOW_STORE + "-changelog");
        var store = driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(ScoringTopology.WINDOW_STORE);
        WindowHistory h = new WindowHistory(3, 2);
        KeyState.load(store.get(org.apache.kafka.common.utils.Bytes.wrap("a".getBytes(UTF_8))), h, null, null, null);
        assertThat(h.count()).isEqualTo(2);
        assertThat(h.newestTs()).isEqualTo(2000);
    }

    private static final Map<String, String> FAST_LIKELIHOOD = Map.of("alarm.likelihood.block", "20",
            "alarm.likelihood.history", "400");

    /** Sends n records per key, key k at cpu level levels[k] plus shift (from record shiftFrom on, key 0 only). */
    private List<JsonNode> stream(String[] keys, double[] levels, int n, int shiftFrom, double shift, long seed)
            throws Exception {
        java.util.Random rnd = new java.util.Random(seed);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < keys.length; k++) {
                double cpu = levels[k] + 0.3 * rnd.nextGaussian() + (k == 0 && i >= shiftFrom ? shift : 0);
                long ts = 1000L * (i + 1);
                send(keys[k], rec(keys[k] + "-" + i, ts, cpu, 0.3 * rnd.nextGaussian()), ts);
            }
        }
        return readScores();
    }

    private static List<Integer> alarmed(List<JsonNode> out, String keyPrefix) {
        List<Integer> idx = new ArrayList<>();
        for (JsonNode j : out) {
            String id = j.get("id").asText();
            if (id.startsWith(keyPrefix + "-") && j.get("anomaly").asBoolean()) {
                idx.add(Integer.parseInt(id.substring(keyPrefix.length() + 1)));
            }
        }
        return idx;
    }

    @Test
    void keysWithDifferentLevelsAlarmIndependentlyAndALastingShiftAlarmsOnce() throws Exception {
        Map<String, String> cfg = new java.util.HashMap<>(FAST_LIKELIHOOD);
        cfg.put("alarm.range.enabled", "false");
        start(cfg);
        load(1, 1);
        List<JsonNode> out = stream(new String[] {"low", "high"}, new double[] {-1.0, 1.0}, 600, 450, 2.5, 7);
        assertThat(out).hasSize(1200);
        for (JsonNode j : out) {
            assertThat(j.get("anomaly").asBoolean()).isEqualTo(j.get("alarmScore").asDouble() >= j.get("alarmThreshold").asDouble());
        }
        assertThat(alarmed(out, "low")).filteredOn(i -> i >= 450).hasSize(1).allMatch(i -> i < 460);
        assertThat(alarmed(out, "high")).filteredOn(i -> i >= 450).isEmpty();
        JsonNode first = out.stream().filter(j -> j.get("id").asText().startsWith("low-") && j.get("anomaly").asBoolean()
                && Integer.parseInt(j.get("id").asText().substring(4)) >= 450).findFirst().orElseThrow();
        assertThat(first.get("reason").asText()).isEqualTo("likelihood");
        assertThat(first.get("likelihood").asDouble()).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void theRangeRuleFiresOnTheFirstOutOfRangeRecord() throws Exception {
        start(FAST_LIKELIHOOD);
        // as the trainer seeds it: the training range of the standard normal cloud
        var b = TestBundles.bundle(NAMES, true, 1, 1).withAlarmSeed(new io.earthmover.alarm.AlarmSeed(0, 0.3, 1000, 10,
                new double[] {-3.5, -3.5}, new double[] {3.5, 3.5}));
        assertThat(holder.offer(b.toBytes(), "test")).isInstanceOf(ModelHolder.Swapped.class);
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < 200; i++) {
            send("k", rec("n" + i, 1000L * (i + 1), 0.5 * rnd.nextGaussian(), 0.5 * rnd.nextGaussian()), 1000L * (i + 1));
        }
        List<JsonNode> normal = readScores();
        send("k", rec("spike", 300_000, 40, 0), 300_000);
        JsonNode spike = readScores().get(0);
        assertThat(normal).noneMatch(j -> "range".equals(j.path("reason").asText(null)));
        assertThat(spike.get("anomaly").asBoolean()).isTrue();
        assertThat(spike.get("reason").asText()).isEqualTo("range");
        assertThat(spike.get("alarmScore").asDouble()).isEqualTo(1.0);
    }

    @Test
    void outputsAfterARestartFromTheStoredStateEqualAnUninterruptedRun() throws Exception {
        start(FAST_LIKELIHOOD);
        load(1, 2);
        List<JsonNode> straight = stream(new String[] {"a", "b"}, new double[] {0, 1}, 400, 300, 3, 11);
        driver.close();
        driver = null;

        start(FAST_LIKELIHOOD);
        load(1, 2);
        List<JsonNode> firstHalf = stream(new String[] {"a", "b"}, new double[] {0, 1}, 250, 300, 3, 11);
        // a restart: a new topology whose store holds what the changelog restores, nothing else
        var before = driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(ScoringTopology.WINDOW_STORE);
        Map<org.apache.kafka.common.utils.Bytes, byte[]> saved = new java.util.HashMap<>();
        try (var it = before.all()) {
            it.forEachRemaining(kv -> saved.put(kv.key, kv.value));
        }
        driver.close();
        driver = null;
        start(FAST_LIKELIHOOD);
        load(1, 2);
        var after = driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(ScoringTopology.WINDOW_STORE);
        saved.forEach(after::put);
        java.util.Random rnd = new java.util.Random(11);
        List<JsonNode> secondHalf;
        for (int i = 0; i < 400; i++) {
            for (int k = 0; k < 2; k++) {
                double cpu = k + 0.3 * rnd.nextGaussian() + (k == 0 && i >= 300 ? 3 : 0);
                double mem = 0.3 * rnd.nextGaussian();
                if (i >= 250) {
                    String key = k == 0 ? "a" : "b";
                    send(key, rec(key + "-" + i, 1000L * (i + 1), cpu, mem), 1000L * (i + 1));
                }
            }
        }
        secondHalf = readScores();
        List<JsonNode> resumed = new ArrayList<>(firstHalf);
        resumed.addAll(secondHalf);
        assertThat(resumed).hasSameSizeAs(straight);
        for (int i = 0; i < straight.size(); i++) {
            assertThat(resumed.get(i)).as("output %d", i).isEqualTo(straight.get(i));
        }
        assertThat(alarmed(straight, "a")).isNotEmpty();
    }

    @Test
    void aModelSwapKeepsEachKeysAlarmState() throws Exception {
        start(FAST_LIKELIHOOD);
        String v1 = load(1, 1);
        stream(new String[] {"a"}, new double[] {0}, 300, 1000, 0, 5);
        var store = driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(ScoringTopology.WINDOW_STORE);
        byte[] key = "a".getBytes(UTF_8);
        var alarm = new io.earthmover.alarm.KeyAlarm(ScorerSettings.alarmPolicy(EarthmoverConfig.of(FAST_LIKELIHOOD)), 2);
        KeyState.load(store.get(org.apache.kafka.common.utils.Bytes.wrap(key)), null, null, alarm, io.earthmover.alarm.AlarmSeed.none());
        assertThat(alarm.records()).isEqualTo(300);
        String v2 = load(2, 1);
        assertThat(v2).isNotEqualTo(v1);
        send("a", rec("after", 301_000, 0.1, 0.1), 301_000);
        JsonNode j = readScores().get(0);
        assertThat(j.get("model").asText()).isEqualTo(v2);
        assertThat(j.get("likelihood").asDouble()).as("active, not probation: the key's history carried on").isNotEqualTo(
                io.earthmover.alarm.AlarmSeed.none().surpriseMean());
        KeyState.load(store.get(org.apache.kafka.common.utils.Bytes.wrap(key)), null, null, alarm, io.earthmover.alarm.AlarmSeed.none());
        assertThat(alarm.records()).isEqualTo(301);
    }

    @Test
    void aPerKeyStandardisingModelJudgesEachKeyInItsOwnScale() throws Exception {
        start(Map.of());
        // trained on a standard normal cloud, which is what every key looks like once standardised
        var b = TestBundles.bundle(NAMES, true, 1, 1).withKeyStandardise(true);
        assertThat(holder.offer(b.toBytes(), "test")).isInstanceOf(ModelHolder.Swapped.class);
        java.util.Random rnd = new java.util.Random(9);
        double[][] level = {{10, 500}, {80, 3}};
        double[] sigma = {0.2, 20};
        for (int i = 0; i < 400; i++) {
            for (int k = 0; k < 2; k++) {
                double shift = k == 0 && i == 300 ? 8 * sigma[k] : 0;
                send("k" + k, rec("k" + k + "-" + i, 1000L * (i + 1), level[k][0] + sigma[k] * rnd.nextGaussian() + shift,
                        level[k][1] + sigma[k] * rnd.nextGaussian()), 1000L * (i + 1));
            }
        }
        List<JsonNode> out = readScores();
        assertThat(out).hasSize(800);
        long warming = out.stream().filter(j -> j.get("warmingUp").asBoolean()).count();
        assertThat(warming).isEqualTo(2L * io.earthmover.features.KeyStandardiser.WARMUP);
        assertThat(alarmed(out, "k0")).contains(300);
        assertThat(alarmed(out, "k0").size() + alarmed(out, "k1").size()).as("few false alarms").isLessThan(6);
    }

    @Test
    void topFeaturesAreComputedForFlaggedRecordsOnlyByDefault() throws Exception {
        start(Map.of());
        var b = TestBundles.bundle(NAMES, true, 1, 1).withAlarmSeed(new io.earthmover.alarm.AlarmSeed(0, 0.3, 1000, 10,
                new double[] {-3.5, -3.5}, new double[] {3.5, 3.5}));
        assertThat(holder.offer(b.toBytes(), "test")).isInstanceOf(ModelHolder.Swapped.class);
        send("k", rec("normal", 1000, 0.1, -0.2), 1000);
        send("k", rec("spike", 2000, 30, 0), 2000);
        List<JsonNode> out = readScores();
        assertThat(out.get(0).get("anomaly").asBoolean()).isFalse();
        assertThat(out.get(0).get("topFeatures")).isEmpty();
        assertThat(out.get(1).get("anomaly").asBoolean()).isTrue();
        assertThat(out.get(1).get("topFeatures").get(0).get("feature").asText()).isEqualTo("cpu");
    }

    /** Per-record (anomaly, anomalous, reason, likelihood) of a stream: 40 normal, 15 far off, 40 normal records. */
    private List<JsonNode> normalOffNormal() throws Exception {
        long ts = 1;
        for (int i = 0; i < 40; i++, ts++) {
            send("k", rec("n" + i, ts, 0.01 * (i % 3), -0.01 * (i % 2)), ts);
        }
        for (int i = 0; i < 15; i++, ts++) {
            send("k", rec("a" + i, ts, 9 + 0.01 * i, 9), ts);
        }
        for (int i = 0; i < 40; i++, ts++) {
            send("k", rec("m" + i, ts, 0.01 * (i % 3), 0.01 * (i % 2)), ts);
        }
        return readScores();
    }

    @Test
    void theStateCoversTheAnomalousPeriodWhileTheEventMarksOnlyItsStart() throws Exception {
        // the score signal with hysteresis: an alarm re-arms once the calibrated score falls below 0.5
        start(Map.of("alarm.signal", "score", "alarm.rearm.level", "0.5", "alarm.refractory", "0",
                "alarm.range.enabled", "false"));
        load(1, 1);
        List<JsonNode> out = normalOffNormal();
        assertThat(out).hasSize(95);
        for (int i = 0; i < 40; i++) {
            assertThat(out.get(i).get("anomalous").asBoolean()).as("normal record %d", i).isFalse();
        }
        assertThat(out.get(40).get("anomaly").asBoolean()).as("the event at the anomaly's start").isTrue();
        for (int i = 40; i < 55; i++) {
            assertThat(out.get(i).get("anomalous").asBoolean()).as("inside the anomaly, record %d", i).isTrue();
            if (i > 40) {
                assertThat(out.get(i).get("anomaly").asBoolean()).as("no second event, record %d", i).isFalse();
            }
        }
        for (int i = 56; i < 95; i++) {
            assertThat(out.get(i).get("anomalous").asBoolean()).as("back to normal, record %d", i).isFalse();
        }
    }

    @Test
    void aRulesOnlyFallbackAlarmsFromTheRangeRuleAloneAndShowsNoLikelihood() throws Exception {
        start(Map.of());
        var b = TestBundles.bundle(NAMES, true, 1, 1)
                .withFallback(new io.earthmover.model.ModelManifest.Fallback("rules", "AUC 0.4 below 0.8"));
        assertThat(holder.offer(b.toBytes(), "test")).isInstanceOf(ModelHolder.Swapped.class);
        List<JsonNode> out = normalOffNormal();
        assertThat(out.get(40).get("anomaly").asBoolean()).as("the range rule fires at the exit").isTrue();
        assertThat(out.get(40).get("reason").asText()).isEqualTo("range");
        for (JsonNode j : out) {
            assertThat(j.get("likelihood").isNull()).as("no likelihood from a refused critic").isTrue();
            assertThat(j.get("critic").isNumber()).as("the critic's value is still shown").isTrue();
            if (j.get("anomaly").asBoolean()) {
                assertThat(j.get("reason").asText()).isIn("range", "frozen");
            }
        }
    }
}
