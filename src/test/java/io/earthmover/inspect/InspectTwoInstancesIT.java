package io.earthmover.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.demo.DemoStream;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.score.ModelHolder;
import io.earthmover.score.ScorerApp;
import io.earthmover.testutil.TestBundles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two scorer instances of one application on the embedded broker: either answers for any key. */
class InspectTwoInstancesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eitherInstanceAnswersForAnyKeyAndListsEveryInstancesAlarms(@TempDir Path tmp) throws Exception {
        byte[] model = TestBundles.demoBundle(DemoFeed.HOSTS, DemoFeed.TRAIN_STEPS, 42).toBytes();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             ScorerApp a = scorer(broker, tmp.resolve("a"), model);
             ScorerApp b = scorer(broker, tmp.resolve("b"), model)) {
            awaitRunning(a, b);
            Map<String, List<double[]>> extra = sendDemoAndSpikyKeys(broker, 12);
            List<String> keys = new ArrayList<>(extra.keySet());
            for (int h = 0; h < DemoFeed.HOSTS; h++) {
                keys.add(DemoStream.host(h));
            }
            Set<String> answeredBy = new HashSet<>();
            for (String key : keys) {
                // the key's records may still be arriving between the two reads (CI once saw A answer
                // up to x178 and B up to x180), so read both until they agree, then assert on that pair
                JsonNode[] pair = awaitAgreement(a, b, key);
                JsonNode fromA = pair[0];
                JsonNode fromB = pair[1];
                assertThat(fromA.get("key").asText()).isEqualTo(key);
                assertThat(fromB.get("outputs")).isEqualTo(fromA.get("outputs"));
                assertThat(fromA.get("answeredBy").asText()).isEqualTo(fromB.get("answeredBy").asText());
                answeredBy.add(fromA.get("answeredBy").asText());
            }
            // the keys are spread over both instances, so each answered some keys it forwarded to the other
            assertThat(answeredBy).containsExactlyInAnyOrder("127.0.0.1:" + a.httpPort(), "127.0.0.1:" + b.httpPort());
            for (ScorerApp s : List.of(a, b)) {
                JsonNode list = get(s, "/api/anomalies?limit=1000").body();
                Set<String> alarmed = new HashSet<>();
                list.get("anomalies").forEach(n -> alarmed.add(n.get("key").asText()));
                assertThat(alarmed).containsAll(extra.keySet());
                assertThat(list.get("unansweredInstances")).isEmpty();
            }
        }
    }

    @Test
    void feedbackPostedToEitherInstanceReachesTheFeedbackStoreOfTheKeysOwner(@TempDir Path tmp) throws Exception {
        byte[] model = TestBundles.demoBundle(DemoFeed.HOSTS, DemoFeed.TRAIN_STEPS, 42).toBytes();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             ScorerApp a = scorer(broker, tmp.resolve("a"), model);
             ScorerApp b = scorer(broker, tmp.resolve("b"), model)) {
            awaitRunning(a, b);
            Map<String, List<double[]>> extra = sendDemoAndSpikyKeys(broker, 8);
            Set<String> answeredBy = new HashSet<>();
            for (String key : extra.keySet()) {
                JsonNode held = awaitKey(a, key);
                answeredBy.add(held.get("answeredBy").asText());
                String id = held.get("outputs").get(0).get("id").asText();
                Reply r = post(a, "{\"key\":\"" + key + "\",\"id\":\"" + id + "\",\"label\":\"false_alarm\"}");
                assertThat(r.statusCode()).as(key + ": " + r.body()).isEqualTo(202);
                assertThat(post(a, "{\"key\":\"" + key + "\",\"id\":\"no-such-id\",\"label\":\"false_alarm\"}").statusCode())
                        .isEqualTo(404);
            }
            // some keys were checked on the other instance (forwarded), and every key's raise is in its owner's store
            assertThat(answeredBy).hasSize(2);
            for (String key : extra.keySet()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (raise(a, key) + raise(b, key) == 0) {
                    assertThat(System.nanoTime()).as("the feedback on " + key + " in its owner's store").isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
        }
    }

    private static double raise(ScorerApp s, String key) {
        var store = s.streams().store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(
                io.earthmover.score.ScoringTopology.FEEDBACK_STORE,
                org.apache.kafka.streams.state.QueryableStoreTypes.<org.apache.kafka.common.utils.Bytes, byte[]>keyValueStore()));
        byte[] v = store.get(org.apache.kafka.common.utils.Bytes.wrap(key.getBytes(StandardCharsets.UTF_8)));
        return io.earthmover.alarm.FeedbackAdjustment.decode(v).raise();
    }

    private Reply post(ScorerApp s, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + "/api/feedback"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    private static ScorerApp scorer(EmbeddedKafkaBroker broker, Path stateDir, byte[] model) {
        EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "topics.partitions", "4", "metrics.host", "127.0.0.1", "metrics.port", "0",
                "scorer.application.id", "inspect-two-it", "scorer.state.dir", stateDir.toString(),
                "scorer.commit.interval.ms", "200"));
        ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        assertThat(app.offer(model, "test")).isInstanceOf(ModelHolder.Swapped.class);
        app.start(Duration.ofSeconds(30));
        return app;
    }

    private static void awaitRunning(ScorerApp... apps) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!java.util.Arrays.stream(apps).allMatch(s -> s.streams().state() == KafkaStreams.State.RUNNING
                && s.streams().metadataForAllStreamsClients().size() == apps.length)) {
            assertThat(System.nanoTime()).as("both instances running with each other's metadata").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Both instances' answers for {@code key}, read again until their outputs agree or 60 s pass. */
    private JsonNode[] awaitAgreement(ScorerApp a, ScorerApp b, String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode fromA = awaitKey(a, key);
            JsonNode fromB = awaitKey(b, key);
            if (fromA.get("outputs").equals(fromB.get("outputs")) || System.nanoTime() > deadline) {
                return new JsonNode[] {fromA, fromB};
            }
            Thread.sleep(200);
        }
    }

    private JsonNode awaitKey(ScorerApp s, String key) throws Exception {
        String path = "/api/keys/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            var r = get(s, path);
            if (r.statusCode() == 200) {
                return r.body();
            }
            assertThat(r.statusCode()).as(key + ": " + r.body()).isIn(404, 503);
            assertThat(System.nanoTime()).as("an answer for " + key).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private record Reply(int statusCode, JsonNode body) {
    }

    private Reply get(ScorerApp s, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), JSON.readTree(r.body()));
    }

    /** The demo's hosts plus {@code spiky} keys that spike after 20 normal records, 40 steps, sent to events-in. */
    private static Map<String, List<double[]>> sendDemoAndSpikyKeys(EmbeddedKafkaBroker broker, int spiky) throws Exception {
        Map<String, List<double[]>> extra = new LinkedHashMap<>();
        for (int i = 0; i < spiky; i++) {
            extra.put("spiky-" + i, DemoFeed.normalThenSpike(20));
        }
        DemoFeed.send(broker.bootstrapServers(), 40, extra);
        return extra;
    }
}
