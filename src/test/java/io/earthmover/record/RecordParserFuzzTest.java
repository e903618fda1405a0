package io.earthmover.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Feeds 100,000+ generated inputs to the parser: each must give exactly one outcome (accepted, or
 * rejected with a code and a message) and never throw. Valid records built by the generator must
 * come back with exactly the values that were put in.
 */
class RecordParserFuzzTest {
    private static final int KINDS = 13;
    private static final int INPUTS = 130_000;
    private final RecordParser parser = new RecordParser(4 << 20, RecordParser.DEFAULT_MAX_DEPTH);

    @Test
    void everyInputYieldsExactlyOneOutcome() {
        SplittableRandom rnd = new SplittableRandom(20261122L);
        Map<ErrorCode, Integer> codes = new EnumMap<>(ErrorCode.class);
        int accepted = 0;
        int validRoundTrips = 0;
        for (int i = 0; i < INPUTS; i++) {
            int kind = i % KINDS;
            double[] expected = null;
            ErrorCode expectedCode = null;
            byte[] input;
            switch (kind) {
                case 0 -> input = randomBytes(rnd);
                case 1 -> input = truncate(validJson(rnd, new double[1 + rnd.nextInt(8)]), rnd);
                case 2 -> input = deepNesting(rnd);
                case 3 -> input = (i % 1000 == 3) ? hugeString(rnd) : validJson(rnd, new double[3]);
                case 4 -> input = nonFinite(rnd);
                case 5 -> input = duplicateKeys(rnd);
                case 6 -> input = wrongTypes(rnd);
                case 7 -> input = mutate(validJson(rnd, new double[4]), rnd);
                case 10 -> {
                    input = wideEncoding(validJson(rnd, new double[1 + rnd.nextInt(8)]), rnd);
                    expectedCode = ErrorCode.INVALID_UTF8;
                }
                case 11 -> {
                    input = nonFiniteInIgnoredField(rnd);
                    expectedCode = ErrorCode.NON_FINITE;
                }
                case 12 -> {
                    expected = new double[1 + rnd.nextInt(4)];
                    input = longNames(rnd, expected);
                }
                default -> {
                    expected = new double[1 + rnd.nextInt(32)];
                    input = validJson(rnd, expected);
                }
            }
            ParseResult r;
            try {
                r = parser.parse(input, 1L);
            } catch (Throwable t) {
                throw new AssertionError("parser threw on input #" + i + " (kind " + kind + ")", t);
            }
            assertThat(r).as("input #%d", i).isNotNull();
            if (r instanceof ParseResult.Accepted a) {
                accepted++;
                assertThat(java.util.Arrays.stream(a.record().values()).allMatch(Double::isFinite)).isTrue();
                if (expected != null) {
                    assertThat(a.record().values()).as("round trip #%d", i).containsExactly(expected);
                    validRoundTrips++;
                }
            } else {
                ParseResult.Rejected rej = (ParseResult.Rejected) r;
                assertThat(rej.message()).isNotBlank();
                codes.merge(rej.code(), 1, Integer::sum);
                assertThat(expected).as("generated valid record #%d rejected: %s", i, rej).isNull();
            }
            if (expectedCode != null) {
                assertThat(r).as("input #%d (kind %d)", i, kind).isInstanceOf(ParseResult.Rejected.class);
                assertThat(((ParseResult.Rejected) r).code()).as("input #%d (kind %d)", i, kind).isEqualTo(expectedCode);
            }
        }
        assertThat(validRoundTrips).isEqualTo(INPUTS / KINDS * 3);
        assertThat(accepted + codes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(INPUTS);
        // the generators must actually reach the rejection paths they target
        assertThat(codes).containsKeys(ErrorCode.MALFORMED_JSON, ErrorCode.TOO_DEEP, ErrorCode.NON_FINITE,
                ErrorCode.DUPLICATE_FIELD, ErrorCode.WRONG_TYPE, ErrorCode.INVALID_UTF8);
    }

    private static byte[] randomBytes(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(1, 200)];
        rnd.nextBytes(b);
        if (rnd.nextBoolean()) {
            b[0] = '{';
        }
        return b;
    }

