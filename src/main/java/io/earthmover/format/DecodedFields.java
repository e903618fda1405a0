package io.earthmover.format;

import java.util.List;

/**
 * A record decoded with its schema (an Avro {@code GenericRecord}, a Protobuf message), seen as
 * named top-level fields: what {@link FieldRecords} needs to build the parsed record.
 */
interface DecodedFields {
    /** What the schema says a field is. */
    enum Kind {
        /** not in the record's schema */
        ABSENT,
        /** int, long, float or double (Avro: also a union of null and one of them) */
        NUMBER,
        /** a string */
        STRING,
        /** anything else: boolean, bytes, record, array, map, enum, ... */
        OTHER
    }

    Kind kind(String field);

    /** The schema's type of a field, for messages. */
    String typeName(String field);

    /** The field's value: a Number, a CharSequence, null (an Avro null, an unset Protobuf field with presence). */
    Object value(String field);

    /** The names of the top-level numeric fields, in schema order. */
    List<String> numericFields();
}
