package io.earthmover.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads CSV or JSON Lines files as {@code events-in} records, for {@code produce} and
 * {@code train --input}. A JSONL line is passed on unchanged (it already is an event). A CSV row
 * becomes {@code {"id":..,"ts":..,"features":{column: value, ...}}}; a cell that is not a number
 * is written as a JSON string, so the parser rejects the record with a code instead of this
 * reader guessing.
 */
public final class FileRecords {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(FileRecords.class);
    /** Epoch milliseconds below this (March 1973) are far more likely seconds than a 1970s date. */
    private static final long PLAUSIBLE_MILLIS = 100_000_000_000L;
    private static final DateTimeFormatter SPACE_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS][.SSS]");

    /** One record read from a file: its Kafka key (may be null), event time (or -1) and value bytes. */
    public record FileRecord(String key, long ts, byte[] value) {
    }

    /** What an epoch number in a timestamp column counts. */
    public enum EpochUnit {
        S("epoch seconds", 1000.0), MS("epoch milliseconds", 1.0), US("epoch microseconds", 0.001);

        private final String text;
        private final double toMillis;

        EpochUnit(String text, double toMillis) {
            this.text = text;
            this.toMillis = toMillis;
        }

        long toMillis(String number) {
            return this == MS ? Long.parseLong(number) : Math.round(Double.parseDouble(number) * toMillis);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The record contract's names for the event time, used when no timestamp column is given. */
    public static final List<String> DEFAULT_TIMESTAMP_COLUMNS = List.of("ts", "timestamp");

    /**
     * How to read a file.
     *
     * @param separator       CSV field separator
     * @param timestampColumn CSV column (or JSONL field) with the event time; null for none
     * @param unit            what epoch numbers in the timestamp column count (ISO-8601 text is read as such)
     * @param featureColumns  CSV columns to use as features; empty = every column not named elsewhere
     * @param keyColumn       CSV column (or JSONL field) to use as the Kafka key; null for none
     * @param idColumn        CSV column to use as the record id; null for none
     * @param exclude         CSV columns never used as features (labels, say)
     */
    public record Options(char separator, String timestampColumn, EpochUnit unit, List<String> featureColumns,
                          String keyColumn, String idColumn, List<String> exclude) {
        public Options {
            featureColumns = List.copyOf(featureColumns);
            exclude = List.copyOf(exclude);
        }

        public static Options defaults() {
            return new Options(',', null, EpochUnit.MS, List.of(), null, null, List.of());
        }

        Options withTimestampColumn(String column) {
            return new Options(separator, column, unit, featureColumns, keyColumn, idColumn, exclude);
        }

        /** Says where event times come from, for a person. */
        public String timeSource() {
            return timestampColumn == null
                    ? "event time: the file has no " + String.join(" or ", DEFAULT_TIMESTAMP_COLUMNS)
                            + " column (--timestamp-column names one), so records carry none"
                    : "event time: column '" + timestampColumn + "', numbers read as " + unit
                            + " (--timestamp-unit s|ms|us), text as ISO-8601";
        }
    }

    /**
     * The options with the contract's timestamp column filled in when none is given and the file
     * has one ({@code ts}, else {@code timestamp}), so that it is not taken for a feature. Also
     * checks that a CSV file starts with a header row.
     *
     * @throws IllegalArgumentException when the CSV has no header row
     */
    public static Options resolve(Path file, Options o) throws IOException {
        // a JSONL line is a record already: its event time is the contract's ts field
        List<String> columns = isJsonLines(file) ? List.of("ts") : header(file, o);
        if (o.timestampColumn() != null) {
            return o;
        }
        for (String c : DEFAULT_TIMESTAMP_COLUMNS) {
            if (columns.contains(c) && !c.equals(o.keyColumn()) && !c.equals(o.idColumn()) && !o.exclude().contains(c)) {
                return o.withTimestampColumn(c);
            }
        }
        return o;
    }

    private static List<String> header(Path file, Options o) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser p = CSVFormat.DEFAULT.builder().setDelimiter(o.separator()).setIgnoreSurroundingSpaces(true).get().parse(r)) {
            Iterator<CSVRecord> it = p.iterator();
            if (!it.hasNext()) {
                throw new IllegalArgumentException(file + " is empty: a CSV file needs a header row naming its columns");
            }
            List<String> names = it.next().toList();
            if (names.stream().allMatch(FileRecords::isNumber)) {
                throw new IllegalArgumentException("the first line of " + file + " (" + String.join(String.valueOf(o.separator()), names)
                        + ") is data, not a header: a CSV file needs a header row naming its columns");
            }
            if (!it.hasNext()) {
                LOG.warn("{} has a header row and no data rows", file);
            }
            return names;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Why a file could not be read, in words (the JDK's messages are often just the path). */
    public static String whyUnreadable(Path file, IOException e) {
        String why;
        if (e instanceof NoSuchFileException) {
            why = "no such file";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof CharacterCodingException) {
            why = "not UTF-8 text";
        } else {
            why = String.valueOf(e.getMessage());
        }
        return "cannot read " + file + ": " + why;
    }

    private FileRecords() {
    }

    public static boolean isJsonLines(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json");
    }

    /** Counts the records a file holds (for progress bars). */
    public static long count(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            long n = lines.filter(l -> !l.isBlank()).count();
            return isJsonLines(file) ? n : Math.max(0, n - 1);
        }
    }

    /** Reads every record of the file, in file order. */
    public static void read(Path file, Options o, Consumer<FileRecord> sink) throws IOException {
        if (isJsonLines(file)) {
            readJsonLines(file, o, sink);
        } else {
            readCsv(file, o, sink);
        }
    }

    private static void readJsonLines(Path file, Options o, Consumer<FileRecord> sink) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String key = null;
                long ts = -1;
                if (o.keyColumn() != null || o.timestampColumn() != null) {
                    try {
                        JsonNode n = JSON.readTree(line);
                        if (o.keyColumn() != null && n.hasNonNull(o.keyColumn())) {
                            key = n.get(o.keyColumn()).asText();
                        }
                        if (o.timestampColumn() != null && n.hasNonNull(o.timestampColumn())) {
                            ts = parseTime(n.get(o.timestampColumn()).asText(), o.unit());
                        }
                    } catch (IOException | RuntimeException e) {
                        // a malformed line is still sent: the scorer dead-letters it
                    }
                }
                sink.accept(new FileRecord(key, ts, line.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private static void readCsv(Path file, Options o, Consumer<FileRecord> sink) throws IOException {
        CSVFormat fmt = CSVFormat.DEFAULT.builder().setDelimiter(o.separator()).setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).get();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser p = fmt.parse(r)) {
            List<String> header = p.getHeaderNames();
            List<String> features = featureColumns(header, o);
            for (String c : features) {
                if (!header.contains(c)) {
                    throw new IllegalArgumentException("feature column '" + c + "' is not in " + file + " (columns: " + header + ")");
                }
            }
            for (String c : new String[] {o.timestampColumn(), o.keyColumn(), o.idColumn()}) {
                if (c != null && !header.contains(c)) {
                    throw new IllegalArgumentException("column '" + c + "' is not in " + file + " (columns: " + header + ")");
                }
            }
            Iterator<CSVRecord> it = p.iterator();
            StringBuilder sb = new StringBuilder(256);
            boolean first = true;
            while (it.hasNext()) {
                CSVRecord row = it.next();
                long ts = o.timestampColumn() == null ? -1 : parseTimeOrMinus1(row.get(o.timestampColumn()), o.unit());
                if (first && o.timestampColumn() != null) {
                    warnIfSeconds(o, row.get(o.timestampColumn()), ts);
                }
                first = false;
                sb.setLength(0);
                sb.append('{');
                if (o.idColumn() != null) {
                    sb.append("\"id\":").append(JSON.writeValueAsString(row.get(o.idColumn()))).append(',');
                }
                if (ts >= 0) {
                    sb.append("\"ts\":").append(ts).append(',');
                }
                sb.append("\"features\":{");
                for (int i = 0; i < features.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    String c = features.get(i);
                    sb.append(JSON.writeValueAsString(c)).append(':');
                    String cell = row.isSet(c) ? row.get(c) : "";
                    sb.append(isNumber(cell) ? cell.trim() : JSON.writeValueAsString(cell));
                }
                sb.append("}}");
                String key = o.keyColumn() == null ? null : row.get(o.keyColumn());
                sink.accept(new FileRecord(key, ts, sb.toString().getBytes(StandardCharsets.UTF_8)));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static List<String> featureColumns(List<String> header, Options o) {
        if (!o.featureColumns().isEmpty()) {
            return o.featureColumns();
        }
        List<String> out = new ArrayList<>();
        for (String h : header) {
            if (!h.equals(o.timestampColumn()) && !h.equals(o.keyColumn()) && !h.equals(o.idColumn()) && !o.exclude().contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    private static boolean isNumber(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return false;
        }
        try {
            double d = Double.parseDouble(t);
            // JSON has no NaN/Infinity literals, hex or trailing 'd': only plain decimal text passes as is
            return Double.isFinite(d) && t.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Epoch seconds read as milliseconds land in early 1970: say so once, on the first row. */
    private static void warnIfSeconds(Options o, String cell, long ts) {
        if (o.unit() == EpochUnit.MS && ts > 0 && ts < PLAUSIBLE_MILLIS && cell.trim().matches("\\d+")) {
            LOG.warn("column '{}' starts at {}, which as epoch milliseconds is {}: if these are seconds, add --timestamp-unit s",
                    o.timestampColumn(), ts, Instant.ofEpochMilli(ts));
        }
    }

    private static long parseTimeOrMinus1(String s, EpochUnit unit) {
        try {
            return parseTime(s, unit);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** Epoch milliseconds, ISO-8601 with offset, or {@code yyyy-MM-dd HH:mm:ss} taken as UTC (NAB, SKAB). */
    public static long parseTime(String s) {
        return parseTime(s, EpochUnit.MS);
    }

    /** An epoch number in {@code unit} (seconds may have a fraction), ISO-8601, or {@code yyyy-MM-dd HH:mm:ss} as UTC. */
    public static long parseTime(String s, EpochUnit unit) {
        String t = s.trim();
        if (t.matches("\\d{1,19}") || (unit != EpochUnit.MS && t.matches("\\d{1,16}\\.\\d{1,9}"))) {
            return unit.toMillis(t);
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException e1) {
            try {
                return OffsetDateTime.parse(t).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDateTime.parse(t.replace('T', ' '), SPACE_FORMAT).toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException e3) {
                    throw new IllegalArgumentException("'" + s + "' is not a timestamp");
                }
            }
        }
    }
}
