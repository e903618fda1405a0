package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The gradient checks of {@link WganGpGradientChecks} for a critic with layer norm in its hidden
 * layers: the norm makes the input gradient nonlinear in the weights, so the penalty's gradient
 * has terms (gains, shifts, biases through the norm's statistics) that a plain critic lacks.
 */
class LayerNormWganGpGradientTest extends WganGpGradientChecks {
    LayerNormWganGpGradientTest() {
        super(true);
    }

    @Test
    void criticHasAGainAndAShiftPerHiddenUnit() {
        // 4-6-5-1: weights and biases 4*6+6 + 6*5+5 + 5+1 = 71, norms 2*(6+5) = 22
        assertThat(critic().parameterCount()).isEqualTo(93);
        assertThat(critic().params()).hasSize(3 * 2 + 2 * 2);
    }
}
