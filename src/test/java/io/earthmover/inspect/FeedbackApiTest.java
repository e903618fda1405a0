package io.earthmover.inspect;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.earthmover.alarm.FeedbackAdjustment;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.metrics.ScorerMetrics;
import io.earthmover.score.DriftTracker;
import io.earthmover.score.ModelHolder;
import io.earthmover.score.ScorerApp;
import io.earthmover.score.ScorerSettings;
import io.earthmover.score.ScoringTopology;
import io.earthmover.score.WindowKeys;
import io.earthmover.testutil.TestBundles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/feedback} over a real HTTP server, checking ids against the stores of a
 * TopologyTestDriver that scores records, and writing accepted feedback to that topology's
 * {@code anomaly-feedback} topic.
 */
class FeedbackApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 2_000_000_000_000L;

    @TempDir
    Path stateDir;

    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);
    private final HttpClient http = HttpClient.newHttpClient();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private HttpServer server;

    private void start(String token) throws Exception {
        EarthmoverConfig cfg = EarthmoverConfig.of(new HashMap<>(Map.of("inspect.auth.token", token)));
        ScorerMetrics metrics = new ScorerMetrics(new SimpleMeterRegistry());
        ModelHolder holder = new ModelHolder("default", metrics, ScorerSettings.alarmPolicy(cfg));
        assertThat(holder.offer(TestBundles.bytes(List.of("cpu", "mem"), true, 1, 1), "test")).isInstanceOf(ModelHolder.Swapped.class);
        Properties p = ScorerApp.streamsProperties(cfg, metrics);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        InspectSettings inspect = InspectSettings.from(cfg);
        driver = new TopologyTestDriver(ScoringTopology.build(ScorerSettings.from(cfg), inspect, holder, metrics,
                new DriftTracker(clock, 10), new WindowKeys(), clock), p);
        in = driver.createInputTopic("events-in", new ByteArraySerializer(), new ByteArraySerializer());
        TestInputTopic<byte[], byte[]> feedback = driver.createInputTopic(inspect.feedbackTopic(), new ByteArraySerializer(),
                new ByteArraySerializer());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        InspectQueries queries = new InspectQueries(inspect, name -> driver.getKeyValueStore(name));
        KeyOwners owners = KeyOwners.single("127.0.0.1:" + server.getAddress().getPort());
        server.createContext("/api/", new InspectApi(() -> queries, owners, clock));
        server.createContext(FeedbackApi.PATH, new FeedbackApi(() -> queries, owners,
                (key, value) -> feedback.pipeInput(new TestRecord<>(key, value, Instant.ofEpochMilli(T0))),
                cfg.get(io.earthmover.config.ConfigKeys.INSPECT_AUTH_TOKEN), clock));
        server.start();
        for (int i = 1; i <= 3; i++) {
            String v = "{\"id\":\"r-" + i + "\",\"ts\":" + (T0 + i) + ",\"features\":{\"cpu\":0.1,\"mem\":0.2}}";
            in.pipeInput(new TestRecord<>("host-1".getBytes(UTF_8), v.getBytes(UTF_8), Instant.ofEpochMilli(T0 + i)));
        }
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.stop(0);
        }
        if (driver != null) {
            driver.close();
        }
    }

    private record Reply(int status, JsonNode body) {
    }

    private Reply post(String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + FeedbackApi.PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    private Reply post(String body) throws Exception {
        return post(body, null);
    }

    private double raiseOf(String key) {
        byte[] stored = driver.<Bytes, byte[]>getKeyValueStore(ScoringTopology.FEEDBACK_STORE).get(Bytes.wrap(key.getBytes(UTF_8)));
        return FeedbackAdjustment.decode(stored).raise();
    }

    @Test
    void aValidFalseAlarmIsAcceptedAndReachesTheKeysAdjustment() throws Exception {
        start("");
        Reply r = post("{\"key\":\"host-1\",\"id\":\"r-2\",\"label\":\"false_alarm\"}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body().get("accepted").asBoolean()).isTrue();
        assertThat(r.body().get("label").asText()).isEqualTo("false_alarm");
        assertThat(raiseOf("host-1")).isEqualTo(FeedbackAdjustment.STEP);
        assertThat(post("{\"key\":\"host-1\",\"id\":\"r-3\",\"label\":\"missed_anomaly\"}").status()).isEqualTo(202);
        assertThat(raiseOf("host-1")).isZero();
    }

    @Test
    void aMalformedBodyIs400NamingTheFault() throws Exception {
        start("");
        Map<String, String> faults = Map.of(
                "{\"key\":", "malformed JSON",
                "[1,2]", "JSON object",
                "{\"key\":\"host-1\",\"id\":\"r-1\",\"label\":\"meh\"}", "unknown label 'meh'",
                "{\"id\":\"r-1\",\"label\":\"false_alarm\"}", "missing field 'key'",
                "{\"key\":\"host-1\",\"label\":\"false_alarm\"}", "missing field 'id'",
                "{\"key\":\"host-1\",\"id\":7,\"label\":\"false_alarm\"}", "missing field 'id'");
        for (var f : faults.entrySet()) {
            Reply r = post(f.getKey());
            assertThat(r.status()).as(f.getKey()).isEqualTo(400);
            assertThat(r.body().get("status").asInt()).isEqualTo(400);
            assertThat(r.body().get("error").asText()).as(f.getKey()).contains(f.getValue());
        }
        assertThat(raiseOf("host-1")).isZero();
    }

    @Test
    void anIdTheKeysRecentOutputsDoNotHoldIs404() throws Exception {
        start("");
        Reply r = post("{\"key\":\"host-1\",\"id\":\"r-99\",\"label\":\"false_alarm\"}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body().get("error").asText()).contains("unknown id 'r-99'");
        assertThat(post("{\"key\":\"host-2\",\"id\":\"r-1\",\"label\":\"false_alarm\"}").status())
                .as("an id of another key").isEqualTo(404);
        assertThat(raiseOf("host-1")).isZero();
        assertThat(raiseOf("host-2")).isZero();
    }

    @Test
    void withATokenWritesNeedItAndReadsStayOpen() throws Exception {
        start("s3cr3t-token");
        String body = "{\"key\":\"host-1\",\"id\":\"r-1\",\"label\":\"false_alarm\"}";
        Reply none = post(body, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().get("error").asText()).contains("Authorization: Bearer");
        assertThat(post(body, "Bearer wrong").status()).isEqualTo(401);
        assertThat(post(body, "s3cr3t-token").status()).as("without the scheme").isEqualTo(401);
        assertThat(raiseOf("host-1")).isZero();
        assertThat(post(body, "Bearer s3cr3t-token").status()).isEqualTo(202);
        assertThat(raiseOf("host-1")).isEqualTo(FeedbackAdjustment.STEP);
        HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.getAddress().getPort() + "/api/keys/host-1")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
    }

    @Test
    void onlyPostIsServed() throws Exception {
        start("");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.getAddress().getPort() + FeedbackApi.PATH)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }
}
