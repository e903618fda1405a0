package io.earthmover.harness.eval.nab;

/** One NAB scoring profile: the weights of its cost matrix (tnWeight is unused by NAB's scorer). */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight) {
}
