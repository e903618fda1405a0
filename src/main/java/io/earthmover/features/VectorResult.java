package io.earthmover.features;

import io.earthmover.record.ErrorCode;

/** The outcome of {@link FeatureSchema#vectorise}: raw values in schema order, or why not. */
public sealed interface VectorResult {
    /** @param values raw (unnormalised) values in schema order */
    record Ok(double[] values) implements VectorResult {
    }

    record Bad(ErrorCode code, String message) implements VectorResult {
    }
}
