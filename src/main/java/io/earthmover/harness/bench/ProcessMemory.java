package io.earthmover.harness.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident set size from a Linux {@code /proc/PID/status} file, and the heap's live set after a
 * collection: the one reader of each for the benchmarks.
 */
public final class ProcessMemory {
    private ProcessMemory() {
    }

    /**
     * The heap in MB right after a full collection: {@code System.gc()}, then what each heap pool held
     * when that collection ended (its collection usage). Reading the heap's current usage instead
     * counts whatever the other threads allocated since, and once gave a 218 MB reading among 40 MB
     * ones in a soak.
     */
    public static double heapAfterGcMb() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (u != null) {
                used += u.getUsed();
            }
        }
        return used / 1048576.0;
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
