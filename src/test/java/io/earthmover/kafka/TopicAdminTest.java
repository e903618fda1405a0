package io.earthmover.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.config.EarthmoverConfig;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicAdminTest {
    private static Map<String, String> maxBytes(EarthmoverConfig c) {
        return new TopicAdmin(c).productTopics().stream()
                .collect(Collectors.toMap(NewTopic::name, t -> t.configs().get("max.message.bytes")));
    }

    @Test
    void eventTopicsGetTheConfiguredLimitAndTheDlqRoomForItsHeaders() {
        Map<String, String> d = maxBytes(EarthmoverConfig.defaults());
        int def = (1 << 20) + (64 << 10);
        assertThat(d).containsEntry("events-in", "" + def).containsEntry("anomaly-scores", "" + def)
                .containsEntry("events-train", "" + def).containsEntry("events-dlq", "" + (def + TopicAdmin.DLQ_HEADER_ROOM))
                .containsEntry("models", "" + (16 << 20));
        Map<String, String> big = maxBytes(EarthmoverConfig.of(Map.of("topics.max.message.bytes", "" + (8 << 20))));
        assertThat(big).containsEntry("events-in", "" + (8 << 20)).containsEntry("events-dlq", "" + ((8 << 20) + TopicAdmin.DLQ_HEADER_ROOM));
    }
}
