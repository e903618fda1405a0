package io.earthmover.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRecordsTest {
    @TempDir
    Path dir;

    private List<String> read(Path f, FileRecords.Options o) throws Exception {
        List<String> out = new ArrayList<>();
        FileRecords.read(f, FileRecords.resolve(f, o), r -> out.add(new String(r.value(), UTF_8)));
        return out;
    }

    private static FileRecords.Options unit(FileRecords.EpochUnit u) {
        FileRecords.Options d = FileRecords.Options.defaults();
        return new FileRecords.Options(d.separator(), null, u, List.of(), null, null, List.of());
    }

    @Test
    void theContractsTimestampColumnIsTheEventTimeNotAFeature() throws Exception {
        Path ts = Files.writeString(dir.resolve("a.csv"), "cpu,ts,mem\n0.5,1767225600000,0.25\n");
        assertThat(FileRecords.resolve(ts, FileRecords.Options.defaults()).timestampColumn()).isEqualTo("ts");
        assertThat(read(ts, FileRecords.Options.defaults())).containsExactly("{\"ts\":1767225600000,\"features\":{\"cpu\":0.5,\"mem\":0.25}}");
        Path timestamp = Files.writeString(dir.resolve("b.csv"), "timestamp,cpu\n2026-01-01T00:00:00Z,1\n");
        assertThat(read(timestamp, FileRecords.Options.defaults())).containsExactly("{\"ts\":1767225600000,\"features\":{\"cpu\":1}}");
        Path none = Files.writeString(dir.resolve("c.csv"), "time,cpu\n5,1\n");
        FileRecords.Options o = FileRecords.resolve(none, FileRecords.Options.defaults());
        assertThat(o.timestampColumn()).isNull();
        assertThat(o.timeSource()).contains("no ts or timestamp column");
    }

    @Test
    void epochNumbersAreReadInTheGivenUnit() throws Exception {
        Path f = Files.writeString(dir.resolve("s.csv"), "ts,cpu\n1767225600,1\n1767225600.25,2\n");
        assertThat(read(f, unit(FileRecords.EpochUnit.S))).containsExactly("{\"ts\":1767225600000,\"features\":{\"cpu\":1}}",
                "{\"ts\":1767225600250,\"features\":{\"cpu\":2}}");
        Path us = Files.writeString(dir.resolve("us.csv"), "ts,cpu\n1767225600123456,1\n");
        assertThat(read(us, unit(FileRecords.EpochUnit.US))).containsExactly("{\"ts\":1767225600123,\"features\":{\"cpu\":1}}");
        assertThat(FileRecords.resolve(us, unit(FileRecords.EpochUnit.US)).timeSource()).contains("epoch microseconds");
    }

    @Test
    void aCsvWithoutAHeaderRowIsRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("d.csv"), "1,2\n3,4\n");
        assertThatThrownBy(() -> FileRecords.resolve(f, FileRecords.Options.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is data, not a header");
    }
}
