package io.earthmover.train;

/** Training failed (diverged, or the data cannot be learned from); no model was produced. */
public final class TrainingException extends Exception {
    private static final long serialVersionUID = 1L;

    public TrainingException(String message) {
        super(message);
    }
}
