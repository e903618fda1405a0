package io.earthmover.cli;

import io.earthmover.record.FileRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How CSV/JSONL files are read (picocli mixin shared by train and produce). */
public final class FileOptions {
    @Option(names = "--separator", paramLabel = "CHAR", defaultValue = ",", description = "CSV separator (default '${DEFAULT-VALUE}')")
    char separator;

    @Option(names = "--timestamp-column", paramLabel = "NAME",
            description = "Column (CSV) or field (JSONL) with the event time (default: ts, else timestamp, when the file has one)")
    String timestampColumn;

    @Option(names = "--timestamp-unit", paramLabel = "s|ms|us", defaultValue = "ms",
            description = "What epoch numbers in the timestamp column count (default: ${DEFAULT-VALUE}); ISO-8601 text is read as such")
    FileRecords.EpochUnit timestampUnit;

    @Option(names = "--feature-columns", paramLabel = "A,B,...", split = ",", description = "CSV feature columns (default: all others)")
    List<String> featureColumns = new ArrayList<>();

    @Option(names = "--key-column", paramLabel = "NAME", description = "Column (CSV) or field (JSONL) to use as the Kafka key")
    String keyColumn;

    @Option(names = "--id-column", paramLabel = "NAME", description = "CSV column to use as the record id")
    String idColumn;

    @Option(names = "--exclude-columns", paramLabel = "A,B,...", split = ",", description = "CSV columns that are not features (e.g. labels)")
    List<String> excludeColumns = new ArrayList<>();

    FileRecords.Options toOptions() {
        return new FileRecords.Options(separator, timestampColumn, timestampUnit, featureColumns, keyColumn, idColumn, excludeColumns);
    }

    /**
     * Checks the input file and reads its header: the options to read it with, the contract's
     * timestamp column filled in, after saying on standard output where event times come from.
     *
     * @throws UserException when the file is missing, unreadable, empty or has no header row
     */
    FileRecords.Options forInput(Path input) {
        if (!Files.exists(input)) {
            throw new UserException("--input " + input + ": no such file");
        }
        if (!Files.isRegularFile(input)) {
            throw new UserException("--input " + input + ": not a regular file");
        }
        if (!Files.isReadable(input)) {
            throw new UserException("--input " + input + ": not readable (permission denied)");
        }
        try {
            if (Files.size(input) == 0) {
                throw new UserException("--input " + input + ": the file is empty");
            }
            FileRecords.Options o = FileRecords.resolve(input, toOptions());
            System.out.println(o.timeSource());
            return o;
        } catch (IOException e) {
            throw new UserException("--input: " + FileRecords.whyUnreadable(input, e), e);
        } catch (IllegalArgumentException e) {
            throw new UserException("--input: " + e.getMessage(), e);
        }
    }
}
