package io.earthmover.features;

import io.earthmover.record.ErrorCode;
import io.earthmover.record.ParsedRecord;
import io.earthmover.record.RecordParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The features a model reads and their order. Named schemas (object records) match values by
 * name and keep the names sorted, so the order never depends on the order fields arrive in;
 * positional schemas (array records) use positions and are named {@code f0..f{n-1}}.
 *
 * <p>With {@code timeOfDay} ({@code features.time.of.day}) two derived features follow the record's
 * own: {@value #TIME_SIN} and {@value #TIME_COS}, the sine and cosine of the record's UTC time of
 * day ({@code ts}, else the Kafka timestamp), so the model can tell a value normal at noon from the
 * same value at midnight (NAB's HTM detector encodes the time of day for the same reason). They are
 * computed here, by the one function trainer and scorer share; a record never carries them.
 *
 * @param recordNames the record's feature names in schema order
 * @param named true for object records, false for array records
 * @param timeOfDay whether the two time-of-day features follow the record's
 */
public record FeatureSchema(List<String> recordNames, boolean named, boolean timeOfDay) {
    public static final String TIME_SIN = "time.sin";
    public static final String TIME_COS = "time.cos";
    private static final double DAY_MS = 86_400_000.0;

    public FeatureSchema {
        Objects.requireNonNull(recordNames, "names");
        recordNames = List.copyOf(recordNames);
        if (recordNames.isEmpty()) {
            throw new IllegalArgumentException("a feature schema needs at least one feature");
        }
        if (named) {
            for (int i = 1; i < recordNames.size(); i++) {
                if (recordNames.get(i - 1).compareTo(recordNames.get(i)) >= 0) {
                    throw new IllegalArgumentException("named feature names must be sorted and unique; '"
                            + recordNames.get(i - 1) + "' comes before '" + recordNames.get(i) + "'");
                }
            }
        } else {
            for (int i = 0; i < recordNames.size(); i++) {
                if (!recordNames.get(i).equals("f" + i)) {
                    throw new IllegalArgumentException("positional feature " + i + " must be named f" + i
                            + ", not '" + recordNames.get(i) + "'");
                }
            }
        }
        if (timeOfDay && (recordNames.contains(TIME_SIN) || recordNames.contains(TIME_COS))) {
            throw new IllegalArgumentException("a record feature is named " + TIME_SIN + " or " + TIME_COS
                    + ", the names of the derived time-of-day features (features.time.of.day)");
        }
    }

    /** Without the time-of-day features. */
    public FeatureSchema(List<String> recordNames, boolean named) {
        this(recordNames, named, false);
    }

    /** This schema with the time-of-day features on or off. */
    public FeatureSchema withTimeOfDay(boolean on) {
        return new FeatureSchema(recordNames, named, on);
    }

    /** A schema for object records with these names (any order, duplicates removed). */
    public static FeatureSchema named(Collection<String> names) {
        return new FeatureSchema(new ArrayList<>(new TreeSet<>(names)), true);
    }

    /** A schema for array records of {@code n} values. */
    public static FeatureSchema positional(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a feature schema needs at least one feature");
        }
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add("f" + i);
        }
        return new FeatureSchema(names, false);
    }

    /**
     * The schema behind a model's feature names ({@link #names()}, as a bundle's manifest lists them):
     * names ending with {@value #TIME_SIN}, {@value #TIME_COS} carry the time-of-day features. That
     * ending is unambiguous: record names of a named schema are sorted, and "time.sin" sorts after
     * "time.cos"; positional names are f0..f{n-1}.
     */
    public static FeatureSchema ofModelNames(List<String> names, boolean named) {
        int n = names.size();
        if (n > 2 && TIME_SIN.equals(names.get(n - 2)) && TIME_COS.equals(names.get(n - 1))) {
            return new FeatureSchema(names.subList(0, n - 2), named, true);
        }
        return new FeatureSchema(names, named, false);
    }

    /** The schema the first training record implies. */
    public static FeatureSchema inferFrom(ParsedRecord first) {
        return first.named() ? named(Arrays.asList(first.names())) : positional(first.values().length);
    }

    /** The model's features: the record's, then the derived ones. */
    public int size() {
        return recordNames.size() + (timeOfDay ? 2 : 0);
    }

    /** The features a record carries (the first {@code recordSize()} of the model's). */
    public int recordSize() {
        return recordNames.size();
    }

    /** The model's feature names: the record's, then the derived ones. */
    public List<String> names() {
        if (!timeOfDay) {
            return recordNames;
        }
        List<String> all = new ArrayList<>(recordNames);
        all.add(TIME_SIN);
        all.add(TIME_COS);
        return List.copyOf(all);
    }

    /** Index of a record feature's name in schema order, or -1 (derived features are never in a record). */
    public int indexOf(String name) {
        if (named) {
            int i = Collections.binarySearch(recordNames, name);
            return i >= 0 ? i : -1;
        }
        return recordNames.indexOf(name);
    }

    /** The record's values in schema order (raw, not normalised), or why they do not fit. */
    public VectorResult vectorise(ParsedRecord r) {
        double[] v = r.values();
        if (!named) {
            if (r.named()) {
                return new VectorResult.Bad(ErrorCode.WRONG_TYPE,
                        "the model expects an array of " + recordSize() + " features, not an object");
            }
            if (v.length != recordSize()) {
                return new VectorResult.Bad(ErrorCode.WRONG_DIMENSION,
                        "the model expects " + recordSize() + " features, the record has " + v.length);
            }
            double[] out = Arrays.copyOf(v, size());
            derive(r.ts(), out);
            return new VectorResult.Ok(out);
        }
        if (!r.named()) {
            return new VectorResult.Bad(ErrorCode.WRONG_TYPE,
                    "the model expects an object of named features " + recordNames + ", not an array");
        }
        double[] out = new double[size()];
        boolean[] seen = new boolean[recordSize()];
        int found = 0;
        String[] rn = r.names();
        for (int i = 0; i < rn.length; i++) {
            int k = indexOf(rn[i]);
            if (k < 0) {
                return new VectorResult.Bad(ErrorCode.UNKNOWN_FEATURE,
                        "feature '" + RecordParser.shorten(rn[i]) + "' is not in the model's schema " + recordNames);
            }
            if (!seen[k]) {
                seen[k] = true;
                found++;
            }
            out[k] = v[i];
        }
        if (found != recordSize()) {
            List<String> missing = new ArrayList<>();
            for (int k = 0; k < seen.length; k++) {
                if (!seen[k]) {
                    missing.add(recordNames.get(k));
                }
            }
            return new VectorResult.Bad(ErrorCode.MISSING_FEATURES, "missing features " + missing);
        }
        derive(r.ts(), out);
        return new VectorResult.Ok(out);
    }

    /** Writes the derived features of a record at {@code ts} after its own values in {@code out}. */
    private void derive(long ts, double[] out) {
        if (timeOfDay) {
            double angle = 2 * Math.PI * (Math.floorMod(ts, (long) DAY_MS) / DAY_MS);
            out[recordSize()] = Math.sin(angle);
            out[recordSize() + 1] = Math.cos(angle);
        }
    }
}
