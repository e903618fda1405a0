package io.earthmover.format;

import io.apicurio.registry.rest.client.models.ProblemDetails;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.protobuf.ProtobufKafkaDeserializer;
import io.earthmover.record.ErrorCode;
import io.earthmover.record.ParseResult;
import io.earthmover.record.RecordDecoder;
import java.io.EOFException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@code input.format=avro|protobuf}: the value is decoded by Apicurio Registry's Kafka
 * deserializer (the schema fetched from the registry by the id the serializer wrote, and cached),
 * then read as named fields by {@link FieldRecords}. The size checks come first, as for JSON:
 * {@code NULL_VALUE}, {@code EMPTY_PAYLOAD}, {@code TOO_LARGE}. A value whose schema cannot be had
 * is {@code SCHEMA_UNAVAILABLE}; one whose bytes do not decode with it, or whose fields do not
 * give the features, {@code SCHEMA_MISMATCH}.
 */
public final class RegistryDecoder implements RecordDecoder {
    /** Apicurio's serde setting for the registry's address (v3 API). */
    public static final String REGISTRY_URL = "apicurio.registry.url";

    private final Deserializer<?> deserializer;
    private final List<String> features;
    private final int maxBytes;

    RegistryDecoder(Deserializer<?> deserializer, List<String> features, int maxBytes) {
        this.deserializer = deserializer;
        this.features = List.copyOf(features);
        this.maxBytes = maxBytes;
    }

    static RegistryDecoder create(InputSettings s, int maxBytes) {
        Map<String, Object> conf = new HashMap<>();
        conf.put(REGISTRY_URL, s.registryUrl());
        Deserializer<?> d = switch (s.format()) {
            case AVRO -> new AvroKafkaDeserializer<GenericRecord>();
            case PROTOBUF -> new ProtobufKafkaDeserializer<com.google.protobuf.Message>();
            case JSON -> throw new IllegalArgumentException("JSON has no registry decoder");
        };
        d.configure(conf, false);
        return new RegistryDecoder(d, s.features(), maxBytes);
    }

    @Override
    public ParseResult decode(byte[] value, Headers headers, long kafkaTimestamp) {
        if (value == null) {
            return ParseResult.rejected(ErrorCode.NULL_VALUE, "record value is null");
        }
        if (value.length == 0) {
            return ParseResult.rejected(ErrorCode.EMPTY_PAYLOAD, "record value is empty");
        }
        if (value.length > maxBytes) {
            return ParseResult.rejected(ErrorCode.TOO_LARGE, "record is " + value.length + " bytes, the limit is " + maxBytes);
        }
        Object decoded;
        try {
            decoded = headers == null ? deserializer.deserialize(null, value)
                    : deserializer.deserialize(null, headers, value);
        } catch (RuntimeException | StackOverflowError e) {
            return failure(e);
        }
        DecodedFields fields;
        if (decoded instanceof GenericRecord g) {
            fields = new AvroFields(g);
        } else if (decoded instanceof com.google.protobuf.Message m) {
            fields = new ProtobufFields(m);
        } else {
            return ParseResult.rejected(ErrorCode.SCHEMA_MISMATCH, "the record's schema is not a record or message but "
                    + (decoded == null ? "null" : decoded.getClass().getSimpleName()));
        }
        return FieldRecords.toParsed(fields, features, kafkaTimestamp);
    }

    /** The code of a deserializer failure: its bytes against their schema, or the schema itself. */
    static ParseResult failure(Throwable e) {
        ErrorCode code = classify(e);
        String why = code == ErrorCode.SCHEMA_UNAVAILABLE
                ? "the record's schema cannot be fetched (no registry schema reference in it, an id the registry does not know,"
                        + " or the registry unreachable): "
                : "the record's bytes do not decode with their schema: ";
        return ParseResult.rejected(code, shortened(why + describe(e)));
    }

    private static String shortened(String m) {
        return m.length() <= 1000 ? m : m.substring(0, 1000) + "...";
    }

    static ErrorCode classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String cls = t.getClass().getName();
            if (cls.startsWith("org.apache.avro.") || cls.startsWith("com.google.protobuf.")
                    || t instanceof EOFException || t instanceof IndexOutOfBoundsException
                    || t instanceof NegativeArraySizeException || t instanceof StackOverflowError
                    || t instanceof java.nio.BufferUnderflowException) {
                return ErrorCode.SCHEMA_MISMATCH;
            }
        }
        return ErrorCode.SCHEMA_UNAVAILABLE;
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 600; t = t.getCause() == t ? null : t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            if (t instanceof ProblemDetails pd) {
                // the registry's answer: its status and what it says
                sb.append("registry answered ").append(pd.getStatus()).append(' ').append(pd.getTitle())
                        .append(pd.getDetail() == null ? "" : ": " + pd.getDetail());
                break;
            }
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
