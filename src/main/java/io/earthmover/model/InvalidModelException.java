package io.earthmover.model;

import java.util.Objects;

/** A model bundle that cannot be used, with a bounded reason (a metric tag) and a clear message. */
public final class InvalidModelException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a bundle was refused. */
    public enum Reason {
        /** Not a zip, missing or unreadable entries, malformed manifest. */
        FORMAT,
        /** The SHA-256 over weights and manifest does not match. */
        CHECKSUM,
        /** A format version this build does not read. */
        VERSION,
        /** Weights, normaliser or calibration sizes disagree with the architecture. */
        SHAPE,
        /** NaN or infinite weights or calibration values. */
        NON_FINITE,
        /** Feature names or window settings are invalid. */
        SCHEMA
    }

    private final Reason reason;

    public InvalidModelException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason);
    }

    public InvalidModelException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return "invalid model bundle (" + reason + "): " + super.getMessage();
    }
}
