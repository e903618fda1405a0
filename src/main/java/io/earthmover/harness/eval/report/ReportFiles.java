package io.earthmover.harness.eval.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writing report files. */
public final class ReportFiles {
    private ReportFiles() {
    }

    public static void writeString(Path file, String s) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
