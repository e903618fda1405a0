package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.alarm.AdaptationGuard;
import io.earthmover.alarm.KeyAlarm;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.features.KeyStandardiser;
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

/**
 * Guarded adaptation through the topology (issue 25, {@code alarm.adapt.guard}): a lasting level
 * shift is not absorbed by the key's standardiser, likelihood history and range, while a slow
 * drift that is never flagged is. The model standardises per key, so without the guard both are
 * absorbed; the likelihood's history is short (300 records) so absorption happens within the test.
 */
class GuardedAdaptationTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("cpu", "mem");
    private static final double CPU = 10;
    private static final double CPU_SIGMA = 0.2;
    private static final double MEM = 500;
    private static final double MEM_SIGMA = 20;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<byte[], byte[]> scores;
    private EarthmoverConfig cfg;
    private int runs;

    private void start(boolean guard) throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("alarm.likelihood.history", "300");
        o.put("alarm.adapt.guard", Boolean.toString(guard));
        cfg = EarthmoverConfig.of(o);
        ScorerMetrics metrics = new ScorerMetrics(new SimpleMeterRegistry());
        ModelHolder holder = new ModelHolder("default", metrics, ScorerSettings.alarmPolicy(cfg));
        DriftTracker drift = new DriftTracker(Clock.systemUTC(), 10);
        holder.onSwap(b -> drift.reset(b.holdoutCriticMean()));
        Properties p = ScorerApp.streamsProperties(cfg, metrics);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("run-" + runs++).toString());
        Clock fixed = Clock.fixed(Instant.ofEpochMilli(2_000_000_000_000L), ZoneOffset.UTC);
        driver = new TopologyTestDriver(ScoringTopology.build(ScorerSettings.from(cfg), holder, metrics, drift,
                new WindowKeys(), fixed), p);
        in = driver.createInputTopic("events-in", new ByteArraySerializer(), new ByteArraySerializer());
        scores = driver.createOutputTopic("anomaly-scores", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // trained on a standard normal cloud, which is what the key looks like once standardised
        var b = TestBundles.bundle(NAMES, true, 1, 1).withKeyStandardise(true);
        assertThat(holder.offer(b.toBytes(), "test")).isInstanceOf(ModelHolder.Swapped.class);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
            driver = null;
        }
    }

    /** Streams key "k": record i has cpu = level(i) + noise; returns the served outputs in order. */
    private List<JsonNode> stream(int n, java.util.function.IntToDoubleFunction cpuLevel) throws Exception {
        Random rnd = new Random(11);
        for (int i = 0; i < n; i++) {
            long ts = 1000L * (i + 1);
            double cpu = cpuLevel.applyAsDouble(i) + CPU_SIGMA * rnd.nextGaussian();
            double mem = MEM + MEM_SIGMA * rnd.nextGaussian();
            String json = "{\"id\":\"" + i + "\",\"ts\":" + ts + ",\"features\":{\"cpu\":" + cpu + ",\"mem\":" + mem + "}}";
            in.pipeInput(new TestRecord<>("k".getBytes(UTF_8), json.getBytes(UTF_8), Instant.ofEpochMilli(ts)));
        }
        List<JsonNode> out = new ArrayList<>();
        for (var r : scores.readRecordsToList()) {
            out.add(JSON.readTree(r.value()));
        }
        assertThat(out).hasSize(n);
        return out;
    }

    private static long count(List<JsonNode> out, int from, int to, String field) {
        return out.subList(from, to).stream().filter(j -> j.path(field).asBoolean()).count();
    }

    private List<JsonNode> lastingShift(boolean guard) throws Exception {
        start(guard);
        // 300 normal records, then cpu 8 of its standard deviations higher for 1,700 records
        List<JsonNode> out = stream(2000, i -> i < 300 ? CPU : CPU + 8 * CPU_SIGMA);
        assertThat(count(out, 0, 300, "anomalous")).as("the normal part is quiet").isLessThan(5);
        assertThat(count(out, 300, 310, "anomaly")).as("the shift alarms at its start").isEqualTo(1);
        close();
        return out;
    }

    @Test
    void aLastingLevelShiftStaysAnomalousUnderTheGuardAndIsAbsorbedWithoutIt() throws Exception {
        List<JsonNode> plain = lastingShift(false);
        List<JsonNode> guarded = lastingShift(true);
        // without the guard the standardiser, the likelihood's history and the range learn the shift as normal
        assertThat(count(plain, 1500, 2000, "anomalous")).as("absorbed without the guard").isZero();
        // with it none of them learns a flagged record: the key stays anomalous while the shift lasts
        assertThat(count(guarded, 310, 2000, "anomalous")).as("not absorbed with the guard").isEqualTo(1690);
        assertThat(count(guarded, 300, 2000, "anomaly")).as("one alarm event for the one anomaly").isEqualTo(1);
    }

    @Test
    void aSlowDriftIsLearntUnderTheGuard() throws Exception {
        start(true);
        int n = 6000;
        double drift = 3 * CPU_SIGMA; // three standard deviations over 6,000 records
        List<JsonNode> out = stream(n, i -> CPU + drift * i / n);
        assertThat(count(out, n - 1000, n, "anomalous")).as("after the drift the key is not flagged").isLessThan(10);
        assertThat(count(out, 0, n, "anomaly")).as("the drift never alarms (noise rarely does)").isLessThan(10);

        // the key's standardiser followed the drift: the final level is within one of its standard deviations
        var store = driver.<Bytes, byte[]>getKeyValueStore(ScoringTopology.WINDOW_STORE);
        KeyStandardiser st = new KeyStandardiser(2);
        AdaptationGuard g = new AdaptationGuard(2, cfg.get(io.earthmover.config.ConfigKeys.ALARM_ADAPT_DELAY));
        KeyAlarm alarm = new KeyAlarm(ScorerSettings.alarmPolicy(cfg), 2);
        KeyState.load(store.get(Bytes.wrap("k".getBytes(UTF_8))), null, st, g, alarm, io.earthmover.alarm.AlarmSeed.none());
        // learnt but for the warm-up, the records still held and a few noise flags with the delay before each
        assertThat(st.count()).isGreaterThan(n - 1000L);
        assertThat(g.held()).isEqualTo(g.delay());
        double[] z = new double[2];
        st.apply(new double[] {CPU + drift, MEM}, z);
        assertThat(Math.abs(z[0])).isLessThan(1.0);
        // and where it started is now far below what it learnt
        st.apply(new double[] {CPU, MEM}, z);
        assertThat(z[0]).isLessThan(-1.0);
    }
}
