package io.earthmover.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class QualityGateTest {

    @Test
    void aFewFalseAlarmsOnAFewDozenWindowsAreNotEvidenceOfAFalseAlarmRateAboveTheLimit() {
        var fewWindows = new QualityGate.Measures(0.95, 2 / 40.0, 40, 40);
        assertThat(fewWindows.falseAlarmLowerBound()).isLessThan(0.05);
        var manyWindows = new QualityGate.Measures(0.95, 0.08, 4000, 4000);
        assertThat(manyWindows.falseAlarmLowerBound()).isGreaterThan(0.05).isLessThan(0.08);
    }

    @Test
    void theWilsonBoundMatchesItsFormula() {
        // 3 of 50: Wilson 95 % interval [0.0206, 0.1622]
        assertThat(new QualityGate.Measures(0.9, 3 / 50.0, 50, 50).falseAlarmLowerBound()).isCloseTo(0.0206, offset(5e-4));
    }

    @Test
    void theAucBoundWidensOnSmallSamplesAndRefusesAModelThatIsClearlyBad() {
        var small = new QualityGate.Measures(0.75, 0, 40, 40);
        var large = new QualityGate.Measures(0.75, 0, 4000, 4000);
        assertThat(small.aucUpperBound()).isGreaterThan(0.8);
        assertThat(large.aucUpperBound()).isLessThan(0.8).isGreaterThan(0.75);
        assertThat(new QualityGate.Measures(0.3, 0, 75, 75).aucUpperBound()).isLessThan(0.8);
    }

    @Test
    void theAucBoundMatchesHanleyAndMcNeil() {
        // by hand: Q1 = 0.8/1.2, Q2 = 1.28/1.8, SE² = (0.16 + 49(Q1 - 0.64) + 49(Q2 - 0.64)) / 2500 = 0.00198
        double se = (new QualityGate.Measures(0.8, 0, 50, 50).aucUpperBound() - 0.8) / QualityGate.Z;
        assertThat(se).isCloseTo(Math.sqrt(0.0019805), offset(2e-4));
    }
}
