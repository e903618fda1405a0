package io.earthmover.features;

import io.earthmover.record.ErrorCode;

/** TEMPORARY stand-in until the engine branch lands. */
public sealed interface VectorResult permits VectorResult.Ok, VectorResult.Bad {
    record Ok(double[] values) implements VectorResult {
    }

    record Bad(ErrorCode code, String message) implements VectorResult {
    }
}
