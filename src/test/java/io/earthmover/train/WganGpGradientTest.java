package io.earthmover.train;

/** The gradient checks of {@link WganGpGradientChecks} for a critic without layer norm. */
class WganGpGradientTest extends WganGpGradientChecks {
    WganGpGradientTest() {
        super(false);
    }
}
