package io.earthmover.inspect;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query endpoints over a real HTTP server, reading the stores of a TopologyTestDriver that scores records. */
class InspectApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 2_000_000_000_000L;

    @TempDir
    Path stateDir;

    private final AtomicLong now = new AtomicLong(T0);
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    private final HttpClient http = HttpClient.newHttpClient();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private HttpServer server;
    private InspectSettings inspect;

    private void start(Map<String, String> overrides) {
        start(overrides, 1);
    }

    private void start(Map<String, String> overrides, int window) {
        Map<String, String> cfgMap = new HashMap<>(Map.of("alarm.enabled", "false", "attribution.min.score", "0"));
        cfgMap.putAll(overrides);
        EarthmoverConfig cfg = EarthmoverConfig.of(cfgMap);
        ScorerMetrics metrics = new ScorerMetrics(new SimpleMeterRegistry());
        ModelHolder holder = new ModelHolder("default", metrics, ScorerSettings.alarmPolicy(cfg));
        assertThat(holder.offer(TestBundles.bytes(List.of("cpu", "mem"), true, window, 1), "test")).isInstanceOf(ModelHolder.Swapped.class);
        Properties p = ScorerApp.streamsProperties(cfg, metrics);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        inspect = InspectSettings.from(cfg);
        driver = new TopologyTestDriver(ScoringTopology.build(ScorerSettings.from(cfg), inspect, holder, metrics,
                new DriftTracker(clock, 10), new WindowKeys(), clock), p);
        in = driver.createInputTopic("events-in", new ByteArraySerializer(), new ByteArraySerializer());
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        InspectQueries queries = new InspectQueries(inspect, name -> driver.getKeyValueStore(name));
        server.createContext("/api/", new InspectApi(() -> queries, KeyOwners.single("127.0.0.1:" + server.getAddress().getPort()), clock));
        server.start();
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

    private void send(byte[] key, String id, double cpu, double mem) {
        now.addAndGet(1000);
        String v = "{\"id\":\"" + id + "\",\"ts\":" + now.get() + ",\"features\":{\"cpu\":" + cpu + ",\"mem\":" + mem + "}}";
        in.pipeInput(new TestRecord<>(key, v.getBytes(UTF_8), Instant.ofEpochMilli(now.get())));
    }

    private void send(String key, String id, double cpu, double mem) {
        send(key.getBytes(UTF_8), id, cpu, mem);
    }

    private record Reply(int status, JsonNode body, String raw) {
    }

    private Reply get(String pathAndQuery) throws Exception {
        return request("GET", pathAndQuery);
    }

    private Reply request(String method, String pathAndQuery) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return new Reply(r.statusCode(), JSON.readTree(r.body()), r.body());
    }

    /** The status line for a request line sent byte for byte (ISO-8859-1), bypassing the client's URI checks. */
    private String rawStatusLine(String path) throws Exception {
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", server.getAddress().getPort())) {
            sock.setSoTimeout(5000);
            sock.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            sock.getOutputStream().flush();
            return new java.io.BufferedReader(new java.io.InputStreamReader(sock.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
        }
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.path("id").asText()));
        return out;
    }

    /** Whether the recent store holds the ring-head entry of {@code key}. */
    private boolean hasHead(String key) {
        return driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(InspectStores.RECENT)
                .get(InspectStores.slot(key.getBytes(UTF_8), InspectStores.HEAD)) != null;
    }

    @Test
    void aKeyWithScoringStateTakesItsSlotFromItsOutputCountAndWritesNoRingHead() throws Exception {
        // the alarm layer gives every key stored state, which counts the key's outputs
        start(Map.of("inspect.recent.per.key", "3", "alarm.enabled", "true"));
        for (int i = 1; i <= 7; i++) {
            send("host-1", "r" + i, 0.1 * i, 0.2);
            send("host-2", "other" + i, 0.0, 0.0);
        }
        assertThat(ids(get("/api/keys/host-1").body().get("outputs"))).containsExactly("r5", "r6", "r7");
        assertThat(ids(get("/api/keys/host-2").body().get("outputs"))).containsExactly("other5", "other6", "other7");
        assertThat(hasHead("host-1")).as("one write per record, no head to read").isFalse();
    }

    @Test
    void aWindowedKeysRingHoldsItsNewestOutputsThroughWarmUpALateRecordAndWrapAround() throws Exception {
        start(Map.of("inspect.recent.per.key", "4", "alarm.enabled", "true", "scorer.late.tolerance.ms", "0"), 3);
        for (int i = 1; i <= 9; i++) {
            send("host-1", "r" + i, 0.1 * i, 0.2);
            if (i == 6) {
                // ts one second before the key's newest: dropped as late, its output still recorded
                String v = "{\"id\":\"late\",\"ts\":" + (now.get() - 1000) + ",\"features\":{\"cpu\":0.1,\"mem\":0.1}}";
                in.pipeInput(new TestRecord<>("host-1".getBytes(UTF_8), v.getBytes(UTF_8), Instant.ofEpochMilli(now.get())));
            }
        }
        // 10 outputs: r1, r2 warming up, r3..r6, late, r7..r9; the newest four, each in its own slot
        assertThat(ids(get("/api/keys/host-1").body().get("outputs"))).containsExactlyInAnyOrder("late", "r7", "r8", "r9");
    }

    @Test
    void aKeyWithoutScoringStateStillFindsItsSlotFromTheRingHead() throws Exception {
        start(Map.of("inspect.recent.per.key", "3"));
        send("host-1", "r1", 0.1, 0.2);
        assertThat(hasHead("host-1")).isTrue();
    }

    @Test
    void aKeyAnswersItsNewestOutputsOldestFirstWithTheirValues() throws Exception {
        start(Map.of("inspect.recent.per.key", "3"));
        for (int i = 1; i <= 5; i++) {
            send("host-1", "r" + i, 0.1 * i, 0.2);
            send("host-2", "other" + i, 0.0, 0.0);
        }
        Reply r = get("/api/keys/host-1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("key").asText()).isEqualTo("host-1");
        assertThat(ids(r.body().get("outputs"))).containsExactly("r3", "r4", "r5");
        JsonNode last = r.body().get("outputs").get(2);
        assertThat(last.get("values").get("cpu").asDouble()).isEqualTo(0.5);
        assertThat(last.get("score").isNumber()).isTrue();
        assertThat(last.get("topFeatures").isArray()).isTrue();
        assertThat(r.body().get("state").get("outputsHeld").asInt()).isEqualTo(3);
        assertThat(r.body().get("state").get("windowFilled").asBoolean()).isTrue();
    }

    @Test
    void alarmsAreListedNewestFirstBoundedAndLimited() throws Exception {
        start(Map.of("inspect.alarms.max", "3"));
        for (int i = 0; i < 20; i++) {
            send("calm", "n" + i, 0.1, -0.1);
        }
        for (int i = 1; i <= 5; i++) {
            send("spiky-" + i, "spike" + i, 40, -40);
        }
        Reply all = get("/api/anomalies");
        assertThat(all.status()).isEqualTo(200);
        assertThat(ids(all.body().get("anomalies"))).containsExactly("spike5", "spike4", "spike3");
        assertThat(all.body().get("anomalies").get(0).get("key").asText()).isEqualTo("spiky-5");
        assertThat(all.body().get("anomalies").get(0).get("anomaly").asBoolean()).isTrue();
        Reply one = get("/api/anomalies?limit=1");
        assertThat(ids(one.body().get("anomalies"))).containsExactly("spike5");
        assertThat(one.body().get("truncated").asBoolean()).isTrue();
        long spike4At = all.body().get("anomalies").get(1).get("scoredAt").asLong();
        Reply since = get("/api/anomalies?since=" + Instant.ofEpochMilli(spike4At));
        assertThat(ids(since.body().get("anomalies"))).containsExactly("spike5", "spike4");
        Reply exact = get("/api/anomalies?limit=3");
        assertThat(ids(exact.body().get("anomalies"))).containsExactly("spike5", "spike4", "spike3");
        assertThat(exact.body().get("truncated").asBoolean()).isFalse();
    }

    @Test
    void anUndecodableAlarmEntryIsSkippedAndNotCountedAsMore() throws Exception {
        start(Map.of());
        for (int i = 1; i <= 2; i++) {
            send("spiky-" + i, "spike" + i, 40, -40);
        }
        // newer than both alarms: read first, but it is not an alarm entry (a store another version wrote)
        driver.getKeyValueStore(InspectStores.ALARMS).put(InspectStores.alarmKey(now.get() + 1, 0), new byte[] {1, 2});
        Reply two = get("/api/anomalies?limit=2");
        assertThat(ids(two.body().get("anomalies"))).containsExactly("spike2", "spike1");
        assertThat(two.body().get("truncated").asBoolean()).isFalse();
        Reply one = get("/api/anomalies?limit=1");
        assertThat(ids(one.body().get("anomalies"))).containsExactly("spike2");
        assertThat(one.body().get("truncated").asBoolean()).isTrue();
    }

    @Test
    void outputsAndAlarmsPastRetentionAreNotShownAndArePurged() throws Exception {
        start(Map.of("inspect.retention.ms", "60000"));
        send("old", "o1", 40, -40);
        assertThat(get("/api/keys/old").status()).isEqualTo(200);
        now.addAndGet(61_000);
        assertThat(get("/api/keys/old").status()).isEqualTo(404);
        assertThat(get("/api/anomalies").body().get("anomalies")).isEmpty();
        new RecentRecorder(inspect, driver.getKeyValueStore(InspectStores.RECENT), driver.getKeyValueStore(InspectStores.ALARMS))
                .purge(now.get());
        try (var it = driver.getKeyValueStore(InspectStores.RECENT).all()) {
            assertThat(it.hasNext()).isFalse();
        }
        try (var it = driver.getKeyValueStore(InspectStores.ALARMS).all()) {
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void opaqueKeysAreAskedByHexAndShownWithReplacementCharacters() throws Exception {
        start(Map.of());
        byte[] key = {(byte) 0xFF, 0, 'A'};
        send(key, "bin", 0.1, 0.1);
        Reply r = get("/api/keys?hex=ff0041");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().get("key").asText()).isEqualTo("\uFFFD\u0000A");
        assertThat(r.body().get("keyHex").asText()).isEqualTo("ff0041");
        send("<img src=x onerror=alert(1)>", "x", 0.1, 0.1);
        Reply html = get("/api/keys/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
        assertThat(html.body().get("key").asText()).isEqualTo("<img src=x onerror=alert(1)>");
    }

    @Test
    void anExpectedObjectInAnOutputIsPassedThrough() throws Exception {
        start(Map.of());
        var recorder = new RecentRecorder(inspect, driver.getKeyValueStore(InspectStores.RECENT),
                driver.getKeyValueStore(InspectStores.ALARMS));
        byte[] output = "{\"id\":\"e\",\"ts\":5,\"score\":0.9,\"anomaly\":true,\"expected\":{\"cpu\":0.25}}".getBytes(UTF_8);
        recorder.record("k".getBytes(UTF_8), "{\"features\":{\"cpu\":3.5}}".getBytes(UTF_8), output, 5, now.get(), true, -1);
        JsonNode out = get("/api/keys/k").body().get("outputs").get(0);
        assertThat(out.get("expected").get("cpu").asDouble()).isEqualTo(0.25);
        assertThat(out.get("values").get("cpu").asDouble()).isEqualTo(3.5);
        assertThat(get("/api/anomalies").body().get("anomalies").get(0).get("expected").get("cpu").asDouble()).isEqualTo(0.25);
    }

    @Test
    void badRequestsGetA4xxJsonErrorAndNoStackTrace() throws Exception {
        start(Map.of());
        send("known", "k1", 0.1, 0.1);
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("/api/keys/unknown", 404);
        cases.put("/api/anomalies?since=yesterday", 400);
        cases.put("/api/anomalies?since=2026-13-45T00:00:00Z", 400);
        cases.put("/api/anomalies?limit=100000", 400);
        cases.put("/api/anomalies?limit=0", 400);
        cases.put("/api/anomalies?limit=-5", 400);
        cases.put("/api/anomalies?limit=ten", 400);
        cases.put("/api/keys/%FF%FE", 400);
        cases.put("/api/keys/" + "k".repeat(KeyText.MAX_KEY_BYTES + 1), 400);
        cases.put("/api/keys?hex=abc", 400);
        cases.put("/api/keys?hex=zz", 400);
        cases.put("/api/keys/" + "%41".repeat(1500), 414);
        cases.put("/api/nothing", 404);
        for (var c : cases.entrySet()) {
            Reply r = get(c.getKey());
            assertThat(r.status()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(r.body().get("error").asText()).as(c.getKey()).isNotBlank();
            assertThat(r.raw()).as(c.getKey()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(request("POST", "/api/anomalies").status()).isEqualTo(405);
        // a malformed escape or a raw non-ASCII byte is not a URI: sent as raw bytes, as a client that does not check would
        for (String path : List.of("/api/keys/ab%2", "/api/keys/ab%zz", "/api/keys/caf\u00e9")) {
            assertThat(rawStatusLine(path)).as(path).matches("HTTP/1.1 4\\d\\d .*");
        }
        assertThat(get("/api/keys/known").status()).isEqualTo(200);
    }

    @Test
    void withInspectionOffTheTopologyHasNoInspectionStores() {
        start(Map.of("inspect.enabled", "false"));
        assertThat(driver.getAllStateStores()).doesNotContainKeys(InspectStores.RECENT, InspectStores.ALARMS);
        assertThat(driver.getAllStateStores()).containsKey(ScoringTopology.WINDOW_STORE);
    }
}
