package io.earthmover.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessMemoryTest {
    @Test
    void readsTheVmRssLineInMegabytes(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 9999999 kB\nVmRSS:\t  524288 kB\nRssAnon:\t 1 kB\n");
        assertEquals(512.0, ProcessMemory.rssMb(status), 1e-9);
    }

    @Test
    void isNotANumberWhenTheFileHasNoRssOrIsMissing(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\n");
        assertTrue(Double.isNaN(ProcessMemory.rssMb(status)));
        assertTrue(Double.isNaN(ProcessMemory.rssMb(dir.resolve("absent"))));
    }

    @Test
    void heapAfterGcCountsWhatIsLiveAndNotWhatIsGarbage() {
        byte[][] live = new byte[64][];
        for (int i = 0; i < live.length; i++) {
            live[i] = new byte[1 << 20];
        }
        double withLive = ProcessMemory.heapAfterGcMb();
        assertTrue(withLive >= 64, "64 MB held, heap after GC " + withLive + " MB");
        live = null;
        double without = ProcessMemory.heapAfterGcMb();
        assertTrue(withLive - without >= 50, "released 64 MB: " + withLive + " -> " + without + " MB");
    }
}
