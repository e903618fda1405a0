package io.earthmover.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.earthmover.config.ConfigException;
import io.earthmover.config.ConfigKeys;
import io.earthmover.config.EarthmoverConfig;
import io.earthmover.harness.demo.DemoStream;
import io.earthmover.record.ErrorCode;
import io.earthmover.record.ParseResult;
import io.earthmover.record.ParsedRecord;
import io.earthmover.record.RecordParser;
import java.io.EOFException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

/**
 * The decoding step of input.format=avro|protobuf without a registry: a stand-in deserializer hands
 * over the decoded record (or fails as Apicurio's does), and the parsed record must be the one the
 * JSON path gives for the same record.
 */
class RegistryDecoderTest {
    private static final byte[] SOME_BYTES = {0, 0, 0, 0, 1, 2};
    private static final List<String> F = DemoStream.FEATURES;
    private static final DemoStream.Event EVENT = new DemoStream(1, 3, 1_767_225_600_000L).normal(0, 1).get(0);

    private static RegistryDecoder decoder(Function<byte[], Object> d, List<String> features) {
        Deserializer<Object> des = (topic, data) -> d.apply(data);
        return new RegistryDecoder(des, features, 1024);
    }

    private static ParseResult decode(Object decoded, List<String> features) {
        return decoder(b -> decoded, features).decode(SOME_BYTES, null, 99L);
    }

    private static ParsedRecord jsonRecord() {
        return ((ParseResult.Accepted) new RecordParser().parse(EVENT.json("e-1").getBytes(StandardCharsets.UTF_8), 99L)).record();
    }

    private static ErrorCode code(ParseResult r) {
        return r instanceof ParseResult.Rejected x ? x.code() : null;
    }

    @Test
    void avroAndProtobufGiveTheParsedRecordJsonGives() {
        ParsedRecord json = jsonRecord();
        ParseResult avro = decode(FormatRecords.avro(FormatRecords.avroSchema(F), "e-1", EVENT), F);
        ParseResult proto = decode(FormatRecords.proto(FormatRecords.protoDescriptor("Event", F), "e-1", EVENT), F);
        assertThat(avro).isEqualTo(new ParseResult.Accepted(json));
        assertThat(proto).isEqualTo(new ParseResult.Accepted(json));
        // unset input.features: every numeric field but id and ts, in schema order
        assertThat(decode(FormatRecords.avro(FormatRecords.avroSchema(F), "e-1", EVENT), List.of())).isEqualTo(avro);
        assertThat(decode(FormatRecords.proto(FormatRecords.protoDescriptor("Event", F), "e-1", EVENT), List.of())).isEqualTo(proto);
    }

    @Test
    void idAndTsAreOptionalAsInJson() {
        Schema s = SchemaBuilder.record("R").fields().optionalString("id").optionalLong("ts").requiredDouble("cpu").endRecord();
        GenericRecord r = new GenericData.Record(s);
        r.put("cpu", -0.0);
        ParsedRecord p = ((ParseResult.Accepted) decode(r, List.of("cpu"))).record();
        assertThat(p.id()).isNull();
        assertThat(p.ts()).isEqualTo(99L);
        assertThat(p.values()).containsExactly(0.0);
        assertThat(Double.doubleToRawLongBits(p.values()[0])).isZero();

        Schema noIdTs = SchemaBuilder.record("R").fields().requiredInt("cpu").requiredLong("mem").endRecord();
        GenericRecord r2 = new GenericData.Record(noIdTs);
        r2.put("cpu", 3);
        r2.put("mem", 4L);
        assertThat(((ParseResult.Accepted) decode(r2, List.of())).record())
                .isEqualTo(new ParsedRecord(null, 99L, new String[] {"cpu", "mem"}, new double[] {3, 4}));

        Schema intId = SchemaBuilder.record("R").fields().requiredLong("id").requiredString("ts").requiredFloat("cpu").endRecord();
        GenericRecord r3 = new GenericData.Record(intId);
        r3.put("id", 42L);
        r3.put("ts", "2026-01-01T00:00:06Z");
        r3.put("cpu", 0.5f);
        assertThat(((ParseResult.Accepted) decode(r3, List.of())).record())
                .isEqualTo(new ParsedRecord("42", 1_767_225_606_000L, new String[] {"cpu"}, new double[] {0.5}));

        // proto3: an id or ts at its default is unset
        Descriptors.Descriptor d = FormatRecords.protoDescriptor("P", List.of("cpu"));
        DynamicMessage m = DynamicMessage.newBuilder(d).setField(d.findFieldByName("cpu"), 1.5).build();
        assertThat(((ParseResult.Accepted) decode(m, List.of())).record())
                .isEqualTo(new ParsedRecord(null, 99L, new String[] {"cpu"}, new double[] {1.5}));
    }

