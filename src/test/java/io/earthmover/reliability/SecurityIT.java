package io.earthmover.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.KafkaProps;
import io.earthmover.score.ScorerApp;
import io.earthmover.testutil.Http;
import io.earthmover.testutil.NormalData;
import io.earthmover.testutil.TestBundles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, test 6: a broker whose client listeners require SCRAM-SHA-512. The scorer (a child JVM,
 * credentials from {@code EARTHMOVER_KAFKA_*} environment variables) and the trainer (a child JVM,
 * credentials from a {@code --config} file) connect, train, publish and score; clients without or
 * with wrong credentials are refused; the password appears in no log line (Kafka logging at INFO,
 * where clients print their configuration) and not in {@code /metrics}. A second test runs the
 * scorer over SASL_SSL with a self-signed certificate made by the JDK's keytool.
 */
class SecurityIT {
    private static final String USER = "earthmover";
    private static final String LOG_CONFIG = String.join("\n",
            "status = warn",
            "appender.console.type = Console",
            "appender.console.name = STDERR",
            "appender.console.target = SYSTEM_ERR",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5level %c{1} - %msg%n",
            "rootLogger.level = info",
            "rootLogger.appenderRef.stderr.ref = STDERR",
            "logger.earthmover.name = io.earthmover",
            "logger.earthmover.level = debug", "");

