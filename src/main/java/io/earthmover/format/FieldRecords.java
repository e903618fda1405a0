package io.earthmover.format;

import io.earthmover.record.ErrorCode;
import io.earthmover.record.ParseResult;
import io.earthmover.record.ParsedRecord;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the parsed record of a schema-decoded record, by the rules the JSON contract has for the
 * same fields: {@code id} (optional) a string or an integer, {@code ts} (optional) epoch
 * milliseconds or an ISO-8601 string, else the Kafka timestamp; the features are named numeric
 * fields ({@code input.features}, or every numeric field but {@code id} and {@code ts}). A field of
 * {@code input.features} that the schema lacks or types as non-numeric is {@code SCHEMA_MISMATCH};
 * a null feature value {@code WRONG_TYPE}, NaN or infinity {@code NON_FINITE}; no numeric field at
 * all {@code MISSING_FEATURES}. {@code -0.0} is read as {@code 0.0}, as in JSON.
 */
final class FieldRecords {
    static final String ID = "id";
    static final String TS = "ts";

    private FieldRecords() {
    }

    static ParseResult toParsed(DecodedFields d, List<String> features, long kafkaTimestamp) {
        List<String> names = features;
        if (names.isEmpty()) {
            names = new ArrayList<>(d.numericFields());
            names.remove(ID);
            names.remove(TS);
            if (names.isEmpty()) {
                return ParseResult.rejected(ErrorCode.MISSING_FEATURES, "the record's schema has no numeric field besides id and ts");
            }
        }
        String[] nm = new String[names.size()];
        double[] vals = new double[names.size()];
        ErrorCode code = null;
        String message = null;
        for (int i = 0; i < nm.length; i++) {
            String f = names.get(i);
            nm[i] = f;
            DecodedFields.Kind k = d.kind(f);
            if (k == DecodedFields.Kind.ABSENT) {
                return ParseResult.rejected(ErrorCode.SCHEMA_MISMATCH, "the record's schema has no field '" + f + "' (input.features)");
            }
            if (k != DecodedFields.Kind.NUMBER) {
                return ParseResult.rejected(ErrorCode.SCHEMA_MISMATCH, "field '" + f + "' is " + d.typeName(f)
                        + " in the record's schema, not a number (input.features)");
            }
            Object v = d.value(f);
            if (!(v instanceof Number n)) {
                if (code == null) {
                    code = ErrorCode.WRONG_TYPE;
                    message = "features." + f + " must be a number, got null";
                }
                continue;
            }
            double x = n.doubleValue();
            if (!Double.isFinite(x) && code == null) {
                code = ErrorCode.NON_FINITE;
                message = "features." + f + " is not finite: " + x;
            }
            vals[i] = x + 0.0; // folds -0.0 into 0.0
        }
        String id = null;
        switch (d.kind(ID)) {
            case ABSENT -> { }
            case STRING -> id = d.value(ID) == null ? null : d.value(ID).toString();
            case NUMBER -> {
                Object v = d.value(ID);
                if (v instanceof Integer || v instanceof Long) {
                    id = v.toString();
                } else if (v != null && code == null) {
                    code = ErrorCode.WRONG_TYPE;
                    message = "'id' must be a string or an integer, got " + d.typeName(ID);
                }
            }
            default -> {
                if (d.value(ID) != null && code == null) {
                    code = ErrorCode.WRONG_TYPE;
                    message = "'id' must be a string or an integer, got " + d.typeName(ID);
                }
            }
        }
        long ts = kafkaTimestamp;
        Object t = d.kind(TS) == DecodedFields.Kind.ABSENT ? null : d.value(TS);
        if (t != null && code == null) {
            if (t instanceof Integer || t instanceof Long) {
                long l = ((Number) t).longValue();
                if (l < 0) {
                    code = ErrorCode.INVALID_TIMESTAMP;
                    message = "'ts' must not be negative: " + l;
                } else {
                    ts = l;
                }
            } else if (t instanceof CharSequence s) {
                try {
                    ts = parseIso(s.toString());
                } catch (DateTimeException | ArithmeticException e) {
                    code = ErrorCode.INVALID_TIMESTAMP;
                    message = "'ts' is not epoch millis or ISO-8601: " + shorten(s.toString());
                }
            } else {
                code = ErrorCode.INVALID_TIMESTAMP;
                message = "'ts' must be epoch millis (an integer) or an ISO-8601 string, got " + d.typeName(TS);
            }
        }
        if (code != null) {
            return ParseResult.rejected(code, message);
        }
        return new ParseResult.Accepted(new ParsedRecord(id, ts, nm, vals));
    }

    private static long parseIso(String s) {
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeException e) {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        }
    }

    private static String shorten(String s) {
        return io.earthmover.record.RecordParser.shorten(s);
    }
}
