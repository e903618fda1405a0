package io.earthmover.score;

import io.earthmover.record.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The headers of an {@code events-dlq} record; the value is the original bytes, unchanged. */
public final class DeadLetters {
    public static final String ERROR_CODE = "error.code";
    public static final String ERROR_MESSAGE = "error.message";
    public static final String SOURCE_TOPIC = "source.topic";
    public static final String SOURCE_PARTITION = "source.partition";
    public static final String SOURCE_OFFSET = "source.offset";
    private static final int MAX_MESSAGE_CHARS = 1000;

    private DeadLetters() {
    }

    /** Original headers (copied) plus the error and source headers. */
    public static Headers headers(Headers original, ErrorCode code, String message, String topic, int partition, long offset) {
        RecordHeaders h = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
        for (String k : new String[] {ERROR_CODE, ERROR_MESSAGE, SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET}) {
            h.remove(k); // a record that was dead-lettered before and replayed carries the old ones
        }
        String m = message == null ? "" : message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message;
        h.add(ERROR_CODE, utf8(code.name()));
        h.add(ERROR_MESSAGE, utf8(m));
        h.add(SOURCE_TOPIC, utf8(topic == null ? "" : topic));
        h.add(SOURCE_PARTITION, utf8(String.valueOf(partition)));
        h.add(SOURCE_OFFSET, utf8(String.valueOf(offset)));
        return h;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String header(Headers h, String key) {
        var last = h.lastHeader(key);
        return last == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }
}
