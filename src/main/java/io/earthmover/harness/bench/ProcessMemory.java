package io.earthmover.harness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size from a Linux {@code /proc/PID/status} file: the one reader of it for the benchmarks. */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /** This process's RSS in MB; NaN where /proc is not there. */
    public static double selfRssMb() {
        return rssMb(Path.of("/proc/self/status"));
    }

    /** The {@code VmRSS} line of a status file in MB; NaN when it cannot be read. */
    static double rssMb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
