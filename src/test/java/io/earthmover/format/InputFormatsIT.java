package io.earthmover.format;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.protobuf.ProtobufKafkaSerializer;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.demo.DemoStream;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.ModelTopic;
import io.earthmover.model.ModelBundle;
import io.earthmover.score.DeadLetters;
import io.earthmover.score.ScorerApp;
import io.earthmover.testutil.ApicurioRegistry;
import io.earthmover.testutil.KafkaTestClients;
import io.earthmover.testutil.TestBundles;
import io.earthmover.testutil.Wait;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo stream (with injected anomalies) in JSON, Avro and Protobuf, the latter two written by
 * Apicurio's serializers against a real Apicurio Registry, each scored by a scorer with its
 * {@code input.format}: the score JSON is the same byte for byte but {@code scoredAt}. Records whose
 * schema cannot be had or does not match go to the DLQ with their codes.
 */
class InputFormatsIT {
    private static final List<String> F = DemoStream.FEATURES;
    private static final int HOSTS = 2;

    @TempDir
    Path tmp;

    @Test
    void avroAndProtobufScoreExactlyAsJson() throws Exception {
        DemoStream stream = new DemoStream(HOSTS, 5, 1_767_225_600_000L);
        List<DemoStream.Event> events = stream.withAnomalies(240, 120, stream.plan(240, 120, 1));
        ModelBundle model = TestBundles.demoBundle(HOSTS, 240, 5);
        try (ApicurioRegistry registry = ApicurioRegistry.start(); EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String bs = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bs))) {
                List<NewTopic> topics = new ArrayList<>();
                for (String f : List.of("json", "avro", "protobuf")) {
                    for (String t : List.of("in-", "scores-", "dlq-")) {
                        topics.add(new NewTopic(t + f, 1, (short) 1));
                    }
                }
                topics.add(new NewTopic("models", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
                admin.createTopics(topics).all().get();
            }
            Map<String, Object> serdeConf = Map.of(RegistryDecoder.REGISTRY_URL, registry.url(),
                    "apicurio.registry.auto-register", "true");
            Map<String, String> expectedDlq = new LinkedHashMap<>();
            try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(bs);
                    AvroKafkaSerializer<GenericRecord> avro = new AvroKafkaSerializer<>();
                    ProtobufKafkaSerializer<Message> proto = new ProtobufKafkaSerializer<>()) {
                avro.configure(serdeConf, false);
                proto.configure(serdeConf, false);
                Schema schema = FormatRecords.avroSchema(F);
                Descriptors.Descriptor desc = FormatRecords.protoDescriptor("Event", F);
                int i = 0;
                for (DemoStream.Event e : events) {
                    String id = "e-" + i++;
                    byte[] key = e.host().getBytes(UTF_8);
                    send(p, "in-json", key, e.json(id).getBytes(UTF_8), id);
                    send(p, "in-avro", key, avro.serialize("in-avro", FormatRecords.avro(schema, id, e)), id);
                    send(p, "in-protobuf", key, proto.serialize("in-protobuf", FormatRecords.proto(desc, id, e)), id);
                }
                // faults: JSON where Avro/Protobuf belongs, an unknown schema id, a schema without a feature, truncated bytes
                DemoStream.Event e0 = events.get(0);
                byte[] json = e0.json("bad").getBytes(UTF_8);
                byte[] unknownId = {0, 0, 0, 0x7f, 0x7f, 2, 4, 6};
                byte[] good = avro.serialize("in-avro", FormatRecords.avro(schema, "x", e0));
                List<String> lacking = F.subList(0, F.size() - 1);
                // another topic name: another artifact (the serializer resolves the schema by topic)
                byte[] avroLacking = avro.serialize("short-avro", FormatRecords.avro(FormatRecords.avroSchema(lacking), "x", e0));
                byte[] protoLacking = proto.serialize("short-protobuf",
                        FormatRecords.proto(FormatRecords.protoDescriptor("Short", lacking), "x", e0));
                bad(p, "in-avro", "avro-json", json, "SCHEMA_UNAVAILABLE", expectedDlq);
                bad(p, "in-avro", "avro-unknown-id", unknownId, "SCHEMA_UNAVAILABLE", expectedDlq);
                bad(p, "in-avro", "avro-lacking", avroLacking, "SCHEMA_MISMATCH", expectedDlq);
                bad(p, "in-avro", "avro-truncated", Arrays.copyOf(good, good.length - 20), "SCHEMA_MISMATCH", expectedDlq);
                bad(p, "in-protobuf", "protobuf-json", json, "SCHEMA_UNAVAILABLE", expectedDlq);
                bad(p, "in-protobuf", "protobuf-unknown-id", unknownId, "SCHEMA_UNAVAILABLE", expectedDlq);
                bad(p, "in-protobuf", "protobuf-lacking", protoLacking, "SCHEMA_MISMATCH", expectedDlq);
                p.flush();
            }
            ModelTopic.publish(KafkaProps.producer(EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", bs))), "models",
                    "default", model.toBytes(), Duration.ofSeconds(30));

            Map<String, Map<String, String>> scores = new LinkedHashMap<>();
            Map<String, String> dlqSeen = new TreeMap<>();
            for (String format : List.of("json", "avro", "protobuf")) {
                long bad = expectedDlq.keySet().stream().filter(k -> k.startsWith(format + "-")).count();
                EarthmoverConfig cfg = EarthmoverConfig.of(Map.ofEntries(Map.entry("kafka.bootstrap.servers", bs),
                        Map.entry("metrics.port", "0"), Map.entry("scorer.state.dir", tmp.resolve(format).toString()),
                        Map.entry("scorer.application.id", "formats-" + format), Map.entry("topics.input", "in-" + format),
                        Map.entry("topics.scores", "scores-" + format), Map.entry("topics.dlq", "dlq-" + format),
                        Map.entry("topics.partitions", "1"), Map.entry("input.format", format),
                        Map.entry("input.registry.url", registry.url()), Map.entry("input.features", String.join(",", F))));
                try (ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                    app.start(Duration.ofSeconds(120));
                    List<ConsumerRecord<byte[], byte[]>> out = KafkaTestClients.readUntil(bs, "scores-" + format,
                            Duration.ofSeconds(120), r -> r.size() >= events.size());
                    Map<String, String> byId = new TreeMap<>();
                    for (var r : out) {
                        // everything but the wall-clock time of scoring
                        byId.put(testId(r), new String(r.value(), UTF_8).replaceAll(",\"scoredAt\":\\d+", ""));
                    }
                    scores.put(format, byId);
                    if (bad > 0) {
                        for (var r : KafkaTestClients.readUntil(bs, "dlq-" + format, Duration.ofSeconds(60), r -> r.size() >= bad)) {
                            dlqSeen.put(testId(r), DeadLetters.header(r.headers(), DeadLetters.ERROR_CODE)
                                    + " " + DeadLetters.header(r.headers(), "error.message"));
                        }
                    }
                }
            }
            assertThat(scores.get("json")).hasSize(events.size());
            assertThat(scores.get("json").values()).allMatch(s -> !s.contains("scoredAt") && s.contains("\"score\":"));
            assertThat(scores.get("json").values()).anyMatch(s -> s.contains("\"anomaly\":true"));
            assertThat(scores.get("avro")).isEqualTo(scores.get("json"));
            assertThat(scores.get("protobuf")).isEqualTo(scores.get("json"));
            assertThat(dlqSeen.keySet()).containsExactlyInAnyOrderElementsOf(expectedDlq.keySet());
            expectedDlq.forEach((id, code) -> assertThat(dlqSeen.get(id)).as(id).startsWith(code + " "));
            System.out.println("formats: " + events.size() + " demo records scored identically in json, avro, protobuf; dead letters:");
            dlqSeen.forEach((id, m) -> System.out.println("  " + id + ": " + m));
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, byte[] key, byte[] value, String id) throws Exception {
        RecordHeaders h = new RecordHeaders();
        h.add("test.id", id.getBytes(UTF_8));
        p.send(new ProducerRecord<>(topic, null, key, value, h)).get();
    }

    private static void bad(KafkaProducer<byte[], byte[]> p, String topic, String id, byte[] value, String code,
            Map<String, String> expected) throws Exception {
        send(p, topic, "host-1".getBytes(UTF_8), value, id);
        expected.put(id, code);
    }

    private static String testId(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.headers().lastHeader("test.id").value(), UTF_8);
    }
}
