package io.earthmover.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordParserTest {
    private final RecordParser parser = new RecordParser(1024, 8);

    private ParseResult parse(String json) {
        return parser.parse(json.getBytes(UTF_8), 777L);
    }

    private static ParsedRecord accepted(ParseResult r) {
        assertThat(r).isInstanceOf(ParseResult.Accepted.class);
        return ((ParseResult.Accepted) r).record();
    }

    @Test
    void acceptsNamedFeaturesWithIdAndEpochTs() {
        ParsedRecord r = accepted(parse("{\"id\":\"a-1\",\"ts\":1700000000000,\"features\":{\"cpu\":0.41,\"mem\":0.73}}"));
        assertThat(r.id()).isEqualTo("a-1");
        assertThat(r.ts()).isEqualTo(1_700_000_000_000L);
        assertThat(r.names()).containsExactly("cpu", "mem");
        assertThat(r.values()).containsExactly(0.41, 0.73);
    }

    @Test
    void acceptsArrayFeaturesAndFallsBackToKafkaTimestamp() {
        ParsedRecord r = accepted(parse("{\"features\":[1, 2.5, -3e2]}"));
        assertThat(r.named()).isFalse();
        assertThat(r.ts()).isEqualTo(777L);
        assertThat(r.id()).isNull();
        assertThat(r.values()).containsExactly(1.0, 2.5, -300.0);
    }

    @Test
    void parsesIso8601TimestampsWithAndWithoutOffset() {
        assertThat(accepted(parse("{\"ts\":\"2024-01-02T03:04:05.123Z\",\"features\":[1]}")).ts())
                .isEqualTo(1_704_164_645_123L);
        assertThat(accepted(parse("{\"ts\":\"2024-01-02T04:04:05.123+01:00\",\"features\":[1]}")).ts())
                .isEqualTo(1_704_164_645_123L);
    }

    @Test
    void foldsNegativeZeroAndIgnoresUnknownTopLevelFields() {
        ParsedRecord r = accepted(parse("{\"meta\":{\"a\":[1,{\"b\":2}]},\"features\":[-0.0],\"id\":42}"));
        assertThat(Double.doubleToRawLongBits(r.values()[0])).isEqualTo(Double.doubleToRawLongBits(0.0));
        assertThat(r.id()).isEqualTo("42");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"features\":[1,2]|MALFORMED_JSON",
            "{\"features\":[1,2]} x|MALFORMED_JSON",
            "{\"features\":[1]}{}|MALFORMED_JSON",
            "{features:[1]}|MALFORMED_JSON",
            "[1,2,3]|NOT_AN_OBJECT",
            "\"text\"|NOT_AN_OBJECT",
            "{\"id\":\"x\"}|MISSING_FEATURES",
            "{\"features\":[]}|MISSING_FEATURES",
            "{\"features\":{}}|MISSING_FEATURES",
            "{\"features\":\"1,2\"}|WRONG_TYPE",
            "{\"features\":[1,\"2\"]}|WRONG_TYPE",
            "{\"features\":[1,[2]]}|WRONG_TYPE",
            "{\"features\":{\"a\":null}}|WRONG_TYPE",
            "{\"features\":{\"a\":true}}|WRONG_TYPE",
            "{\"features\":[1],\"id\":[1]}|WRONG_TYPE",
            "{\"features\":[NaN]}|NON_FINITE",
            "{\"features\":{\"a\":Infinity}}|NON_FINITE",
            "{\"features\":[-Infinity]}|NON_FINITE",
            "{\"features\":[1e400]}|NON_FINITE",
            "{\"features\":[1],\"ts\":\"yesterday\"}|INVALID_TIMESTAMP",
            "{\"features\":[1],\"ts\":-5}|INVALID_TIMESTAMP",
            "{\"features\":[1],\"ts\":true}|INVALID_TIMESTAMP",
            "{\"features\":[1],\"ts\":99999999999999999999999}|INVALID_TIMESTAMP",
            "{\"features\":{\"a\":1,\"a\":2}}|DUPLICATE_FIELD",
            "{\"features\":[1],\"features\":[2]}|DUPLICATE_FIELD",
            "{\"x\":[[[[[[[[[[1]]]]]]]]]],\"features\":[1]}|TOO_DEEP",
            "{\"features\":[NaN]|MALFORMED_JSON",
            // syntax wins over a duplicate name (issue 15, fault 2)
            "{\"id\":\"x\",\"features\":{\"cpu\":51.2,\"cpu\":52.0,\"mem\":6|MALFORMED_JSON",
            "{\"features\":[1],\"features\":[2]|MALFORMED_JSON",
            "{\"features\":[1],\"m\":{\"a\":1,\"a\":2} x}|MALFORMED_JSON",
            // a duplicate anywhere, ignored fields too, and it wins over other faults
            "{\"features\":[1],\"meta\":{\"a\":1,\"a\":2}}|DUPLICATE_FIELD",
            "{\"features\":[1],\"meta\":[{\"b\":{\"c\":1,\"c\":1}}]}|DUPLICATE_FIELD",
            "{\"features\":[NaN],\"features\":[1]}|DUPLICATE_FIELD",
            "{\"features\":[1],\"ts\":\"bad\",\"ts\":1}|DUPLICATE_FIELD",
            // NaN and Infinity are not JSON: refused outside features as well (issue 15, fault 3)
            "{\"features\":[1],\"note\":NaN}|NON_FINITE",
            "{\"features\":[1],\"hist\":[1.5,Infinity]}|NON_FINITE",
            "{\"m\":{\"a\":-Infinity},\"features\":{\"x\":1}}|NON_FINITE",
            "{\"features\":[1],\"note\":NaN|MALFORMED_JSON",
    })
    void rejectsWithTheRightCode(String json, ErrorCode code) {
        ParseResult r = parse(json);
        assertThat(r).isInstanceOf(ParseResult.Rejected.class);
        assertThat(((ParseResult.Rejected) r).code()).isEqualTo(code);
        assertThat(((ParseResult.Rejected) r).message()).isNotBlank();
    }

    @Test
    void rejectsNullEmptyOversizedAndInvalidUtf8() {
        assertThat(code(parser.parse(null, 0))).isEqualTo(ErrorCode.NULL_VALUE);
        assertThat(code(parser.parse(new byte[0], 0))).isEqualTo(ErrorCode.EMPTY_PAYLOAD);
        assertThat(code(parser.parse(new byte[1025], 0))).isEqualTo(ErrorCode.TOO_LARGE);
        byte[] bad = "{\"features\":[1],\"id\":\"\u00e9\"}".getBytes(UTF_8);
        bad[bad.length - 3] = (byte) 0xC3; // a lead byte followed by '"' is not UTF-8
        bad[bad.length - 2] = (byte) 0x22;
        assertThat(code(parser.parse(bad, 0))).isEqualTo(ErrorCode.INVALID_UTF8);
        assertThat(code(parser.parse(new byte[] {'{', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '}'}, 0)))
                .as("UTF-16 surrogate encoded in UTF-8").isEqualTo(ErrorCode.INVALID_UTF8);
        assertThat(code(parser.parse(new byte[] {'{', (byte) 0xC0, (byte) 0x80, '}'}, 0)))
                .as("overlong encoding").isEqualTo(ErrorCode.INVALID_UTF8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"})
    void refusesUtf16AndUtf32WithoutAByteOrderMark(String charset) {
        // issue 15, fault 1: Jackson alone detects these from the NUL bytes and scores them
        byte[] value = "{\"id\":\"e-1\",\"features\":{\"cpu\":0.5}}".getBytes(Charset.forName(charset));
        ParseResult r = parser.parse(value, 0);
        assertThat(code(r)).isEqualTo(ErrorCode.INVALID_UTF8);
        assertThat(((ParseResult.Rejected) r).message()).contains(charset).contains("not UTF-8");
        assertThat(code(parser.parse(" [1]".getBytes(Charset.forName(charset)), 0))).isEqualTo(ErrorCode.INVALID_UTF8);
    }

    @Test
    void refusesUtf16WithAByteOrderMarkAndIgnoresAUtf8One() {
        assertThat(code(parser.parse("\ufeff{\"features\":[1]}".getBytes(Charset.forName("UTF-16")), 0)))
                .isEqualTo(ErrorCode.INVALID_UTF8);
        assertThat(accepted(parser.parse("\ufeff{\"features\":[2]}".getBytes(UTF_8), 0)).values()).containsExactly(2.0);
        assertThat(code(parse("{\"features\":[1]}\u0000"))).as("a NUL after the start is bad syntax, not an encoding")
                .isEqualTo(ErrorCode.MALFORMED_JSON);
    }

    @Test
    void acceptsNonFiniteLookingButValidNumbersInIgnoredFields() {
        ParsedRecord r = accepted(parse("{\"big\":1e400,\"neg\":-1e999,\"text\":\"NaN\",\"features\":[1]}"));
        assertThat(r.values()).containsExactly(1.0);
    }

    @Test
    void longNamesAndNumbersAreBoundedByTheRecordSizeOnly() {
        // issue 15, fault 4: a 60,000-character name was TOO_LARGE far under record.max.bytes
        RecordParser big = new RecordParser(1 << 20, RecordParser.DEFAULT_MAX_DEPTH);
        String longName = "n".repeat(60_000);
        ParsedRecord named = accepted(big.parse(("{\"features\":{\"cpu\":1,\"" + longName + "\":2}}").getBytes(UTF_8), 0));
        assertThat(named.names()).containsExactly("cpu", longName); // the schema then says UNKNOWN_FEATURE
        ParsedRecord ignored = accepted(big.parse(("{\"" + longName + "\":\"" + "v".repeat(200_000)
                + "\",\"n\":" + "7".repeat(100_000) + ",\"features\":[3]}").getBytes(UTF_8), 0));
        assertThat(ignored.values()).containsExactly(3.0);
        assertThat(code(big.parse(("{\"features\":[" + "9".repeat(2000) + "]}").getBytes(UTF_8), 0)))
                .as("a 2,000-digit integer overflows a double").isEqualTo(ErrorCode.NON_FINITE);
        assertThat(accepted(big.parse(("{\"features\":[0.5" + "0".repeat(500_000) + "1]}").getBytes(UTF_8), 0)).values())
                .as("a long number that fits is its nearest double").containsExactly(0.5);
        ParseResult ts = big.parse(("{\"ts\":" + "1".repeat(900_000) + ",\"features\":[1]}").getBytes(UTF_8), 0);
        assertThat(code(ts)).isEqualTo(ErrorCode.INVALID_TIMESTAMP);
        assertThat(((ParseResult.Rejected) ts).message()).hasSizeLessThan(300);
    }

    @Test
    void findsADuplicateAmongManyNames() {
        StringBuilder sb = new StringBuilder("{\"features\":{");
        for (int i = 0; i < 40; i++) {
            sb.append("\"f").append(i).append("\":").append(i).append(',');
        }
        assertThat(accepted(parse(sb.toString().replaceAll(",$", "}}"))).values()).hasSize(40);
        assertThat(code(parse(sb.append("\"f3\":1}}").toString()))).isEqualTo(ErrorCode.DUPLICATE_FIELD);
    }

    @Test
    void keepsALoneSurrogateInTheIdExactly() {
        // issue 15, fault 5: legal JSON; the score echoes it as the same escape (ScoreJsonTest)
        ParsedRecord r = accepted(parse("{\"id\":\"e-\\ud800-lone\",\"features\":[1]}"));
        assertThat(r.id()).isEqualTo("e-\ud800-lone").hasSize(8);
    }

    @Test
    void acceptsMultiByteUtf8InNames() {
        ParsedRecord r = accepted(parse("{\"features\":{\"température\":21.5,\"温度\":3}}"));
        assertThat(r.names()).containsExactly("température", "温度");
    }

    private static ErrorCode code(ParseResult r) {
        return r instanceof ParseResult.Rejected rej ? rej.code() : null;
    }

    @Test
    void readsEveryNumberAsDoubleParseDoubleDoes() {
        SplittableRandom r = new SplittableRandom(11);
        RecordParser big = new RecordParser(1 << 16, RecordParser.DEFAULT_MAX_DEPTH);
        for (int i = 0; i < 20_000; i++) {
            double d = i % 2 == 0 ? r.nextGaussian() * Math.pow(10, r.nextInt(-300, 300)) : Double.longBitsToDouble(r.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            // the shortest text, 17 significant digits, 25 (beyond a double's precision: rounding decides), an exponent form
            String[] texts = {Double.toString(d), String.format(Locale.ROOT, "%.16e", d), String.format(Locale.ROOT, "%.24e", d),
                    String.format(Locale.ROOT, "%.3e", d).replace("e+", "E")};
            for (String t : texts) {
                ParsedRecord rec = accepted(big.parse(("{\"features\":[" + t + "]}").getBytes(UTF_8), 1L));
                assertThat(Double.doubleToLongBits(rec.values()[0])).as(t).isEqualTo(Double.doubleToLongBits(Double.parseDouble(t)));
            }
        }
    }
}
