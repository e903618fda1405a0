package io.earthmover.kafka;

/** No bootstrap server accepted a connection within the start-up wait: the command stops with one line. */
public final class KafkaUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KafkaUnreachableException(String message) {
        super(message);
    }
}