    @TempDir
    Path tmp;

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private static Map<String, Object> sasl(String bootstrap, String user, String password) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", jaas(user, password));
        return p;
    }

    @Test
    void scorerAndTrainerAuthenticateAndNoCredentialLeaks() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults()
                .withSaslUsers(Map.of(USER, password)))) {
            String bs = broker.saslBootstrapServers();
            Path logConfig = tmp.resolve("log4j2-info.properties");
            Files.writeString(logConfig, LOG_CONFIG);

            // refused: no credentials, and a wrong password
            Map<String, Object> anonymous = new HashMap<>(Map.of("bootstrap.servers", bs, "request.timeout.ms", 3000,
                    "default.api.timeout.ms", 6000));
            try (Admin admin = Admin.create(anonymous)) {
                assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                        .as("a client without credentials").isNotNull();
            }
            Map<String, Object> wrong = sasl(bs, USER, "not-" + password);
            wrong.put("default.api.timeout.ms", 6000);
            wrong.put("request.timeout.ms", 3000);
            try (Admin admin = Admin.create(wrong)) {
                assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                        .as("a wrong password").hasRootCauseInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
            }
            Map<String, Object> anonProducer = new HashMap<>(anonymous);
            anonProducer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 4000);
            try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(anonProducer, new ByteArraySerializer(), new ByteArraySerializer())) {
                assertThatThrownBy(() -> p.send(new ProducerRecord<>("events-in", "x".getBytes(UTF_8))).get(10, TimeUnit.SECONDS))
                        .as("a producer without credentials").isNotNull();
            }
            System.out.println("[security] refused: client without credentials, client with a wrong password, producer without credentials");

            // scorer: credentials from the environment
            Map<String, String> env = Map.of(
                    EarthmoverConfig.toEnvName("kafka.security.protocol"), "SASL_PLAINTEXT",
                    EarthmoverConfig.toEnvName("kafka.sasl.mechanism"), "SCRAM-SHA-512",
                    EarthmoverConfig.toEnvName("kafka.sasl.jaas.config"), jaas(USER, password));
            List<String> scoreArgs = List.of("score", "--bootstrap-servers", bs, "--set", "metrics.port=0",
                    "--set", "scorer.state.dir=" + tmp.resolve("state"), "--model-wait", "PT3M");
            try (ScorerProcess scorer = ScorerProcess.start(scoreArgs, env, tmp.resolve("logs"), "scorer", logConfig)) {
                // trainer: credentials from a configuration file
                Path props = tmp.resolve("train.properties");
                Files.writeString(props, String.join("\n",
                        "kafka.bootstrap.servers=" + bs,
                        "kafka.security.protocol=SASL_PLAINTEXT",
                        "kafka.sasl.mechanism=SCRAM-SHA-512",
                        "kafka.sasl.jaas.config=" + jaas(USER, password).replace("\"", "\\\""),
                        "train.iterations=200", "train.batch.size=128", "train.critic.hidden=32,32",
                        "train.generator.hidden=32,32", "train.learning.rate=0.0005", "train.early.stop.patience=0", ""));
                Waits.until("topics created by the scorer over SASL", Duration.ofSeconds(90), () -> topicsExist(bs, password));
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(sasl(bs, USER, password), new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    NormalData.produce(p, "events-train", 2000, 1, 1_700_000_000_000L);
                }
                ScorerProcess trainer = ScorerProcess.start(List.of("train", "--config", props.toString(), "--publish", "--quiet",
                        "--model-out", tmp.resolve("models").toString()), Map.of(), tmp.resolve("logs"), "trainer", logConfig);
                long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (trainer.isAlive() && System.nanoTime() < end) {
                    Thread.sleep(200);
                }
                assertThat(trainer.isAlive()).isFalse();
                System.out.println("[security] trainer: exit " + trainer.exitValue() + ", " + trainer.stdout().strip());
                assertThat(trainer.exitValue()).as(trainer.stdout()).isZero();

                int port = scorer.awaitRunning(Duration.ofMinutes(2));
                int n = 300;
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(sasl(bs, USER, password), new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    Random rnd = new Random(4);
                    for (int i = 0; i < n; i++) {
                        RecordHeaders h = new RecordHeaders();
                        h.add(Ledger.ID_HEADER, ("s" + i).getBytes(UTF_8));
                        byte[] v = (i % 10 == 0 ? "{\"features\":{\"cpu\":NaN}}"
                                : NormalData.record(rnd, "s" + i, 1_700_001_000_000L + i * 1000L)).getBytes(UTF_8);
                        p.send(new ProducerRecord<>("events-in", null, ("k" + i % 3).getBytes(UTF_8), v, h));
                    }
                    p.flush();
                }
                Ledger.Counted[] c = new Ledger.Counted[1];
                Waits.until("all records scored or dead-lettered", Duration.ofSeconds(90), () -> {
                    c[0] = Ledger.Counted.of(Ledger.readAll(broker.bootstrapServers(), "anomaly-scores", false),
                            Ledger.readAll(broker.bootstrapServers(), "events-dlq", false));
                    return c[0].distinct() >= n;
                });
                System.out.println(c[0].report("security/sasl", n));
                assertThat(c[0].outputs() + c[0].deadLetters()).as("in = out + dlq").isEqualTo(n);
                assertThat(c[0].deadLetters()).isEqualTo(n / 10);

                String metrics = Http.get("http://127.0.0.1:" + port + "/metrics").body();
                assertThat(Http.get("http://127.0.0.1:" + port + "/health/ready").status()).isEqualTo(200);
                scorer.close();
                List<String> leaks = new ArrayList<>();
                for (var e : Map.of("scorer log", scorer.stderr(), "scorer stdout", scorer.stdout(), "trainer log", trainer.stderr(),
                        "trainer stdout", trainer.stdout(), "/metrics", metrics).entrySet()) {
                    if (e.getValue().contains(password)) {
                        leaks.add(e.getKey());
                    }
                }
                String scorerLog = scorer.stderr();
                System.out.printf("[security] searched %,d log lines (scorer %,d, trainer %,d) and %,d bytes of /metrics for the password: found in %s%n",
                        scorerLog.lines().count() + trainer.stderr().lines().count(), scorerLog.lines().count(),
                        trainer.stderr().lines().count(), metrics.length(), leaks.isEmpty() ? "none" : leaks);
                // the logs are verbose enough to have shown it: clients print their settings, masked
                assertThat(scorerLog).contains("sasl.jaas.config = [hidden]", "kafka.sasl.jaas.config = ******");
                assertThat(trainer.stderr()).contains("sasl.jaas.config = [hidden]");
                assertThat(leaks).as("places the password appeared").isEmpty();
            }
        }
    }

    @Test
    void scorerConnectsOverTlsWithASelfSignedCertificate() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        String storePass = "store-" + UUID.randomUUID();
        Path ks = tmp.resolve("broker.p12");
        Path cert = tmp.resolve("broker.pem");
        Path trust = tmp.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", storePass, "-keypass", storePass);
        keytool("-exportcert", "-alias", "broker", "-keystore", ks.toString(), "-storepass", storePass, "-rfc", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-keystore", trust.toString(),
                "-storetype", "PKCS12", "-storepass", storePass);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(EmbeddedKafkaBroker.Options.defaults()
                .withSaslUsers(Map.of(USER, password)).withTls(new EmbeddedKafkaBroker.Tls(ks, storePass)))) {
            String bs = broker.tlsBootstrapServers();
            Map<String, String> tls = Map.of("kafka.bootstrap.servers", bs, "kafka.security.protocol", "SASL_SSL",
                    "kafka.sasl.mechanism", "SCRAM-SHA-512", "kafka.sasl.jaas.config", jaas(USER, password),
                    "kafka.ssl.truststore.location", trust.toString(), "kafka.ssl.truststore.password", storePass,
                    "kafka.ssl.truststore.type", "PKCS12");
            // a client that does not trust the certificate is refused
            Map<String, Object> untrusting = new HashMap<>(Map.of("bootstrap.servers", bs, "security.protocol", "SASL_SSL",
                    "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas(USER, password), "default.api.timeout.ms", 6000,
                    "request.timeout.ms", 3000));
            try (Admin admin = Admin.create(untrusting)) {
                assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                        .as("a client without the trust store").hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class);
            }
            Path model = tmp.resolve("model.zip");
            Files.write(model, TestBundles.bytes(List.of("cpu", "disk", "mem"), true, 1, 7));
            Map<String, String> all = new HashMap<>(tls);
            all.putAll(Map.of("metrics.port", "0", "scorer.state.dir", tmp.resolve("state").toString(),
                    "scorer.model.source", "file", "scorer.model.file", model.toString()));
            EarthmoverConfig cfg = EarthmoverConfig.of(all);
            try (ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                app.start(Duration.ofSeconds(60));
                int n = 100;
                try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaProps.producer(cfg), new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    Random rnd = new Random(5);
                    for (int i = 0; i < n; i++) {
                        RecordHeaders h = new RecordHeaders();
                        h.add(Ledger.ID_HEADER, ("t" + i).getBytes(UTF_8));
                        p.send(new ProducerRecord<byte[], byte[]>("events-in", null, ("k" + i % 3).getBytes(UTF_8), NormalData.record(rnd, "t" + i, 1_700_000_000_000L + i)
                                .getBytes(UTF_8), h));
                    }
                    p.flush();
                }
                Ledger.Counted[] c = new Ledger.Counted[1];
                Waits.until("all records scored over TLS", Duration.ofSeconds(60), () -> {
                    c[0] = Ledger.Counted.of(Ledger.readAll(broker.bootstrapServers(), "anomaly-scores", false),
                            Ledger.readAll(broker.bootstrapServers(), "events-dlq", false));
                    return c[0].distinct() >= n;
                });
                System.out.println(c[0].report("security/tls", n) + " | a client without the trust store was refused");
                assertThat(c[0].outputs()).as("in = out + dlq").isEqualTo(n);
                assertThat(c[0].deadLetters()).isZero();
            }
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor()).as("keytool %s: %s", args[0], out).isZero();
    }

    private static boolean topicsExist(String bs, String password) {
        Map<String, Object> p = sasl(bs, USER, password);
        try (Admin admin = Admin.create(p)) {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(List.of("events-train", "models", "events-in"));
        } catch (Exception e) {
            return false;
        }
    }
}
