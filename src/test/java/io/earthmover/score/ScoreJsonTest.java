package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.harness.ScoreRecord;
import org.junit.jupiter.api.Test;

class ScoreJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String idOf(byte[] score) throws Exception {
        return JSON.readTree(score).get("id").asText();
    }

    @Test
    void echoesALoneSurrogateInTheIdAsItsEscape() throws Exception {
        byte[] out = new ScoreJson().unscored("e-\ud800-lone", 5, 0.9, "m1", 10, false);
        assertThat(new String(out, UTF_8)).startsWith("{\"id\":\"e-\\ud800-lone\",");
        assertThat(idOf(out)).as("read back, the id is the one that came in").isEqualTo("e-\ud800-lone");
        byte[] low = new ScoreJson().unscored("\udc00x\ud83d", 5, 0.9, "m1", 10, false);
        assertThat(new String(low, UTF_8)).startsWith("{\"id\":\"\\udc00x\\ud83d\",");
    }

    @Test
    void writesSurrogatePairsAndEscapesUnchanged() throws Exception {
        String id = "\u00e9\u6f22\ud83d\ude00\"\\\n\u0001";
        byte[] out = new ScoreJson().unscored(id, 5, 0.9, "m1", 10, false);
        assertThat(idOf(out)).isEqualTo(id);
        assertThat(new String(out, UTF_8)).contains("\ud83d\ude00").doesNotContain("?");
    }

    @Test
    void namesTheRoutedModelNextToItsVersionAndLeavesTheFieldOutWithOneModel() {
        String routed = new String(new ScoreJson().unscored("r1", 5, 0.9, "v7", "db", 10, false), UTF_8);
        assertThat(routed).contains("\"model\":\"v7\",\"modelName\":\"db\",");
        assertThat(ScoreRecord.parse(routed.getBytes(UTF_8)).modelName())
                .isEqualTo("db");
        String single = new String(new ScoreJson().unscored("r1", 5, 0.9, "v7", 10, false), UTF_8);
        assertThat(single).contains("\"model\":\"v7\",\"topFeatures\"").doesNotContain("modelName");
        assertThat(ScoreRecord.parse(single.getBytes(UTF_8)).modelName())
                .isNull();
    }
}
