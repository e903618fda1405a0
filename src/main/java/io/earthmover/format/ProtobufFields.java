package io.earthmover.format;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * A Protobuf message's top-level fields. A repeated field is not a number. Protobuf's own rule
 * holds for an unset field: a numeric feature without presence reads as its default 0; an unset
 * {@code id} or {@code ts} (or one at its default, "" or 0, when the field has no presence) is absent.
 */
final class ProtobufFields implements DecodedFields {
    private final Message message;

    ProtobufFields(Message message) {
        this.message = message;
    }

    private Descriptors.FieldDescriptor fd(String field) {
        return message.getDescriptorForType().findFieldByName(field);
    }

    @Override
    public Kind kind(String field) {
        Descriptors.FieldDescriptor f = fd(field);
        if (f == null) {
            return Kind.ABSENT;
        }
        if (f.isRepeated()) {
            return Kind.OTHER;
        }
        return switch (f.getJavaType()) {
            case INT, LONG, FLOAT, DOUBLE -> Kind.NUMBER;
            case STRING -> Kind.STRING;
            default -> Kind.OTHER;
        };
    }

    @Override
    public String typeName(String field) {
        Descriptors.FieldDescriptor f = fd(field);
        return f == null ? "absent" : "Protobuf " + (f.isRepeated() ? "repeated " : "") + f.getType().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Object value(String field) {
        Descriptors.FieldDescriptor f = fd(field);
        if (f == null) {
            return null;
        }
        boolean idOrTs = field.equals(FieldRecords.ID) || field.equals(FieldRecords.TS);
        if (idOrTs && !f.isRepeated() && !message.hasField(f)) {
            return null;
        }
        return message.getField(f);
    }

    @Override
    public List<String> numericFields() {
        List<String> out = new ArrayList<>();
        for (Descriptors.FieldDescriptor f : message.getDescriptorForType().getFields()) {
            if (kind(f.getName()) == Kind.NUMBER) {
                out.add(f.getName());
            }
        }
        return out;
    }
}
