package io.earthmover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.TopicAdmin;
import io.earthmover.testutil.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code produce} with a constant {@code --key}, the contract's ts column and {@code --timestamp-unit s} (issue 15). */
class ProduceCommandIT {
    @Test
    void keysEveryRecordWithTheGivenValueAndTakesTsAsTheEventTime(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("one-series.csv"), "ts,cpu\n1767225600,0.5\n1767225660,0.25\n1767225720,0.75\n");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            new TopicAdmin(EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()))).ensureTopics();
            CliRun r = CliRun.of("produce", "--input", csv.toString(), "--key", "host-1",
                    "--timestamp-unit", "s", "--no-progress", "--bootstrap-servers", broker.bootstrapServers(),
                    "--set", "connect.wait.ms=5000");
            assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
            assertThat(r.out()).contains("event time: column 'ts', numbers read as epoch seconds", "produced 3 records to events-in");
            var read = KafkaTestClients.readUntil(broker.bootstrapServers(), "events-in", Duration.ofSeconds(30), l -> l.size() >= 3);
            assertThat(read).extracting(c -> new String(c.key(), StandardCharsets.UTF_8)).containsOnly("host-1");
            assertThat(read).extracting(c -> new String(c.value(), StandardCharsets.UTF_8)).containsExactly(
                    "{\"ts\":1767225600000,\"features\":{\"cpu\":0.5}}", "{\"ts\":1767225660000,\"features\":{\"cpu\":0.25}}",
                    "{\"ts\":1767225720000,\"features\":{\"cpu\":0.75}}");
        }
    }
}