    @Test
    void aMissingOrNonNumericFeatureFieldIsSchemaMismatch() {
        Schema s = SchemaBuilder.record("R").fields().requiredString("id").requiredString("cpu").requiredDouble("mem")
                .requiredBoolean("up").endRecord();
        GenericRecord r = new GenericData.Record(s);
        r.put("id", "a");
        r.put("cpu", "0.5");
        r.put("mem", 1.0);
        r.put("up", true);
        assertThat(code(decode(r, List.of("mem", "disk")))).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        ParseResult.Rejected x = (ParseResult.Rejected) decode(r, List.of("cpu", "mem"));
        assertThat(x.code()).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        assertThat(x.message()).contains("'cpu'", "Avro string");
        assertThat(code(decode(r, List.of("up")))).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        // nothing is coerced: a string "0.5" is not a number; unset features skip it
        assertThat(((ParseResult.Accepted) decode(r, List.of())).record().names()).containsExactly("mem");

        Descriptors.Descriptor d = FormatRecords.protoDescriptor("P", List.of("cpu"));
        DynamicMessage m = DynamicMessage.newBuilder(d).setField(d.findFieldByName("cpu"), 1.5).build();
        assertThat(code(decode(m, List.of("cpu", "mem")))).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        assertThat(code(decode(m, List.of("id")))).isEqualTo(ErrorCode.SCHEMA_MISMATCH);

        Schema none = SchemaBuilder.record("R").fields().requiredString("id").requiredLong("ts").endRecord();
        GenericRecord n = new GenericData.Record(none);
        n.put("id", "a");
        n.put("ts", 1L);
        assertThat(code(decode(n, List.of()))).isEqualTo(ErrorCode.MISSING_FEATURES);
    }

    @Test
    void valueFaultsGetTheJsonCodes() {
        Schema s = SchemaBuilder.record("R").fields().optionalDouble("cpu").requiredDouble("mem").optionalLong("ts")
                .name("id").type().booleanType().booleanDefault(false).endRecord();
        GenericRecord r = new GenericData.Record(s);
        r.put("cpu", null);
        r.put("mem", 1.0);
        r.put("id", false);
        assertThat(code(decode(r, List.of("cpu", "mem")))).isEqualTo(ErrorCode.WRONG_TYPE);
        r.put("cpu", Double.NaN);
        assertThat(code(decode(r, List.of("cpu", "mem")))).isEqualTo(ErrorCode.NON_FINITE);
        r.put("cpu", Double.POSITIVE_INFINITY);
        assertThat(code(decode(r, List.of("cpu")))).isEqualTo(ErrorCode.NON_FINITE);
        r.put("cpu", 2.0);
        assertThat(code(decode(r, List.of("cpu")))).isEqualTo(ErrorCode.WRONG_TYPE); // a boolean id
        r.put("id", null);
        r.put("ts", -5L);
        assertThat(code(decode(r, List.of("cpu")))).isEqualTo(ErrorCode.INVALID_TIMESTAMP);

        Schema strTs = SchemaBuilder.record("R").fields().requiredString("ts").requiredDouble("cpu").endRecord();
        GenericRecord t = new GenericData.Record(strTs);
        t.put("ts", "yesterday");
        t.put("cpu", 1.0);
        assertThat(code(decode(t, List.of()))).isEqualTo(ErrorCode.INVALID_TIMESTAMP);

        Descriptors.Descriptor d = FormatRecords.protoDescriptor("P", List.of("cpu"));
        DynamicMessage m = DynamicMessage.newBuilder(d).setField(d.findFieldByName("cpu"), Double.NaN).build();
        assertThat(code(decode(m, List.of()))).isEqualTo(ErrorCode.NON_FINITE);
        assertThat(code(decode(DynamicMessage.newBuilder(d).setField(d.findFieldByName("ts"), -1L).build(), List.of())))
                .isEqualTo(ErrorCode.INVALID_TIMESTAMP);
    }

