package io.earthmover.format;

import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.earthmover.harness.demo.DemoStream;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The demo stream's records as Avro and Protobuf records, field for field what their JSON says. */
final class FormatRecords {
    private FormatRecords() {
    }

    /** A value exactly as the JSON record carries it (three decimals, read back as the nearest double). */
    static double asInJson(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.3f", v));
    }

    static Schema avroSchema(List<String> features) {
        SchemaBuilder.FieldAssembler<Schema> f = SchemaBuilder.record("Event").namespace("io.earthmover.test").fields()
                .optionalString("id").optionalLong("ts");
        for (String n : features) {
            f = f.requiredDouble(n);
        }
        return f.endRecord();
    }

    static GenericRecord avro(Schema schema, String id, DemoStream.Event e) {
        GenericRecord r = new GenericData.Record(schema);
        r.put("id", id);
        r.put("ts", e.ts());
        for (int i = 0; i < DemoStream.FEATURES.size(); i++) {
            if (schema.getField(DemoStream.FEATURES.get(i)) != null) {
                r.put(DemoStream.FEATURES.get(i), asInJson(e.values()[i]));
            }
        }
        return r;
    }

    /** {@code message Event { string id = 1; int64 ts = 2; double <feature> = 3...; }} in proto3. */
    static Descriptors.Descriptor protoDescriptor(String name, List<String> features) {
        DescriptorProtos.DescriptorProto.Builder m = DescriptorProtos.DescriptorProto.newBuilder().setName(name)
                .addField(field("id", 1, DescriptorProtos.FieldDescriptorProto.Type.TYPE_STRING))
                .addField(field("ts", 2, DescriptorProtos.FieldDescriptorProto.Type.TYPE_INT64));
        int n = 3;
        for (String f : features) {
            m.addField(field(f, n++, DescriptorProtos.FieldDescriptorProto.Type.TYPE_DOUBLE));
        }
        DescriptorProtos.FileDescriptorProto file = DescriptorProtos.FileDescriptorProto.newBuilder()
                .setName(name.toLowerCase(Locale.ROOT) + ".proto").setPackage("earthmover.test").setSyntax("proto3")
                .addMessageType(m).build();
        try {
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]).findMessageTypeByName(name);
        } catch (Descriptors.DescriptorValidationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static DescriptorProtos.FieldDescriptorProto field(String name, int number, DescriptorProtos.FieldDescriptorProto.Type t) {
        return DescriptorProtos.FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(t)
                .setLabel(DescriptorProtos.FieldDescriptorProto.Label.LABEL_OPTIONAL).build();
    }

    static DynamicMessage proto(Descriptors.Descriptor d, String id, DemoStream.Event e) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(d).setField(d.findFieldByName("id"), id)
                .setField(d.findFieldByName("ts"), e.ts());
        for (int i = 0; i < DemoStream.FEATURES.size(); i++) {
            Descriptors.FieldDescriptor f = d.findFieldByName(DemoStream.FEATURES.get(i));
            if (f != null) {
                b.setField(f, asInJson(e.values()[i]));
            }
        }
        return b.build();
    }
}
