package io.earthmover.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void acceptsMultiByteUtf8InNames() {
        ParsedRecord r = accepted(parse("{\"features\":{\"température\":21.5,\"温度\":3}}"));
        assertThat(r.names()).containsExactly("température", "温度");
    }

    private static ErrorCode code(ParseResult r) {
        return r instanceof ParseResult.Rejected rej ? rej.code() : null;
    }
}
