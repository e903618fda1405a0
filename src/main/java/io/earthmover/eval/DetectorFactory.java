package io.earthmover.eval;

/**
 * Creates a fresh {@link Detector} per series. Register implementations in {@link Detectors}.
 *
 * <p>Extension point for {@code wgan}: its factory's {@code create} returns a detector whose
 * {@code train} trains the WGAN-GP engine on the training rows (through the featuriser, critic and
 * calibration code the scoring service uses) and returns holdout critic scores mapped to [0,1];
 * {@code score} then runs the critic on one row at a time.
 */
public interface DetectorFactory {
    /** Name used on the command line ({@code --detectors rcf,zscore}). */
    String name();

    /** One-line description of the configuration, for reports. */
    String describe();

    Detector create(DetectorSpec spec);
}
