package io.earthmover.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.cli.ExitCodes;
import io.earthmover.cli.Main;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.TopicAdmin;
import io.earthmover.testutil.KafkaTestClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, test 5: {@code earthmover train --publish} on bad data, an unreachable broker and a
 * missing topic. Each exits 1 with a message that names the problem, writes no bundle and
 * publishes nothing to the models topic.
 */
class TrainerFaultsIT {
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private record Run(int exit, String out) {
    }

    /** Runs the CLI in this JVM with stdout and stderr captured. */
    private static synchronized Run cli(List<String> args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream cap = new PrintStream(buf, true, UTF_8);
        System.setOut(cap);
        System.setErr(cap);
        try {
            int code = Main.run(args.toArray(String[]::new));
            return new Run(code, buf.toString(UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private List<String> train(String bootstrap, String topic, Path out) {
        return new ArrayList<>(List.of("train", "--bootstrap-servers", bootstrap, "--topic", topic, "--publish", "--quiet",
                "--model-out", out.toString(), "--timeout", "PT10S", "--iterations", "50",
                "--set", "train.critic.hidden=16,16", "--set", "train.generator.hidden=16,16"));
    }

    @Test
    void badDataUnreachableBrokerAndMissingTopicExitNonZeroAndPublishNothing() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            String bs = broker.bootstrapServers();
            new TopicAdmin(EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", bs))).ensureTopics();
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bs))) {
                admin.createTopics(List.of(new NewTopic("train-nan", 1, (short) 1),
                        new NewTopic("train-empty", 1, (short) 1), new NewTopic("train-infinite", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(bs)) {
                for (int i = 0; i < 500; i++) {
                    send(p, "train-nan", String.format("{\"ts\":%d,\"features\":{\"cpu\":NaN,\"mem\":%d,\"disk\":1}}", T0 + i, i));
                    send(p, "train-infinite", String.format("{\"ts\":%d,\"features\":{\"cpu\":1e400,\"mem\":%d,\"disk\":1}}", T0 + i, i));
                }
                p.flush();
            }
            Path jsonl = tmp.resolve("empty.jsonl");
            Files.writeString(jsonl, "");
            record Case(String name, List<String> args, String expected) {
            }
            String closed = "127.0.0.1:" + EmbeddedKafkaBroker.freePort();
            List<String> unreachable = train(closed, "events-train", tmp.resolve("m7"));
            unreachable.addAll(List.of("--set", "connect.wait.ms=2000"));
            List<Case> cases = List.of(
                    new Case("NaN training data", train(bs, "train-nan", tmp.resolve("m1")), "no valid training data"),
                    new Case("infinite training data", train(bs, "train-infinite", tmp.resolve("m2")), "no valid training data"),
                    // constant training data is no fault: it trains a model (DegenerateDataTest)
                    new Case("empty topic", train(bs, "train-empty", tmp.resolve("m4")), "no valid training data: 0 records"),
                    new Case("empty input file", List.of("train", "--bootstrap-servers", bs, "--input", jsonl.toString(), "--publish",
                            "--quiet", "--model-out", tmp.resolve("m5").toString(), "--timeout", "PT10S"), "the file is empty"),
                    new Case("missing topic", train(bs, "no-such-topic", tmp.resolve("m6")), "'no-such-topic' does not exist"),
                    new Case("unreachable broker", unreachable, "cannot reach Kafka at " + closed));
            for (Case c : cases) {
                long t0 = System.nanoTime();
                Run r = cli(c.args());
                String last = r.out().lines().filter(l -> l.startsWith("FAILED")).findFirst().orElse(r.out());
                System.out.printf("[trainer-faults] %-24s exit %d in %4d ms: %s%n", c.name(), r.exit(),
                        (System.nanoTime() - t0) / 1_000_000, last);
                assertThat(r.exit()).as("exit code for %s", c.name()).isEqualTo(ExitCodes.FAILURE);
                assertThat(last).as("message for %s", c.name()).startsWith("FAILED").contains(c.expected());
                Path out = Path.of(c.args().get(c.args().indexOf("--model-out") + 1));
                assertThat(bundles(out)).as("bundles written for %s", c.name()).isEmpty();
            }
            // the same through a real process: the exit status the shell sees
            ScorerProcess child = ScorerProcess.start(train(bs, "no-such-topic", tmp.resolve("m8")), Map.of(),
                    tmp.resolve("logs"), "train-child", null);
            assertThat(childExit(child)).as("child JVM exit status").isEqualTo(ExitCodes.FAILURE);
            assertThat(child.stdout()).contains("FAILED", "'no-such-topic' does not exist");
            System.out.println("[trainer-faults] child JVM: exit 1, " + child.stdout().strip());

            var models = Ledger.readAll(bs, "models", false);
            System.out.println("[trainer-faults] injected " + (cases.size() + 1) + " faulty runs | models published " + models.size());
            assertThat(models).as("nothing published to the models topic").isEmpty();
        }
    }

    private static int childExit(ScorerProcess child) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (child.isAlive() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertThat(child.isAlive()).as("child finished").isFalse();
        return child.exitValue();
    }

    private static void send(KafkaProducer<byte[], byte[]> p, String topic, String v) {
        p.send(new ProducerRecord<>(topic, "k".getBytes(UTF_8), v.getBytes(UTF_8)));
    }

    private static List<Path> bundles(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(".zip")).toList();
        }
    }
}
