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
 * @param names feature names in schema order
 * @param named true for object records, false for array records
 */
public record FeatureSchema(List<String> names, boolean named) {
    public FeatureSchema {
        Objects.requireNonNull(names, "names");
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a feature schema needs at least one feature");
        }
        if (named) {
            for (int i = 1; i < names.size(); i++) {
                if (names.get(i - 1).compareTo(names.get(i)) >= 0) {
                    throw new IllegalArgumentException("named feature names must be sorted and unique; '"
                            + names.get(i - 1) + "' comes before '" + names.get(i) + "'");
                }
            }
        } else {
            for (int i = 0; i < names.size(); i++) {
                if (!names.get(i).equals("f" + i)) {
                    throw new IllegalArgumentException("positional feature " + i + " must be named f" + i
                            + ", not '" + names.get(i) + "'");
                }
            }
        }
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

    /** The schema the first training record implies. */
    public static FeatureSchema inferFrom(ParsedRecord first) {
        return first.named() ? named(Arrays.asList(first.names())) : positional(first.values().length);
    }

    public int size() {
        return names.size();
    }

    /** Index of a feature name in schema order, or -1. */
    public int indexOf(String name) {
        if (named) {
            int i = Collections.binarySearch(names, name);
            return i >= 0 ? i : -1;
        }
        return names.indexOf(name);
    }

    /** The record's values in schema order (raw, not normalised), or why they do not fit. */
    public VectorResult vectorise(ParsedRecord r) {
        double[] v = r.values();
        if (!named) {
            if (r.named()) {
                return new VectorResult.Bad(ErrorCode.WRONG_TYPE,
                        "the model expects an array of " + size() + " features, not an object");
            }
            if (v.length != size()) {
                return new VectorResult.Bad(ErrorCode.WRONG_DIMENSION,
                        "the model expects " + size() + " features, the record has " + v.length);
            }
            return new VectorResult.Ok(v.clone());
        }
        if (!r.named()) {
            return new VectorResult.Bad(ErrorCode.WRONG_TYPE,
                    "the model expects an object of named features " + names + ", not an array");
        }
        double[] out = new double[size()];
        boolean[] seen = new boolean[size()];
        int found = 0;
        String[] rn = r.names();
        for (int i = 0; i < rn.length; i++) {
            int k = indexOf(rn[i]);
            if (k < 0) {
                return new VectorResult.Bad(ErrorCode.UNKNOWN_FEATURE,
                        "feature '" + RecordParser.shorten(rn[i]) + "' is not in the model's schema " + names);
            }
            if (!seen[k]) {
                seen[k] = true;
                found++;
            }
            out[k] = v[i];
        }
        if (found != size()) {
            List<String> missing = new ArrayList<>();
            for (int k = 0; k < seen.length; k++) {
                if (!seen[k]) {
                    missing.add(names.get(k));
                }
            }
            return new VectorResult.Bad(ErrorCode.MISSING_FEATURES, "missing features " + missing);
        }
        return new VectorResult.Ok(out);
    }
}
