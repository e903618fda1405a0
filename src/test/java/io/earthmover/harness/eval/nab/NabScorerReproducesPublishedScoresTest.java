package io.earthmover.harness.eval.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.earthmover.harness.eval.nab.NabScorer.ProfileResult;
import io.earthmover.harness.eval.nab.NabScorer.ScoredSeries;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fed the raw per-row scores NAB ships for numenta and randomCutForest, the scorer reproduces
 * NAB's published normalised scores (results/final_results.json) within ±0.5 per profile. Needs
 * the NAB data under the system property {@code earthmover.datasets}; skipped without it.
 */
class NabScorerReproducesPublishedScoresTest {
    private static final double TOLERANCE = 0.5;
    private static Path nab;
    private static NabCorpus corpus;

    @BeforeAll
    static void loadCorpusIfPresent() {
        String dir = System.getProperty("earthmover.datasets");
        nab = dir == null ? null : Path.of(dir, "nab");
        if (nab != null && Files.isDirectory(nab.resolve("results/numenta"))) {
            corpus = NabCorpus.load(nab);
        }
    }

    @BeforeEach
    void skipWithoutData() {
        assumeTrue(corpus != null, "NAB data not found under system property earthmover.datasets="
                + System.getProperty("earthmover.datasets") + ": skipping the reproduction of NAB's published scores");
    }

    @ParameterizedTest
    @ValueSource(strings = {"numenta", "randomCutForest"})
    void reproducesPublishedNormalisedScores(String detector) throws IOException {
        List<ScoredSeries> raw = NabResultsFiles.read(nab.resolve("results"), detector, corpus);
        JsonNode published = new ObjectMapper().readTree(nab.resolve("results/final_results.json").toFile())
                .get(detector);
        assertThat(corpus.profiles()).hasSize(3);
        for (ProfileResult r : NabScorer.scoreAll(corpus, raw)) {
            double expected = published.get(r.profile().name()).asDouble();
            System.out.printf("NAB %s %s: %.3f (published %.3f)%n", detector, r.profile().name(),
                    r.normalisedScore(), expected);
            assertThat(r.normalisedScore()).as("%s %s", detector, r.profile().name())
                    .isCloseTo(expected, within(TOLERANCE));
        }
    }

    @Test
    void nullDetectorBaselineMatchesShippedSummaries() throws IOException {
        assertThat(corpus.series()).hasSize(58);
        for (NabProfile p : corpus.profiles()) {
            Path summary = nab.resolve("results/null/null_" + p.name() + "_scores.csv");
            double shipped = Double.NaN;
            try (Reader r = Files.newBufferedReader(summary)) {
                for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().get().parse(r)) {
                    if (rec.get("Detector").equals("Totals")) {
                        shipped = Double.parseDouble(rec.get("Score"));
                    }
                }
            }
            assertThat(NabScorer.nullRawScore(corpus.series(), p)).as(p.name()).isCloseTo(shipped, within(1e-6));
        }
    }
}
