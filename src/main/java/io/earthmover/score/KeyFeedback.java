package io.earthmover.score;

/**
 * Where the scoring engine finds each key's threshold raise from operator feedback: the
 * {@code earthmover-feedback} store in the service ({@link FeedbackStore}), none offline.
 */
@FunctionalInterface
public interface KeyFeedback {
    /** No feedback: offline scoring, and the topology without inspection. */
    KeyFeedback NONE = key -> 0;

    /** The key's raise for the record being scored now; a stored raise decays by that one record. */
    double raiseFor(byte[] key);
}
