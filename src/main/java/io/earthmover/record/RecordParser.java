package io.earthmover.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;

/**
 * Turns the bytes of an {@code events-in} record into a {@link ParseResult}: exactly one of
 * accepted or rejected with an {@link ErrorCode}. Pure and thread-safe; no exception escapes.
 *
 * <p>Syntax wins over meaning: a record that is both truncated and holds a NaN or a duplicate
 * name is {@code MALFORMED_JSON}, so the code does not depend on where the damage happens to be;
 * among the faults of a well-formed record a duplicate name wins, then the first other one.
 * Unknown top-level fields are ignored, so producers may wrap extra metadata around a record, but
 * they must still be JSON: a duplicate name or a NaN/Infinity literal in them is refused too.
 *
 * <p>Names, strings and numbers have no length limit of their own (Jackson's defaults would
 * report a 60,000-character name as a size problem): each is bounded by {@code maxBytes} only.
 * A feature value is read as the nearest double, whatever its length.
 */
public final class RecordParser implements RecordDecoder {
    /** Default size limit of one record value: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;
    /** Default JSON nesting limit; a valid record needs 2 levels. */
    public static final int DEFAULT_MAX_DEPTH = 32;
    /** Digits of the largest epoch-millisecond {@code ts} (Long.MAX_VALUE has 19). */
    private static final int MAX_LONG_DIGITS = 19;

    private final JsonFactory factory;
    private final int maxBytes;

