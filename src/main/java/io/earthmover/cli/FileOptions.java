package io.earthmover.cli;

import io.earthmover.record.FileRecords;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How CSV/JSONL files are read (picocli mixin shared by train and produce). */
public final class FileOptions {
    @Option(names = "--separator", paramLabel = "CHAR", defaultValue = ",", description = "CSV separator (default '${DEFAULT-VALUE}')")
    char separator;

    @Option(names = "--timestamp-column", paramLabel = "NAME", description = "Column (CSV) or field (JSONL) with the event time")
    String timestampColumn;

    @Option(names = "--feature-columns", paramLabel = "A,B,...", split = ",", description = "CSV feature columns (default: all others)")
    List<String> featureColumns = new ArrayList<>();

    @Option(names = "--key-column", paramLabel = "NAME", description = "Column (CSV) or field (JSONL) to use as the Kafka key")
    String keyColumn;

    @Option(names = "--id-column", paramLabel = "NAME", description = "CSV column to use as the record id")
    String idColumn;

    @Option(names = "--exclude-columns", paramLabel = "A,B,...", split = ",", description = "CSV columns that are not features (e.g. labels)")
    List<String> excludeColumns = new ArrayList<>();

    FileRecords.Options toOptions() {
        return new FileRecords.Options(separator, timestampColumn, featureColumns, keyColumn, idColumn, excludeColumns);
    }
}
