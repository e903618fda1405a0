package io.earthmover.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.testutil.LogCapture;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerAppTest {
    @Test
    void buildingTheStreamsApplicationLogsNoConfigurationWarning(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: no broker of anyone else is touched
        }
        EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", "127.0.0.1:" + closedPort,
                "scorer.state.dir", dir.toString()));
        ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        try (LogCapture log = LogCapture.warnings("org.apache.kafka.streams.StreamsConfig")) {
            // the main consumer and its partition assignor are built here, where Kafka Streams warned
            new KafkaStreams(app.topology(), ScorerApp.streamsProperties(cfg, null)).close(Duration.ofSeconds(5));
            assertThat(log.lines()).filteredOn(l -> l.contains("StreamsConfig")).isEmpty();
        }
    }

    @Test
    void scoringNeverWaitsForTheFeedbackPartitionUnlessTheUserSaysSo() {
        EarthmoverConfig cfg = EarthmoverConfig.of(Map.of());
        // -1: a task whose feedback partition is empty processes its events at once (0, Kafka's default,
        // would build a log line for the empty partition on every record)
        assertThat(ScorerApp.streamsProperties(cfg, null).get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(-1L);
        EarthmoverConfig own = EarthmoverConfig.of(Map.of("kafka.max.task.idle.ms", "500"));
        assertThat(String.valueOf(ScorerApp.streamsProperties(own, null).get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))).isEqualTo("500");
    }
}
