package io.earthmover.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.config.EarthmoverConfig;
import io.earthmover.kafka.EmbeddedKafkaBroker;
import io.earthmover.kafka.TopicAdmin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With topics.create=false and the inspection API on, a missing anomaly-feedback topic would leave the
 * scoring sub-topology unassigned (it shares the feedback store): the scorer refuses to start instead,
 * naming the key, on a real broker.
 */
class FeedbackTopicRequiredIT {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void aMissingFeedbackTopicIsRefusedAtStartNamingTheKey() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            EarthmoverConfig cfg = EarthmoverConfig.of(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "topics.create", "false", "metrics.port", "0", "scorer.state.dir", tmp.resolve("state").toString()));
            TopicAdmin admin = new TopicAdmin(cfg);
            assertThat(admin.exists("anomaly-feedback")).isFalse();
            try (ScorerApp app = new ScorerApp(cfg, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
                assertThatThrownBy(() -> app.start(Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("topics.feedback").hasMessageContaining("anomaly-feedback")
                        .hasMessageContaining("inspect.enabled=false");
            }
            admin.ensureTopics();
            assertThat(admin.exists("anomaly-feedback")).isTrue();
        }
    }
}
