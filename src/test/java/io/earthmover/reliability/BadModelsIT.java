package io.earthmover.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.kafka.ModelTopic;
import io.earthmover.metrics.MetricNames;
import io.earthmover.model.ModelBundle;
import io.earthmover.score.ScorerApp;
import io.earthmover.testutil.Http;
import io.earthmover.testutil.KafkaTestClients;
import io.earthmover.testutil.LogCapture;
import io.earthmover.testutil.TestBundles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, test 4: bad bundles on the models topic. Each is refused, counted by reason and logged,
 * while the serving model carries on scoring and {@code /health/ready} stays 200; a good bundle
 * published afterwards is still taken, so the model watcher survived them all.
 */
class BadModelsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NAMES = List.of("cpu", "disk", "mem");

    @TempDir
    Path tmp;

    private record Bad(String name, byte[] value, String reason) {
    }

    @Test
    void refusesEveryBadBundleWhileTheServingModelCarriesOn() throws Exception {
        ModelBundle good = TestBundles.bundle(NAMES, true, 1, 7);
        byte[] g = good.toBytes();
        List<Bad> bads = List.of(
                new Bad("truncated bundle", java.util.Arrays.copyOf(g, g.length / 2), "format"),
                new Bad("random bytes", new Random(1).ints(4096, 0, 256).collect(ByteArrayOutputStream::new,
                        (o, i) -> o.write(i), (a, b) -> a.writeBytes(b.toByteArray())).toByteArray(), "format"),
                new Bad("wrong checksum (one weight byte flipped)", rezip(g, m -> m, w -> flip(w, 17), false), "checksum"),
                new Bad("wrong feature schema", TestBundles.bytes(List.of("cpu", "disk", "mem", "net"), true, 1, 8), "incompatible"),
                new Bad("NaN weights (checksum recomputed)", rezip(g, m -> m, w -> nan(w, 5), true), "non_finite"),
                new Bad("unknown format version", rezip(g, m -> m.put("formatVersion", 99), w -> w, true), "version"),
                new Bad("0-byte message", new byte[0], "empty"),
                new Bad("tombstone", null, "tombstone"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "metrics.port", "0", "scorer.state.dir", tmp.resolve("state").toString()));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (ScorerApp app = new ScorerApp(cfg, registry); LogCapture log = LogCapture.warnings("io.earthmover.score")) {
                Thread starter = new Thread(() -> app.start(Duration.ofSeconds(120)));
                starter.start();
                Waits.until("topics created", Duration.ofSeconds(60), () -> topicExists(broker, "models"));
                ModelTopic.publish(KafkaProps.producer(cfg), "models", "default", g, Duration.ofSeconds(30));
                starter.join(120_000);
                String base = "http://127.0.0.1:" + app.httpPort();
                Waits.until("ready", Duration.ofSeconds(60), () -> ready(base));

                int sent = 0;
                List<String> outcomes = new ArrayList<>();
                try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(broker.bootstrapServers())) {
                    for (Bad bad : bads) {
                        double before = rejected(registry, bad.reason());
                        int logLines = log.lines().size();
                        p.send(new ProducerRecord<>("models", "default".getBytes(UTF_8), bad.value())).get();
                        Waits.until("'" + bad.name() + "' refused as " + bad.reason(), Duration.ofSeconds(30),
                                () -> rejected(registry, bad.reason()) > before);
                        sent += sendRecords(p, 50, sent);
                        assertThat(app.holder().current().version()).as("serving after %s", bad.name()).isEqualTo(good.version());
                        assertThat(Http.get(base + "/health/ready").status()).as("ready after %s", bad.name()).isEqualTo(200);
                        List<String> newLines = log.lines().subList(logLines, log.lines().size());
                        assertThat(newLines).as("a warning logged for %s", bad.name()).isNotEmpty();
                        outcomes.add(bad.name() + " -> " + bad.reason() + ": " + newLines.get(0));
                    }
                }
                final int total = sent;
                Waits.until(total + " records processed", Duration.ofSeconds(60),
                        () -> registry.get(MetricNames.RECORDS_IN).counter().count() >= total);
                var scores = Ledger.readAll(broker.bootstrapServers(), "anomaly-scores", false);
                var dlq = Ledger.readAll(broker.bootstrapServers(), "events-dlq", false);
                Ledger.Counted c = Ledger.Counted.of(scores, dlq);
                outcomes.forEach(o -> System.out.println("[bad-models] " + o));
                System.out.println(c.report("bad-models", total) + " | bad bundles injected " + bads.size()
                        + ", refused " + bads.stream().map(Bad::reason).distinct().mapToDouble(r -> rejected(registry, r)).sum());
                assertThat(c.outputs() + c.deadLetters()).as("in = out + dlq").isEqualTo(total);
                assertThat(c.deadLetters()).isZero();
                assertThat(c.duplicates()).isEmpty();
                for (var r : scores) {
                    assertThat(JSON.readTree(r.value()).get("model").asText()).isEqualTo(good.version());
                }
                String metrics = Http.get(base + "/metrics").body();
                for (Bad bad : bads) {
                    assertThat(metrics).contains("earthmover_model_rejected_total{reason=\"" + bad.reason() + "\"}");
                }

                // the watcher is still alive: a good retrain with the same schema is taken
                ModelBundle next = TestBundles.bundle(NAMES, true, 1, 9);
                ModelTopic.publish(KafkaProps.producer(cfg), "models", "default", next.toBytes(), Duration.ofSeconds(30));
                Waits.until("the next good model serving", Duration.ofSeconds(30),
                        () -> app.holder().current().version().equals(next.version()));
                assertThat(Http.get(base + "/health/ready").status()).isEqualTo(200);
            }
        }
    }

    private static int sendRecords(KafkaProducer<byte[], byte[]> p, int n, int from) throws Exception {
        Random rnd = new Random(from);
        for (int i = from; i < from + n; i++) {
            RecordHeaders h = new RecordHeaders();
            h.add(Ledger.ID_HEADER, ("m" + i).getBytes(UTF_8));
            String v = String.format("{\"id\":\"m%d\",\"features\":{\"cpu\":%.4f,\"disk\":%.4f,\"mem\":%.4f}}", i,
                    rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian());
            p.send(new ProducerRecord<>("events-in", null, ("h" + i % 3).getBytes(UTF_8), v.getBytes(UTF_8), h));
        }
        p.flush();
        return n;
    }

    private static double rejected(PrometheusMeterRegistry r, String reason) {
        Counter c = r.find(MetricNames.MODEL_REJECTED).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private static boolean ready(String base) {
        try {
            return Http.get(base + "/health/ready").status() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean topicExists(EmbeddedKafkaBroker broker, String topic) {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()))) {
            return admin.listTopics().names().get().contains(topic);
        } catch (Exception e) {
            return false;
        }
    }

    private static byte[] flip(byte[] w, int at) {
        byte[] c = w.clone();
        c[at] ^= 0x55;
        return c;
    }

    private static byte[] nan(byte[] w, int floatIndex) {
        byte[] c = w.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putFloat(floatIndex * Float.BYTES, Float.NaN);
        return c;
    }

    /**
     * Rewrites a bundle's manifest and weights; with {@code resign} the SHA-256 is recomputed the way
     * the loader checks it (weights, then the compact manifest JSON without its sha256 field), so
     * the bundle passes the checksum and must be refused for what is inside.
     */
    private static byte[] rezip(byte[] bundle, UnaryOperator<ObjectNode> manifest, UnaryOperator<byte[]> weights,
            boolean resign) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bundle))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        ObjectNode m = manifest.apply((ObjectNode) JSON.readTree(entries.get(ModelBundle.MANIFEST_ENTRY)));
        byte[] w = weights.apply(entries.get(ModelBundle.WEIGHTS_ENTRY));
        if (resign) {
            ObjectNode unsigned = m.deepCopy();
            unsigned.remove("sha256");
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(w);
            md.update(JSON.writeValueAsBytes(unsigned));
            m.put("sha256", HexFormat.of().formatHex(md.digest()));
        }
        entries.put(ModelBundle.MANIFEST_ENTRY, JSON.writeValueAsBytes(m));
        entries.put(ModelBundle.WEIGHTS_ENTRY, w);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (var en : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(en.getKey()));
                z.write(en.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
