package io.earthmover.model;

/** TEMPORARY stand-in until the engine branch lands. */
public final class InvalidModelException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason { FORMAT, CHECKSUM, VERSION, SHAPE, NON_FINITE, SCHEMA }

    private final Reason reason;

    public InvalidModelException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