    @Test
    void sizeChecksComeFirst() {
        RegistryDecoder dec = decoder(b -> {
            throw new AssertionError("not to be decoded");
        }, F);
        assertThat(code(dec.decode(null, null, 1))).isEqualTo(ErrorCode.NULL_VALUE);
        assertThat(code(dec.decode(new byte[0], null, 1))).isEqualTo(ErrorCode.EMPTY_PAYLOAD);
        assertThat(code(dec.decode(new byte[1025], null, 1))).isEqualTo(ErrorCode.TOO_LARGE);
    }

    @Test
    void deserializerFailuresAreSchemaUnavailableOrMismatch() {
        assertThat(code(decoder(b -> {
            throw new IllegalStateException("Magic byte not found");
        }, F).decode(SOME_BYTES, null, 1))).isEqualTo(ErrorCode.SCHEMA_UNAVAILABLE);
        assertThat(code(decoder(b -> {
            throw new RuntimeException("fetch failed", new ConnectException("Connection refused"));
        }, F).decode(SOME_BYTES, null, 1))).isEqualTo(ErrorCode.SCHEMA_UNAVAILABLE);
        assertThat(code(decoder(b -> {
            throw new RuntimeException(new EOFException());
        }, F).decode(SOME_BYTES, null, 1))).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        assertThat(code(decoder(b -> {
            throw new AvroRuntimeException("Malformed data. Length is negative: -40");
        }, F).decode(SOME_BYTES, null, 1))).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        assertThat(code(decoder(b -> {
            throw new IllegalStateException(new com.google.protobuf.InvalidProtocolBufferException("truncated"));
        }, F).decode(SOME_BYTES, null, 1))).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        // a schema that is not a record
        assertThat(code(decode("just a string", F))).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
        assertThat(code(decode(null, F))).isEqualTo(ErrorCode.SCHEMA_MISMATCH);
    }

    @Test
    void anUnreachableRegistryIsSchemaUnavailable() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort(); // closed again: nothing listens there
        }
        for (InputSettings.Format f : List.of(InputSettings.Format.AVRO, InputSettings.Format.PROTOBUF)) {
            try (var dec = new InputSettings(f, "http://127.0.0.1:" + port + "/apis/registry/v3", F).decoder(1024)) {
                ParseResult r = dec.decode(new byte[] {0, 0, 0, 0, 1, 2, 4}, null, 1);
                assertThat(code(r)).as(f.key()).isEqualTo(ErrorCode.SCHEMA_UNAVAILABLE);
                assertThat(((ParseResult.Rejected) r).message()).contains("cannot be fetched");
            }
        }
    }

    @Test
    void configKeysAreValidatedAndDefaulted() {
        EarthmoverConfig c = EarthmoverConfig.of(Map.of());
        InputSettings s = InputSettings.from(c);
        assertThat(s.format()).isEqualTo(InputSettings.Format.JSON);
        assertThat(s.registryUrl()).isEqualTo(ConfigKeys.INPUT_REGISTRY_URL_DEFAULT);
        assertThat(s.features()).isEmpty();
        assertThat(s.decoder(100)).isInstanceOf(RecordParser.class);
        InputSettings a = InputSettings.from(EarthmoverConfig.of(Map.of("input.format", "avro",
                "input.features", " cpu , mem", "input.registry.url", "https://reg.example:8443/apis/registry/v3")));
        assertThat(a.format()).isEqualTo(InputSettings.Format.AVRO);
        assertThat(a.features()).containsExactly("cpu", "mem");
        for (var bad : List.of(Map.of("input.format", "xml"), Map.of("input.registry.url", "ftp://x/"),
                Map.of("input.registry.url", "not a url"), Map.of("input.features", "cpu,,mem"),
                Map.of("input.features", "cpu,cpu"), Map.of("input.features", "ts"))) {
            String key = bad.keySet().iterator().next();
            assertThatThrownBy(() -> EarthmoverConfig.of(bad)).isInstanceOf(ConfigException.class).hasMessageContaining(key);
        }
    }
}
