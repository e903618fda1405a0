package io.earthmover.harness.eval.regimes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.earthmover.harness.eval.nab.NabCorpus;
import io.earthmover.harness.eval.nab.NabScorer;
import io.earthmover.harness.eval.nab.NabSeries;
import io.earthmover.harness.eval.nab.NabWindow;
import io.earthmover.harness.eval.regimes.RegimeCorpus.Anomaly;
import io.earthmover.harness.eval.regimes.RegimeCorpus.Kind;
import io.earthmover.harness.eval.regimes.RegimeCorpus.RegimeSeries;
import io.earthmover.harness.eval.regimes.RegimeCorpus.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegimeCorpusTest {
    private static final int PROBATION = NabScorer.probationaryLength(RegimeCorpus.ROWS);
    private static final List<RegimeSeries> CORPUS = RegimeCorpus.generate(1, 10);

    @TempDir
    Path dir;

    @Test
    void theSameSeedGivesTheSameCorpusAndAnotherSeedAnother() throws IOException {
        List<RegimeSeries> again = RegimeCorpus.generate(1, 10);
        for (int i = 0; i < CORPUS.size(); i++) {
            assertThat(again.get(i).values()).containsExactly(CORPUS.get(i).values());
            assertThat(again.get(i).anomalies()).isEqualTo(CORPUS.get(i).anomalies());
            assertThat(again.get(i).windows()).isEqualTo(CORPUS.get(i).windows());
        }
        // byte for byte on disk too
        RegimeCorpus.write(dir.resolve("a"), CORPUS);
        RegimeCorpus.write(dir.resolve("b"), again);
        for (String f : List.of("data/regimes/regimes_03.csv", "labels/combined_windows.json")) {
            assertThat(Files.readString(dir.resolve("a").resolve(f))).isEqualTo(Files.readString(dir.resolve("b").resolve(f)));
        }
        assertThat(RegimeCorpus.generate(2, 10).get(0).values()).isNotEqualTo(CORPUS.get(0).values());
        // series i does not depend on how many series are asked for
        assertThat(RegimeCorpus.generate(1, 3).get(2).values()).containsExactly(CORPUS.get(2).values());
    }

    @Test
    void writesACorpusNabCorpusLoadsWithTheRequestedSeriesWindowsAndNabsProfiles() {
        List<RegimeSeries> c = RegimeCorpus.generate(7, 4);
        RegimeCorpus.write(dir, c);
        NabCorpus nab = NabCorpus.load(dir);
        assertThat(nab.series()).hasSize(4);
        assertThat(nab.windowCount()).isEqualTo(c.stream().mapToInt(s -> s.windows().size()).sum());
        for (int i = 0; i < 4; i++) {
            NabSeries s = nab.series().get(i);
            assertThat(s.relativePath()).isEqualTo(c.get(i).key());
            assertThat(s.rows()).isEqualTo(RegimeCorpus.ROWS);
            assertThat(s.windows()).isEqualTo(c.get(i).windows());
            assertThat(s.epochMillis()[1] - s.epochMillis()[0]).isEqualTo(5 * 60_000L);
            for (int t = 0; t < s.rows(); t++) {
                assertThat(s.values()[t]).isCloseTo(c.get(i).values()[t], org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        assertThat(nab.profile("standard").fpWeight()).isEqualTo(0.11);
        assertThat(nab.profile("standard").fnWeight()).isEqualTo(1.0);
        assertThat(nab.profile("reward_low_FP_rate").fpWeight()).isEqualTo(0.22);
        assertThat(nab.profile("reward_low_FP_rate").tpWeight()).isEqualTo(1.0);
        assertThat(nab.profile("reward_low_FN_rate").fnWeight()).isEqualTo(2.0);
        assertThat(nab.profile("reward_low_FN_rate").fpWeight()).isEqualTo(0.11);
    }

    @Test
    void everyAnomalyStaysInsideTheTrainingRowsRangeAndThusTheSeries() {
        for (RegimeSeries s : CORPUS) {
            double[] v = s.values();
            double min = IntStream.range(0, PROBATION).mapToDouble(t -> v[t]).min().orElseThrow();
            double max = IntStream.range(0, PROBATION).mapToDouble(t -> v[t]).max().orElseThrow();
            double normalMin = IntStream.range(0, v.length).filter(t -> !s.anomalous(t)).mapToDouble(t -> v[t]).min().orElseThrow();
            double normalMax = IntStream.range(0, v.length).filter(t -> !s.anomalous(t)).mapToDouble(t -> v[t]).max().orElseThrow();
            for (Anomaly a : s.anomalies()) {
                assertThat(a.start()).isGreaterThanOrEqualTo(PROBATION);
                for (int t = a.start(); t <= a.end(); t++) {
                    assertThat(v[t]).as(s.key() + " row " + t).isBetween(min, max).isBetween(normalMin, normalMax);
                }
            }
        }
    }

    @Test
    void anomaliesDepartFromWhatTheirContextWouldHaveBeen() {
        // a common value in a rare stretch lies nearer the common level than any rare row of the stretch
        for (RegimeSeries s : CORPUS) {
            for (Anomaly a : s.anomalies()) {
                if (a.kind() == Kind.COMMON_IN_RARE) {
                    Span host = s.rare().stream().filter(r -> a.start() > r.start() && a.end() < r.end()).findFirst()
                            .orElseThrow();
                    double[] v = s.values();
                    double rareMin = IntStream.rangeClosed(host.start(), host.end()).filter(t -> !s.anomalous(t))
                            .mapToDouble(t -> v[t]).min().orElseThrow();
                    double rareMax = IntStream.rangeClosed(host.start(), host.end()).filter(t -> !s.anomalous(t))
                            .mapToDouble(t -> v[t]).max().orElseThrow();
                    assertThat(IntStream.rangeClosed(a.start(), a.end()).mapToDouble(t -> v[t]))
                            .allMatch(x -> x < rareMin || x > rareMax);
                }
            }
        }
    }

    @Test
    void windowsAreNabSizedContainTheirAnomaliesDoNotOverlapAndHoldNoRegimeSwitch() {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (RegimeSeries s : CORPUS) {
            assertThat(s.anomalies()).hasSizeBetween(2, 3).hasSameSizeAs(s.windows());
            int width = (int) (0.10 * RegimeCorpus.ROWS / s.anomalies().size());
            for (int i = 0; i < s.windows().size(); i++) {
                NabWindow w = s.windows().get(i);
                Anomaly a = s.anomalies().get(i);
                kinds.add(a.kind());
                assertThat(w.width()).isEqualTo(width);
                assertThat(w.contains(a.start()) && w.contains(a.end())).as(s.key() + " " + a).isTrue();
                assertThat(Math.abs((w.start() + w.end()) / 2 - (a.start() + a.end()) / 2)).isLessThanOrEqualTo(1);
                assertThat(w.end()).isLessThan(RegimeCorpus.ROWS);
                if (i > 0) {
                    assertThat(w.start()).isGreaterThan(s.windows().get(i - 1).end());
                }
                for (Span r : s.rare()) {
                    // no switch inside a window: each window lies wholly inside or wholly outside a rare stretch
                    assertThat(w.contains(r.start()) || w.contains(r.end())).as(s.key() + " " + w + " " + r).isFalse();
                }
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder(Kind.values());
    }

    @Test
    void theRareRegimeOccursInTheFirstFifteenPercentAndAgainLater() {
        for (RegimeSeries s : CORPUS) {
            assertThat(s.rare()).hasSizeGreaterThanOrEqualTo(2);
            Span first = s.rare().get(0);
            assertThat(first.start()).isGreaterThan(0);
            assertThat(first.end()).isLessThan(PROBATION);
            assertThat(first.end() - first.start() + 1).isGreaterThanOrEqualTo(200);
            assertThat(s.rare().stream().skip(1)).allMatch(r -> r.start() > PROBATION && r.end() - r.start() >= 200);
            // the rare level differs from the common one: the mean of the stretch is far from the mean before it
            double[] v = s.values();
            double rareMean = IntStream.rangeClosed(first.start(), first.end()).mapToDouble(t -> v[t]).average().orElseThrow();
            double commonMean = IntStream.range(0, first.start()).mapToDouble(t -> v[t]).average().orElseThrow();
            assertThat(Math.abs(rareMean - commonMean)).isGreaterThan(2.5);
        }
    }

    @Test
    void refusesAnEmptyCorpus() {
        assertThatThrownBy(() -> RegimeCorpus.generate(1, 0)).hasMessageContaining("at least 1");
    }
}
