package io.earthmover.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScoreRecordTest {
    private static ScoreRecord parse(String json) {
        return ScoreRecord.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryContractFieldOfAScoredRecordWithItsTopFeatures() {
        ScoreRecord r = parse("{\"id\":\"e7\",\"ts\":1700000000000,\"score\":0.97,\"critic\":-3.5,\"threshold\":0.995,"
                + "\"anomaly\":true,\"likelihood\":0.62,\"alarmScore\":0.62,\"alarmThreshold\":0.5,\"reason\":\"likelihood\","
                + "\"model\":\"m1\",\"topFeatures\":[{\"feature\":\"cpu[t]\",\"contribution\":0.7},"
                + "{\"feature\":\"mem[t]\",\"contribution\":0.2}],\"scoredAt\":1,\"warmingUp\":false}");
        assertThat(r.scored()).isTrue();
        assertThat(r.id()).isEqualTo("e7");
        assertThat(r.critic()).isEqualTo(-3.5);
        assertThat(r.alarmScore()).isEqualTo(0.62);
        assertThat(r.reason()).isEqualTo("likelihood");
        assertThat(r.topFeatures()).containsExactly(new ScoreRecord.Contribution("cpu[t]", 0.7),
                new ScoreRecord.Contribution("mem[t]", 0.2));
        assertThat(r.late()).isFalse();
    }

    @Test
    void nullNumbersOfAWarmingUpRecordAreNaN() {
        ScoreRecord r = parse("{\"id\":null,\"ts\":5,\"score\":null,\"critic\":null,\"threshold\":0.99,\"anomaly\":false,"
                + "\"likelihood\":null,\"alarmScore\":null,\"alarmThreshold\":null,\"reason\":null,\"model\":\"m1\","
                + "\"topFeatures\":[],\"scoredAt\":1,\"warmingUp\":true}");
        assertThat(r.scored()).isFalse();
        assertThat(r.id()).isNull();
        assertThat(r.alarmScore()).isNaN();
        assertThat(r.topFeatures()).isEmpty();
        assertThat(r.warmingUp()).isTrue();
    }

    @Test
    void somethingElseIsAnError() {
        assertThatThrownBy(() -> parse("{not json")).hasMessageContaining("not a score record");
    }
}
