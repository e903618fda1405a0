package io.earthmover.inspect;

/** Where {@code POST /api/feedback} writes an accepted message: the {@code anomaly-feedback} topic. */
@FunctionalInterface
public interface FeedbackSink {
    /** Writes one message under the record key; throws when it could not be written. */
    void send(byte[] key, byte[] value) throws Exception;
}
