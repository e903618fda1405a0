package io.earthmover.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.earthmover.record.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Malformed records, each with the error code the scorer must give it. {@link #named()} is for a
 * model with named features {@code cpu, disk, mem}; {@link #positional()} for a model that takes
 * arrays of 3 values. Values that look odd but are valid (negative zero, 1e9, subnormals, extra
 * top-level fields) are in {@link #validEdgeCases()}: they must be scored, not dead-lettered.
 */
final class PoisonCorpus {
    /** One kind of bad record; {@code value} null means a Kafka null value. */
    record Kind(String name, byte[] value, ErrorCode expected) {
    }

    private static final String OK = "\"cpu\":0.1,\"disk\":-0.2,\"mem\":0.3";
    private static final int FIVE_MB = 5 << 20;
    /** The valid edge case whose id must come back as the very escape it was sent with. */
    static final String LONE_SURROGATE = "lone surrogate in the id";

    private PoisonCorpus() {
    }

    static List<Kind> named() {
        List<Kind> k = new ArrayList<>();
        // absent and oversized
        k.add(new Kind("null value (tombstone)", null, ErrorCode.NULL_VALUE));
        k.add(new Kind("empty payload", new byte[0], ErrorCode.EMPTY_PAYLOAD));
        k.add(new Kind("5 MB record, valid JSON", padded(FIVE_MB), ErrorCode.TOO_LARGE));
        k.add(new Kind("5 MB of 'x'", filled(FIVE_MB, (byte) 'x'), ErrorCode.TOO_LARGE));
        k.add(new Kind("1 MiB + 1 byte", padded((1 << 20) + 1), ErrorCode.TOO_LARGE));
        // issue 15: names and numbers have no limit but the record's size
        k.add(s("number of 2,000 digits", "{\"features\":{\"cpu\":" + "9".repeat(2000) + ",\"disk\":1,\"mem\":1}}", ErrorCode.NON_FINITE));
        k.add(s("60,000-char unknown feature name", "{\"features\":{" + OK + ",\"" + "n".repeat(60_000) + "\":1}}", ErrorCode.UNKNOWN_FEATURE));
        // not UTF-8
        k.add(b("lone continuation byte", "{\"id\":\"", new byte[] {(byte) 0x80}, "\",\"features\":{" + OK + "}}", ErrorCode.INVALID_UTF8));
        k.add(b("overlong encoding of '/'", "{\"id\":\"", new byte[] {(byte) 0xC0, (byte) 0xAF}, "\",\"features\":{" + OK + "}}", ErrorCode.INVALID_UTF8));
        k.add(b("UTF-16 surrogate in UTF-8", "{\"id\":\"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\",\"features\":{" + OK + "}}", ErrorCode.INVALID_UTF8));
        k.add(b("0xFF byte", "{\"features\":{" + OK + "}}", new byte[] {(byte) 0xFF}, "", ErrorCode.INVALID_UTF8));
        k.add(b("Latin-1 feature name", "{\"features\":{\"caf", new byte[] {(byte) 0xE9}, "\":1," + OK + "}}", ErrorCode.INVALID_UTF8));
        for (String cs : List.of("UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE")) {
            k.add(new Kind("valid record in " + cs, ("{\"id\":\"x\",\"features\":{" + OK + "}}").getBytes(Charset.forName(cs)),
                    ErrorCode.INVALID_UTF8));
        }
        k.add(b("multi-byte sequence cut at the end", "{\"features\":{" + OK + "}}", new byte[] {(byte) 0xE2, (byte) 0x82}, "", ErrorCode.INVALID_UTF8));
        // broken syntax
        k.add(s("truncated JSON", "{\"features\":{\"cpu\":1", ErrorCode.MALFORMED_JSON));
        k.add(s("truncated after key", "{\"features\":", ErrorCode.MALFORMED_JSON));
        k.add(s("truncated string", "{\"id\":\"abc", ErrorCode.MALFORMED_JSON));
        k.add(s("lone brace", "{", ErrorCode.MALFORMED_JSON));
        k.add(s("plain text", "not json at all", ErrorCode.MALFORMED_JSON));
        k.add(s("trailing garbage", "{\"features\":{" + OK + "}} trailing", ErrorCode.MALFORMED_JSON));
        k.add(s("two objects", "{\"features\":{" + OK + "}}{\"features\":{" + OK + "}}", ErrorCode.MALFORMED_JSON));
        k.add(s("single quotes", "{'features':{'cpu':1,'disk':1,'mem':1}}", ErrorCode.MALFORMED_JSON));
        k.add(s("unquoted key", "{features:{" + OK + "}}", ErrorCode.MALFORMED_JSON));
        k.add(s("trailing comma", "{\"features\":{" + OK + ",}}", ErrorCode.MALFORMED_JSON));
        k.add(s("double comma", "{\"features\":{\"cpu\":1,,\"disk\":1,\"mem\":1}}", ErrorCode.MALFORMED_JSON));
        k.add(s("leading zero", "{\"features\":{\"cpu\":01,\"disk\":1,\"mem\":1}}", ErrorCode.MALFORMED_JSON));
        k.add(s("leading plus", "{\"features\":{\"cpu\":+1,\"disk\":1,\"mem\":1}}", ErrorCode.MALFORMED_JSON));
        k.add(s("comment", "{/* c */\"features\":{" + OK + "}}", ErrorCode.MALFORMED_JSON));
        k.add(s("NUL byte outside a string", "{\"features\":{" + OK + "}}\u0000", ErrorCode.MALFORMED_JSON));
        // nesting
        k.add(s("10,000 nested arrays", "{\"features\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}", ErrorCode.TOO_DEEP));
        k.add(s("100 nested objects", "{\"meta\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + ",\"features\":{" + OK + "}}", ErrorCode.TOO_DEEP));
        k.add(s("100,000 open brackets", "[".repeat(100_000), ErrorCode.TOO_DEEP));
        // wrong top level
        k.add(s("top-level array", "[0.1,0.2,0.3]", ErrorCode.NOT_AN_OBJECT));
        k.add(s("top-level number", "42", ErrorCode.NOT_AN_OBJECT));
        k.add(s("top-level string", "\"features\"", ErrorCode.NOT_AN_OBJECT));
        k.add(s("top-level null", "null", ErrorCode.NOT_AN_OBJECT));
        k.add(s("top-level boolean", "true", ErrorCode.NOT_AN_OBJECT));
        // duplicates and absences
        k.add(s("duplicate feature", "{\"features\":{\"cpu\":1,\"cpu\":2,\"disk\":1,\"mem\":1}}", ErrorCode.DUPLICATE_FIELD));
        k.add(s("truncated after a duplicate", "{\"id\":\"x\",\"features\":{\"cpu\":51.2,\"cpu\":52.0,\"mem\":6", ErrorCode.MALFORMED_JSON));
        k.add(s("duplicate in an ignored field", "{\"meta\":{\"a\":1,\"a\":2},\"features\":{" + OK + "}}", ErrorCode.DUPLICATE_FIELD));
        k.add(s("duplicate features field", "{\"features\":{" + OK + "},\"features\":{" + OK + "}}", ErrorCode.DUPLICATE_FIELD));
        k.add(s("empty object", "{}", ErrorCode.MISSING_FEATURES));
        k.add(s("only an id", "{\"id\":\"x\"}", ErrorCode.MISSING_FEATURES));
        k.add(s("empty features object", "{\"features\":{}}", ErrorCode.MISSING_FEATURES));
        k.add(s("empty features array", "{\"features\":[]}", ErrorCode.MISSING_FEATURES));
        k.add(s("one named feature missing", "{\"features\":{\"cpu\":1,\"disk\":1}}", ErrorCode.MISSING_FEATURES));
        // wrong types
        k.add(s("feature as string", "{\"features\":{\"cpu\":\"1\",\"disk\":1,\"mem\":1}}", ErrorCode.WRONG_TYPE));
        k.add(s("feature as boolean", "{\"features\":{\"cpu\":true,\"disk\":1,\"mem\":1}}", ErrorCode.WRONG_TYPE));
        k.add(s("feature as null", "{\"features\":{\"cpu\":null,\"disk\":1,\"mem\":1}}", ErrorCode.WRONG_TYPE));
        k.add(s("feature as array", "{\"features\":{\"cpu\":[1],\"disk\":1,\"mem\":1}}", ErrorCode.WRONG_TYPE));
        k.add(s("feature as object", "{\"features\":{\"cpu\":{\"v\":1},\"disk\":1,\"mem\":1}}", ErrorCode.WRONG_TYPE));
        k.add(s("features as string", "{\"features\":\"cpu=1\"}", ErrorCode.WRONG_TYPE));
        k.add(s("features as number", "{\"features\":3}", ErrorCode.WRONG_TYPE));
        k.add(s("id as object", "{\"id\":{\"a\":1},\"features\":{" + OK + "}}", ErrorCode.WRONG_TYPE));
        k.add(s("id as decimal", "{\"id\":1.5,\"features\":{" + OK + "}}", ErrorCode.WRONG_TYPE));
        k.add(s("array for a named model", "{\"features\":[0.1,0.2,0.3]}", ErrorCode.WRONG_TYPE));
        // non-finite and out of range
        k.add(s("NaN", "{\"features\":{\"cpu\":NaN,\"disk\":1,\"mem\":1}}", ErrorCode.NON_FINITE));
        k.add(s("Infinity", "{\"features\":{\"cpu\":Infinity,\"disk\":1,\"mem\":1}}", ErrorCode.NON_FINITE));
        k.add(s("-Infinity", "{\"features\":{\"cpu\":1,\"disk\":-Infinity,\"mem\":1}}", ErrorCode.NON_FINITE));
        k.add(s("NaN in an ignored field", "{\"features\":{" + OK + "},\"note\":NaN}", ErrorCode.NON_FINITE));
        k.add(s("Infinity in an ignored array", "{\"features\":{" + OK + "},\"hist\":[1.5,Infinity]}", ErrorCode.NON_FINITE));
        k.add(s("1e400 overflows a double", "{\"features\":{\"cpu\":1,\"disk\":1,\"mem\":1e400}}", ErrorCode.NON_FINITE));
        k.add(s("-1e400", "{\"features\":{\"cpu\":-1e400,\"disk\":1,\"mem\":1}}", ErrorCode.NON_FINITE));
        k.add(s("400-digit integer", "{\"features\":{\"cpu\":1" + "0".repeat(400) + ",\"disk\":1,\"mem\":1}}", ErrorCode.NON_FINITE));
        k.add(s("1e300: finite, beyond the float32 critic", "{\"features\":{\"cpu\":1e300,\"disk\":1,\"mem\":1}}", ErrorCode.NON_FINITE));
        k.add(s("largest negative double", "{\"features\":{\"cpu\":1,\"disk\":-1.7976931348623157e308,\"mem\":1}}", ErrorCode.NON_FINITE));
        // timestamps
        k.add(s("negative ts", "{\"ts\":-5,\"features\":{" + OK + "}}", ErrorCode.INVALID_TIMESTAMP));
        k.add(s("ts not a date", "{\"ts\":\"yesterday\",\"features\":{" + OK + "}}", ErrorCode.INVALID_TIMESTAMP));
        k.add(s("ts boolean", "{\"ts\":true,\"features\":{" + OK + "}}", ErrorCode.INVALID_TIMESTAMP));
        k.add(s("ts beyond long", "{\"ts\":99999999999999999999999,\"features\":{" + OK + "}}", ErrorCode.INVALID_TIMESTAMP));
        k.add(s("ts decimal", "{\"ts\":1.5,\"features\":{" + OK + "}}", ErrorCode.INVALID_TIMESTAMP));
        // schema
        k.add(s("unknown feature", "{\"features\":{" + OK + ",\"gpu\":1}}", ErrorCode.UNKNOWN_FEATURE));
        k.add(s("feature name in the wrong case", "{\"features\":{\"CPU\":1,\"disk\":1,\"mem\":1}}", ErrorCode.UNKNOWN_FEATURE));
        k.add(s("empty feature name", "{\"features\":{\"\":1," + OK + "}}", ErrorCode.UNKNOWN_FEATURE));
        return k;
    }

    static List<Kind> positional() {
        List<Kind> k = new ArrayList<>();
        k.add(s("array too short", "{\"features\":[1,2]}", ErrorCode.WRONG_DIMENSION));
        k.add(s("array too long", "{\"features\":[1,2,3,4]}", ErrorCode.WRONG_DIMENSION));
        k.add(s("array of 1,000", "{\"features\":[" + "1,".repeat(999) + "1]}", ErrorCode.WRONG_DIMENSION));
        k.add(s("single value", "{\"features\":[1]}", ErrorCode.WRONG_DIMENSION));
        k.add(s("object for a positional model", "{\"features\":{" + OK + "}}", ErrorCode.WRONG_TYPE));
        k.add(s("NaN in an array", "{\"features\":[1,NaN,3]}", ErrorCode.NON_FINITE));
        k.add(s("nested array element", "{\"features\":[1,[2],3]}", ErrorCode.WRONG_TYPE));
        k.add(s("string element", "{\"features\":[1,\"2\",3]}", ErrorCode.WRONG_TYPE));
        return k;
    }

    /** Odd but valid: each must be scored with a finite score. */
    static List<Kind> validEdgeCases() {
        List<Kind> k = new ArrayList<>();
        k.add(s("negative zero", "{\"features\":{\"cpu\":-0.0,\"disk\":-0,\"mem\":0.5}}", null));
        k.add(s("large but scorable values", "{\"features\":{\"cpu\":1e6,\"disk\":-1e9,\"mem\":1}}", null));
        k.add(s("subnormal value", "{\"features\":{\"cpu\":4.9e-324,\"disk\":1e-310,\"mem\":1}}", null));
        k.add(s("whitespace and extra fields", " \n{ \"meta\" : {\"x\":[1,2]}, \"features\" : { " + OK + " } }\n", null));
        k.add(s("unicode id", "{\"id\":\"\u00e9\u6f22\ud83d\ude00\",\"features\":{" + OK + "}}", null));
        k.add(s("ISO timestamp", "{\"ts\":\"2024-01-01T00:00:00Z\",\"features\":{" + OK + "}}", null));
        k.add(s("60,000-char ignored field name", "{\"" + "m".repeat(60_000) + "\":1,\"features\":{" + OK + "}}", null));
        k.add(s(LONE_SURROGATE, "{\"id\":\"e-\\ud800-lone\",\"features\":{" + OK + "}}", null));
        k.add(s("1e400 in an ignored field", "{\"big\":1e400,\"features\":{" + OK + "}}", null));
        k.add(s("integer features", "{\"features\":{\"cpu\":1,\"disk\":2,\"mem\":3}}", null));
        return k;
    }

    private static Kind s(String name, String json, ErrorCode expected) {
        return new Kind(name, json.getBytes(UTF_8), expected);
    }

    private static Kind b(String name, String before, byte[] middle, String after, ErrorCode expected) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(UTF_8));
        return new Kind(name, out.toByteArray(), expected);
    }

    /** A syntactically valid record of exactly {@code size} bytes (padding in an ignored field). */
    private static byte[] padded(int size) {
        String head = "{\"features\":{" + OK + "},\"pad\":\"";
        String tail = "\"}";
        byte[] v = filled(size, (byte) 'p');
        byte[] h = head.getBytes(UTF_8);
        byte[] t = tail.getBytes(UTF_8);
        System.arraycopy(h, 0, v, 0, h.length);
        System.arraycopy(t, 0, v, size - t.length, t.length);
        return v;
    }

    private static byte[] filled(int size, byte b) {
        byte[] v = new byte[size];
        Arrays.fill(v, b);
        return v;
    }
}
