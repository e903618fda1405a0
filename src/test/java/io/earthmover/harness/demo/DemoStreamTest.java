package io.earthmover.harness.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoStreamTest {
    private final DemoStream stream = new DemoStream(4, 7, 0);

    @Test
    void plansNonOverlappingAnomaliesInsideTheRangeSpreadOverHostsAndKinds() {
        List<DemoStream.Anomaly> plan = stream.plan(1200, 480, 4);
        assertThat(plan).hasSize(16);
        for (DemoStream.Anomaly a : plan) {
            assertThat(a.start()).isGreaterThanOrEqualTo(1200);
            assertThat(a.start() + a.length()).isLessThanOrEqualTo(1680);
            for (DemoStream.Anomaly b : plan) {
                if (a != b && a.host().equals(b.host())) {
                    assertThat(a.start() + a.length() <= b.start() || b.start() + b.length() <= a.start())
                            .as("%s overlaps %s", a, b).isTrue();
                }
            }
        }
        assertThat(plan.stream().map(DemoStream.Anomaly::host).distinct()).hasSize(4);
        for (DemoStream.Kind k : DemoStream.Kind.values()) {
            assertThat(plan.stream().filter(a -> a.kind() == k).map(DemoStream.Anomaly::host).distinct().count())
                    .as("hosts with %s", k).isGreaterThan(1);
        }
    }

    @Test
    void labelsExactlyTheInjectedRecordsAndChangesTheirValues() {
        List<DemoStream.Anomaly> plan = stream.plan(1200, 480, 4);
        List<DemoStream.Event> withA = stream.withAnomalies(1200, 480, plan);
        List<DemoStream.Event> normal = stream.normal(1200, 480);
        int labelled = 0;
        for (int i = 0; i < withA.size(); i++) {
            DemoStream.Event e = withA.get(i);
            if (e.anomaly() >= 0) {
                labelled++;
                DemoStream.Anomaly a = plan.get(e.anomaly());
                assertThat(e.host()).isEqualTo(a.host());
                assertThat(e.step()).isBetween(a.start(), a.start() + a.length() - 1);
            } else {
                assertThat(e.values()).containsExactly(normal.get(i).values());
            }
        }
        assertThat(labelled).isEqualTo(plan.stream().mapToInt(DemoStream.Anomaly::length).sum());
        // a frozen sensor repeats one value
        DemoStream.Anomaly frozen = plan.stream().filter(a -> a.kind() == DemoStream.Kind.FROZEN_SENSOR).findFirst().orElseThrow();
        int temp = DemoStream.FEATURES.indexOf("temp");
        assertThat(withA.stream().filter(e -> e.anomaly() == frozen.id()).mapToDouble(e -> e.values()[temp]).distinct().count())
                .isEqualTo(1);
    }

    @Test
    void scoresPrecisionOverFlagsAndRecallOverEvents() {
        List<DemoStream.Anomaly> plan = stream.plan(1200, 480, 1);
        List<DemoStream.Event> ev = stream.withAnomalies(1200, 480, plan);
        int firstOfEvent0 = -1;
        int normalIdx = -1;
        for (int i = 0; i < ev.size(); i++) {
            if (ev.get(i).anomaly() == 0 && firstOfEvent0 < 0) {
                firstOfEvent0 = i;
            }
            if (ev.get(i).anomaly() < 0 && normalIdx < 0) {
                normalIdx = i;
            }
        }
        DemoScore s = DemoScore.of(ev, plan, Set.of(firstOfEvent0, normalIdx));
        assertThat(s.events()).isEqualTo(4);
        assertThat(s.recall()).isEqualTo(0.25);
        assertThat(s.precision()).isEqualTo(0.5);
    }
}
