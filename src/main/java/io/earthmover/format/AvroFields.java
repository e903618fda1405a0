package io.earthmover.format;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** An Avro record's top-level fields; a union of null and one type counts as that type. */
final class AvroFields implements DecodedFields {
    private final GenericRecord record;

    AvroFields(GenericRecord record) {
        this.record = record;
    }

    private Schema schema(String field) {
        Schema.Field f = record.getSchema().getField(field);
        if (f == null) {
            return null;
        }
        Schema s = f.schema();
        if (s.getType() == Schema.Type.UNION) {
            Schema only = null;
            for (Schema b : s.getTypes()) {
                if (b.getType() != Schema.Type.NULL) {
                    if (only != null) {
                        return s;
                    }
                    only = b;
                }
            }
            return only == null ? s : only;
        }
        return s;
    }

    @Override
    public Kind kind(String field) {
        Schema s = schema(field);
        if (s == null) {
            return Kind.ABSENT;
        }
        return switch (s.getType()) {
            case INT, LONG, FLOAT, DOUBLE -> Kind.NUMBER;
            case STRING -> Kind.STRING;
            default -> Kind.OTHER;
        };
    }

    @Override
    public String typeName(String field) {
        Schema s = schema(field);
        return s == null ? "absent" : "Avro " + s.getType().getName();
    }

    @Override
    public Object value(String field) {
        return record.get(field);
    }

    @Override
    public List<String> numericFields() {
        List<String> out = new ArrayList<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            if (kind(f.name()) == Kind.NUMBER) {
                out.add(f.name());
            }
        }
        return out;
    }
}
