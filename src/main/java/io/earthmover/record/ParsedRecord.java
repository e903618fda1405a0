package io.earthmover.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * A syntactically valid input record: its optional id, its event time and its feature values.
 *
 * @param id     the record's {@code id} field, or null when absent
 * @param ts     event time in epoch milliseconds ({@code ts} field, else the Kafka timestamp)
 * @param names  feature names in record order for object records; null for array records
 * @param values feature values in record order; every value is finite
 */
public record ParsedRecord(String id, long ts, String[] names, double[] values) {
    public ParsedRecord {
        Objects.requireNonNull(values, "values");
        if (names != null && names.length != values.length) {
            throw new IllegalArgumentException("names and values differ in length");
        }
    }

    /** True for {@code "features": {...}} records, false for {@code "features": [...]}. */
    public boolean named() {
        return names != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParsedRecord p && ts == p.ts && Objects.equals(id, p.id)
                && Arrays.equals(names, p.names) && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, ts, Arrays.hashCode(names), Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "ParsedRecord[id=" + id + ", ts=" + ts + ", names=" + Arrays.toString(names)
                + ", values=" + Arrays.toString(values) + "]";
    }
}
