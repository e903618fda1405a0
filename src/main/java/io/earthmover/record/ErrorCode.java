package io.earthmover.record;

/**
 * Why a record was sent to the dead-letter topic. The names are part of the public contract
 * (header {@code error.code} on {@code events-dlq}); add codes, never rename them.
 */
public enum ErrorCode {
    /** The Kafka record value is null (a tombstone). */
    NULL_VALUE,
    /** The value has zero bytes. */
    EMPTY_PAYLOAD,
    /** The value is larger than {@code record.max.bytes}. */
    TOO_LARGE,
    /** The value is not valid UTF-8, or is UTF-16/UTF-32 text (a NUL byte among its first two). */
    INVALID_UTF8,
    /** The value is not syntactically valid JSON (truncated, trailing garbage, bad literal). */
    MALFORMED_JSON,
    /** JSON nesting is deeper than the parser allows. */
    TOO_DEEP,
    /** The top-level JSON value is not an object. */
    NOT_AN_OBJECT,
    /** A field name appears twice in one object, anywhere in the record (ignored fields too). */
    DUPLICATE_FIELD,
    /** There is no {@code features} field, it is empty, or a named feature the model needs is absent. */
    MISSING_FEATURES,
    /** A field has the wrong JSON type (a string where a number belongs, a nested array, ...). */
    WRONG_TYPE,
    /**
     * A feature value is NaN, Infinity, overflows a double, or is too far outside the model's range to be
     * scored; or a NaN/Infinity literal (not JSON) appears anywhere else in the record.
     */
    NON_FINITE,
    /** {@code ts} is neither epoch milliseconds nor an ISO-8601 instant. */
    INVALID_TIMESTAMP,
    /** An array record's length differs from the model's feature count. */
    WRONG_DIMENSION,
    /** A named feature is not in the model's feature schema. */
    UNKNOWN_FEATURE,
    /**
     * {@code input.format=avro|protobuf}: the record's schema cannot be had: the value carries no registry
     * schema reference (not written by a registry serializer), the registry does not know the id, or the
     * registry cannot be reached.
     */
    SCHEMA_UNAVAILABLE,
    /**
     * {@code input.format=avro|protobuf}: the record does not match what is expected of it: its bytes do not
     * decode with their schema, or the decoded record lacks a field of {@code input.features} or has one that
     * is not numeric.
     */
    SCHEMA_MISMATCH,
    /** No model was loaded when the record was processed. */
    NO_MODEL,
    /** Kafka Streams could not deserialise the record (handler of last resort). */
    DESERIALIZATION_ERROR,
    /** An unexpected processing failure (handler of last resort; a bug if it is ever seen). */
    PROCESSING_ERROR,
    /** Kafka refused an output record (counted and logged; handler of last resort). */
    PRODUCTION_ERROR
}
