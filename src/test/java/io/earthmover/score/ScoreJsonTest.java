package io.earthmover.score;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.harness.ScoreRecord;
import java.util.SplittableRandom;
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

    @Test
    void everyNumberReadsBackAsTheSameDoubleInDoubleToStringsFormat() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        double[] edges = {0.0, 1.0, -1.0, 0.1, 1e-3, 9.99e-4, 1e7, 9999999.0, 1e23, 2e-323, Double.MIN_VALUE,
                Double.MAX_VALUE, Double.MIN_NORMAL, 0.30000000000000004, -123456.789};
        for (int i = 0; i < edges.length + 20_000; i++) {
            double d = i < edges.length ? edges[i] : i % 2 == 0 ? r.nextGaussian() * Math.pow(10, r.nextInt(-12, 12))
                    : Double.longBitsToDouble(r.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            byte[] out = new ScoreJson().unscored("n", 5, d, "m1", 10, false);
            String text = JSON.readTree(out).get("threshold").asText();
            assertThat(Double.doubleToLongBits(Double.parseDouble(text))).as("%s read back", text)
                    .isEqualTo(Double.doubleToLongBits(d));
            // Double.toString's format: plain between 1e-3 and 1e7, else computerized scientific notation
            assertThat(text.contains("E")).as(text).isEqualTo(d != 0 && (Math.abs(d) < 1e-3 || Math.abs(d) >= 1e7));
        }
        assertThat(new String(new ScoreJson().unscored("n", 5, 0.1, "m1", 10, false), UTF_8)).contains("\"threshold\":0.1,");
        assertThat(new String(new ScoreJson().unscored("n", 5, 1e23, "m1", 10, false), UTF_8)).contains("\"threshold\":1.0E23,");
    }
}