    private static byte[] validJson(SplittableRandom rnd, double[] values) {
        StringBuilder sb = new StringBuilder("{");
        if (rnd.nextBoolean()) {
            sb.append("\"id\":\"r").append(rnd.nextInt(1_000_000)).append("\",");
        }
        if (rnd.nextBoolean()) {
            sb.append("\"ts\":").append(rnd.nextLong(0, 4_000_000_000_000L)).append(',');
        }
        boolean named = rnd.nextBoolean();
        sb.append("\"features\":").append(named ? '{' : '[');
        for (int j = 0; j < values.length; j++) {
            double v = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextInt(-1000, 1000);
                case 1 -> rnd.nextDouble(-1e6, 1e6);
                case 2 -> rnd.nextGaussian() * 1e-9;
                default -> rnd.nextDouble();
            };
            values[j] = v;
            if (j > 0) {
                sb.append(',');
            }
            if (named) {
                sb.append("\"f").append(j).append("\":");
            }
            sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
        }
        sb.append(named ? '}' : ']').append('}');
        return sb.toString().getBytes(UTF_8);
    }

    /** A valid record in UTF-16 or UTF-32 without a byte-order mark: valid UTF-8 byte for byte. */
    private static byte[] wideEncoding(byte[] utf8, SplittableRandom rnd) {
        String[] charsets = {"UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"};
        return new String(utf8, UTF_8).getBytes(java.nio.charset.Charset.forName(charsets[rnd.nextInt(charsets.length)]));
    }

    /** A valid record with NaN or Infinity somewhere in a field the parser otherwise ignores. */
    private static byte[] nonFiniteInIgnoredField(SplittableRandom rnd) {
        String[] lits = {"NaN", "Infinity", "-Infinity", "+Infinity"};
        String lit = lits[rnd.nextInt(lits.length)];
        String extra = switch (rnd.nextInt(3)) {
            case 0 -> lit;
            case 1 -> "[1.5," + lit + "]";
            default -> "{\"a\":{\"b\":[" + lit + "]}}";
        };
        String body = "\"features\":[1,2]";
        return (rnd.nextBoolean() ? "{\"note\":" + extra + "," + body + "}" : "{" + body + ",\"note\":" + extra + "}").getBytes(UTF_8);
    }

    /** A valid record whose ignored field name, string or feature names are tens of thousands of characters. */
    private static byte[] longNames(SplittableRandom rnd, double[] values) {
        int longest = rnd.nextInt(10) == 0 ? 80_000 : 2_000; // a tenth beyond Jackson's default 50,000
        StringBuilder sb = new StringBuilder("{\"");
        sb.append("m".repeat(rnd.nextInt(longest / 2, longest))).append("\":\"").append("v".repeat(rnd.nextInt(1, longest)));
        sb.append("\",\"features\":{");
        for (int j = 0; j < values.length; j++) {
            values[j] = rnd.nextInt(-1000, 1000);
            sb.append(j > 0 ? "," : "").append('"').append((char) ('a' + j)).append("x".repeat(j == 0 ? rnd.nextInt(1, longest) : rnd.nextInt(8)))
                    .append("\":").append((long) values[j]);
        }
        return sb.append("}}").toString().getBytes(UTF_8);
    }

    private static byte[] truncate(byte[] b, SplittableRandom rnd) {
        return java.util.Arrays.copyOf(b, rnd.nextInt(1, b.length));
    }

    private static byte[] deepNesting(SplittableRandom rnd) {
        int depth = rnd.nextInt(1, 5000);
        String open = rnd.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        StringBuilder sb = new StringBuilder("{\"x\":");
        sb.append(open.repeat(depth)).append('1').append(close.repeat(rnd.nextInt(depth + 1)));
        sb.append(",\"features\":[1]}");
        return sb.toString().getBytes(UTF_8);
    }

    private static byte[] hugeString(SplittableRandom rnd) {
        int n = rnd.nextInt(1 << 20, 3 << 20);
        return ("{\"id\":\"" + "x".repeat(n) + "\",\"features\":[1]}").getBytes(UTF_8);
    }

    private static byte[] nonFinite(SplittableRandom rnd) {
        String[] lits = {"NaN", "Infinity", "-Infinity", "1e999", "-1e400", "+Infinity", "nan", "inf"};
        return ("{\"features\":[1," + lits[rnd.nextInt(lits.length)] + "]}").getBytes(UTF_8);
    }

    private static byte[] duplicateKeys(SplittableRandom rnd) {
        return rnd.nextBoolean()
                ? "{\"features\":{\"a\":1,\"b\":2,\"a\":3}}".getBytes(UTF_8)
                : "{\"id\":\"1\",\"id\":\"2\",\"features\":[1]}".getBytes(UTF_8);
    }

    private static byte[] wrongTypes(SplittableRandom rnd) {
        String[] bodies = {"{\"features\":\"x\"}", "{\"features\":[true]}", "{\"features\":{\"a\":\"1\"}}",
                "{\"features\":[null]}", "{\"features\":[[1,2]]}", "{\"features\":7}", "{\"features\":[1],\"id\":{}}",
                "{\"features\":{\"a\":{\"b\":1}}}", "{\"features\":[1],\"id\":1.5}"};
        return bodies[rnd.nextInt(bodies.length)].getBytes(UTF_8);
    }

    private static byte[] mutate(byte[] b, SplittableRandom rnd) {
        byte[] c = b.clone();
        int n = rnd.nextInt(1, 4);
        for (int k = 0; k < n; k++) {
            c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
        }
        return c;
    }
}
