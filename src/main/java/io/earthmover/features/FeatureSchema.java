package io.earthmover.features;

import io.earthmover.record.ErrorCode;
import io.earthmover.record.ParsedRecord;
import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;

/** TEMPORARY stand-in until the engine branch lands. */
public record FeatureSchema(List<String> names, boolean named) {
    public static FeatureSchema named(Collection<String> names) {
        return new FeatureSchema(names.stream().sorted().toList(), true);
    }

    public static FeatureSchema positional(int n) {
        return new FeatureSchema(IntStream.range(0, n).mapToObj(i -> "f" + i).toList(), false);
    }

    public int size() {
        return names.size();
    }

    public VectorResult vectorise(ParsedRecord r) {
        if (r.named() != named) {
            return new VectorResult.Bad(ErrorCode.WRONG_TYPE, "record kind does not match the schema");
        }
        double[] out = new double[size()];
        if (!named) {
            if (r.values().length != size()) {
                return new VectorResult.Bad(ErrorCode.WRONG_DIMENSION, "expected " + size() + " values, got " + r.values().length);
            }
            return new VectorResult.Ok(r.values().clone());
        }
        boolean[] seen = new boolean[size()];
        for (int i = 0; i < r.names().length; i++) {
            int j = names.indexOf(r.names()[i]);
            if (j < 0) {
                return new VectorResult.Bad(ErrorCode.UNKNOWN_FEATURE, "unknown feature '" + r.names()[i] + "'");
            }
            out[j] = r.values()[i];
            seen[j] = true;
        }
        for (int j = 0; j < seen.length; j++) {
            if (!seen[j]) {
                return new VectorResult.Bad(ErrorCode.MISSING_FEATURES, "missing feature '" + names.get(j) + "'");
            }
        }
        return new VectorResult.Ok(out);
    }
}
