package io.earthmover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.testutil.KafkaTestClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Runs {@code earthmover broker} as a child JVM, uses it with stock clients, then SIGTERMs it. */
class BrokerCommandIT {
    private static final Pattern READY = Pattern.compile("bootstrap.servers=(\\S+)\\s+\\(data dir (\\S+);");

    @Test
    void brokerServesStockClientsAndStopsCleanlyOnSigterm() throws Exception {
        int port = EmbeddedKafkaBroker.freePort();
        Process p = ChildJvm.start(List.of("broker", "--port", String.valueOf(port)));
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            Matcher m = null;
            while ((line = out.readLine()) != null) {
                m = READY.matcher(line);
                if (m.find()) {
                    break;
                }
            }
            assertThat(m).as("broker printed its ready line").isNotNull();
            assertThat(m.matches() || m.find(0)).isTrue();
            String bootstrap = m.group(1);
            Path dataDir = Path.of(m.group(2));
            assertThat(bootstrap).isEqualTo("127.0.0.1:" + port);
            assertThat(Files.isDirectory(dataDir)).isTrue();

            try (KafkaProducer<byte[], byte[]> prod = KafkaTestClients.producer(bootstrap)) {
                prod.send(new ProducerRecord<>("events-in", "hello".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
            var read = KafkaTestClients.readUntil(bootstrap, "events-in", Duration.ofSeconds(30), r -> !r.isEmpty());
            assertThat(read).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("hello");

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(p.exitValue()).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(Files.exists(dataDir)).as("data directory removed").isFalse();
        } finally {
            p.destroyForcibly();
        }
    }
}
