package io.earthmover.harness.eval;

/**
 * Creates a fresh {@link Detector} per series. Register implementations in {@link Detectors}
 * (built in: {@link WganDetectorFactory}, {@link RcfDetectorFactory}, {@link ZScoreDetectorFactory}).
 */
public interface DetectorFactory {
    /** Name used on the command line ({@code --detectors rcf,zscore}). */
    String name();

    /** One-line description of the configuration, for reports. */
    String describe();

    Detector create(DetectorSpec spec);

    /** More Markdown for the report (wgan: its configuration file and effective keys); empty by default. */
    default String reportSection() {
        return "";
    }
}
