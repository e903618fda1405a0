package io.earthmover.train;

import io.earthmover.model.ModelBundle;

/** A trained, validated bundle and the report of how it was trained. */
public record TrainingOutcome(ModelBundle bundle, TrainingReport report) {
}