    public RecordParser() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH);
    }

    public RecordParser(int maxBytes, int maxDepth) {
        if (maxBytes <= 0 || maxDepth < 2) {
            throw new IllegalArgumentException("maxBytes must be > 0 and maxDepth >= 2");
        }
        this.maxBytes = maxBytes;
        this.factory = JsonFactory.builder()
                // no shared symbol table: long names would pile up in it and slow every later parse
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                // NaN/Infinity literals parse, so that they can be rejected as NON_FINITE, not as syntax
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                // duplicates are found by the Reader, which goes on to the end so that syntax still wins
                .disable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // FastDoubleParser: correctly rounded like Double.parseDouble (the same double for every
                // text), several times faster; Java 17's parser was 4 % of the scoring thread's samples
                .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxStringLength(maxBytes)
                        .maxNameLength(maxBytes)
                        .maxNumberLength(maxBytes)
                        .build())
                .build();
    }

    public int maxBytes() {
        return maxBytes;
    }

    @Override
    public ParseResult decode(byte[] value, org.apache.kafka.common.header.Headers headers, long kafkaTimestamp) {
        return parse(value, kafkaTimestamp);
    }

    /**
     * Parses one record value.
     *
     * @param value          the Kafka record value, possibly null
     * @param kafkaTimestamp the Kafka record timestamp, used when the record has no {@code ts}
     */
    public ParseResult parse(byte[] value, long kafkaTimestamp) {
        if (value == null) {
            return ParseResult.rejected(ErrorCode.NULL_VALUE, "record value is null");
        }
        if (value.length == 0) {
            return ParseResult.rejected(ErrorCode.EMPTY_PAYLOAD, "record value is empty");
        }
        if (value.length > maxBytes) {
            return ParseResult.rejected(ErrorCode.TOO_LARGE,
                    "record is " + value.length + " bytes, the limit is " + maxBytes);
        }
        if (!Utf8.isValid(value)) {
            return ParseResult.rejected(ErrorCode.INVALID_UTF8, "record is not valid UTF-8");
        }
        String wide = Utf8.wideEncoding(value);
        if (wide != null) {
            // Jackson would detect this encoding from the NUL bytes and decode it: the contract is UTF-8 only
            return ParseResult.rejected(ErrorCode.INVALID_UTF8, "record is " + wide + " (a NUL byte among the first two), not UTF-8");
        }
        try (JsonParser p = factory.createParser(value)) {
            return new Reader(p, kafkaTimestamp).read();
        } catch (StreamConstraintsException e) {
            return constraint(e);
        } catch (JsonProcessingException e) {
            return ParseResult.rejected(ErrorCode.MALFORMED_JSON, shorten(e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            // the parser reads a byte array, so this is a malformed-input path inside Jackson
            return ParseResult.rejected(ErrorCode.MALFORMED_JSON, shorten(String.valueOf(e.getMessage())));
        } catch (StackOverflowError e) {
            return ParseResult.rejected(ErrorCode.TOO_DEEP, "nesting too deep");
        }
    }

    private static ParseResult constraint(StreamConstraintsException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.contains("depth")) {
            return ParseResult.rejected(ErrorCode.TOO_DEEP, shorten(m));
        }
        return ParseResult.rejected(ErrorCode.TOO_LARGE, shorten(m));
    }

    /** Shortens text quoted in a message (a name may be as long as the record). */
    public static String shorten(String m) {
        if (m == null) {
            return "unparseable";
        }
        return m.length() <= 200 ? m : m.substring(0, 200) + "... (" + m.length() + " chars)";
    }

    /**
     * Per-call state: the first duplicate name and the first other semantic problem are
     * remembered, syntax is still checked to the end.
     */
    private static final class Reader {
        private final JsonParser p;
        private final long kafkaTimestamp;
        private ErrorCode problem;
        private String problemMessage;
        private String duplicate;
        private String id;
        private Long ts;
        private boolean sawFeatures;
        private String[] names;
        private double[] values = new double[16];
        private int count;

        Reader(JsonParser p, long kafkaTimestamp) {
            this.p = p;
            this.kafkaTimestamp = kafkaTimestamp;
        }

        ParseResult read() throws IOException {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                skipValue(t);
                expectEnd();
                return ParseResult.rejected(ErrorCode.NOT_AN_OBJECT,
                        "top-level JSON value must be an object, got " + describe(t));
            }
            SeenNames fields = new SeenNames();
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                checkDuplicate(fields, field, "");
                JsonToken v = p.nextToken();
                switch (field) {
                    case "features" -> readFeatures(v);
                    case "ts" -> readTs(v);
                    case "id" -> readId(v);
                    default -> skipValue(v);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return ParseResult.rejected(ErrorCode.MALFORMED_JSON, "unexpected " + describe(t));
            }
            expectEnd();
            if (duplicate != null) {
                return ParseResult.rejected(ErrorCode.DUPLICATE_FIELD, duplicate);
            }
            if (problem != null) {
                return ParseResult.rejected(problem, problemMessage);
            }
            if (!sawFeatures) {
                return ParseResult.rejected(ErrorCode.MISSING_FEATURES, "no 'features' field");
            }
            if (count == 0) {
                return ParseResult.rejected(ErrorCode.MISSING_FEATURES, "'features' is empty");
            }
            double[] vals = Arrays.copyOf(values, count);
            String[] nm = names == null ? null : Arrays.copyOf(names, count);
            return new ParseResult.Accepted(new ParsedRecord(id, ts == null ? kafkaTimestamp : ts, nm, vals));
        }

        private void expectEnd() throws IOException {
            JsonToken extra = p.nextToken();
            if (extra != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "trailing content after the JSON value");
            }
        }

        private void flag(ErrorCode code, String message) {
            if (problem == null) {
                problem = code;
                problemMessage = message;
            }
        }

        private void checkDuplicate(SeenNames seen, String name, String where) {
            if (!seen.add(name) && duplicate == null) {
                duplicate = "duplicate field '" + shorten(where + name) + "'";
            }
        }

        private void readFeatures(JsonToken v) throws IOException {
            sawFeatures = true;
            if (v == JsonToken.START_OBJECT) {
                names = new String[16];
                SeenNames seen = new SeenNames();
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    checkDuplicate(seen, name, "features.");
                    JsonToken nv = p.nextToken();
                    add(name, nv);
                }
                if (t != JsonToken.END_OBJECT) {
                    throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + describe(t));
                }
            } else if (v == JsonToken.START_ARRAY) {
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) {
                        throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of input");
                    }
                    add(null, t);
                }
            } else {
                skipValue(v);
                flag(ErrorCode.WRONG_TYPE, "'features' must be an object or an array, got " + describe(v));
            }
        }

        private void add(String name, JsonToken v) throws IOException {
            String where = name == null ? "features[" + count + "]" : "features." + shorten(name);
            if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                skipValue(v);
                flag(ErrorCode.WRONG_TYPE, where + " must be a number, got " + describe(v));
                return;
            }
            double d = p.getDoubleValue();
            if (!Double.isFinite(d)) {
                flag(ErrorCode.NON_FINITE, where + " is not finite: " + p.getText());
                return;
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
                if (names != null) {
                    names = Arrays.copyOf(names, count * 2);
                }
            }
            if (names != null) {
                names[count] = name;
            }
            values[count++] = d + 0.0; // folds -0.0 into 0.0
        }

        private void readTs(JsonToken v) throws IOException {
            if (v == JsonToken.VALUE_NUMBER_INT) {
                // the length first: a BigInteger of a record-sized number costs quadratic time
                if (p.getTextLength() > MAX_LONG_DIGITS || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    flag(ErrorCode.INVALID_TIMESTAMP, "'ts' out of range: " + shorten(p.getText()));
                    return;
                }
                long l = p.getLongValue();
                if (l < 0) {
                    flag(ErrorCode.INVALID_TIMESTAMP, "'ts' must not be negative: " + l);
                    return;
                }
                ts = l;
            } else if (v == JsonToken.VALUE_STRING) {
                String s = p.getText();
                try {
                    ts = parseIso(s);
                } catch (DateTimeException | ArithmeticException e) {
                    flag(ErrorCode.INVALID_TIMESTAMP, "'ts' is not epoch millis or ISO-8601: " + shorten(s));
                }
            } else {
                skipValue(v);
                flag(ErrorCode.INVALID_TIMESTAMP, "'ts' must be epoch millis or an ISO-8601 string, got " + describe(v));
            }
        }

        private static long parseIso(String s) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeException e) {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            }
        }

        private void readId(JsonToken v) throws IOException {
            if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
                id = p.getText();
            } else if (v != JsonToken.VALUE_NULL) {
                skipValue(v);
                flag(ErrorCode.WRONG_TYPE, "'id' must be a string or an integer, got " + describe(v));
            }
        }

        /**
         * Reads past a value the record does not use, still checking that it is JSON: no
         * duplicate names, no NaN/Infinity literals. Recursion is bounded by the nesting limit.
         */
        private void skipValue(JsonToken v) throws IOException {
            if (v == null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected end of input");
            }
            if (v == JsonToken.START_OBJECT) {
                SeenNames seen = new SeenNames();
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    checkDuplicate(seen, p.currentName(), "");
                    skipValue(p.nextToken());
                }
                if (t != JsonToken.END_OBJECT) {
                    throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected " + describe(t));
                }
            } else if (v == JsonToken.START_ARRAY) {
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    skipValue(t);
                }
            } else if (v == JsonToken.VALUE_NUMBER_FLOAT && p.isNaN()) {
                flag(ErrorCode.NON_FINITE, "'" + p.getText() + "' is not JSON (RFC 8259 has no NaN or Infinity), in an ignored field");
            }
        }

        private static String describe(JsonToken t) {
            if (t == null) {
                return "end of input";
            }
            return switch (t) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                default -> t.name();
            };
        }
    }
}
