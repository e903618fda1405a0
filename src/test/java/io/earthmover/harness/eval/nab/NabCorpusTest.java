package io.earthmover.harness.eval.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabCorpusTest {
    @TempDir
    Path dir;

    private void write(String windowsJson) throws IOException {
        Files.createDirectories(dir.resolve("data/realX"));
        Files.createDirectories(dir.resolve("labels"));
        Files.createDirectories(dir.resolve("config"));
        StringBuilder sb = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 20; i++) {
            sb.append(String.format("2015-01-01 00:%02d:00,%d%n", i, i));
        }
        Files.writeString(dir.resolve("data/realX/s.csv"), sb);
        Files.writeString(dir.resolve("labels/combined_windows.json"), windowsJson);
        Files.writeString(dir.resolve("config/profiles.json"), """
                {"standard": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}},
                 "reward_low_FN_rate": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 2.0, "fpWeight": 0.11, "tnWeight": 1.0}}}
                """);
    }

    @Test
    void mapsLabelTimestampsWithMicrosecondsToRowIndices() throws IOException {
        write("{\"realX/s.csv\": [[\"2015-01-01 00:05:00.000000\", \"2015-01-01 00:09:00.000000\"]]}");
        NabCorpus c = NabCorpus.load(dir);
        NabSeries s = c.series().get(0);
        assertThat(s.category()).isEqualTo("realX");
        assertThat(s.fileName()).isEqualTo("s.csv");
        assertThat(s.windows()).containsExactly(new NabWindow(5, 9));
        assertThat(s.inWindow(9)).isTrue();
        assertThat(s.inWindow(10)).isFalse();
        assertThat(c.windowCount()).isEqualTo(1);
        assertThat(c.profile("reward_low_FN_rate").fnWeight()).isEqualTo(2.0);
    }

    @Test
    void rejectsAWindowThatDoesNotFallOnRows() throws IOException {
        write("{\"realX/s.csv\": [[\"2015-01-01 00:05:30\", \"2015-01-01 00:09:00\"]]}");
        assertThatThrownBy(() -> NabCorpus.load(dir)).hasMessageContaining("does not start and end on rows");
    }

    @Test
    void rejectsADirectoryWithoutLabels() {
        assertThatThrownBy(() -> NabCorpus.load(dir)).hasMessageContaining("not a NAB directory");
    }
}
