package io.earthmover.score;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the model from a bundle file, and again whenever the file's modification time changes. */
public final class FileModelSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileModelSource.class);
    private final Path file;
    private final ModelHolder holder;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "earthmover-model-file");
        t.setDaemon(true);
        return t;
    });
    private FileTime seen;

    public FileModelSource(Path file, ModelHolder holder) {
        this.file = file;
        this.holder = holder;
    }

    public FileModelSource start() {
        check();
        timer.scheduleWithFixedDelay(this::check, 5, 5, TimeUnit.SECONDS);
        return this;
    }

    private synchronized void check() {
        try {
            FileTime t = Files.getLastModifiedTime(file);
            if (t.equals(seen)) {
                return;
            }
            seen = t;
            holder.offer(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            LOG.warn("cannot read model file {}: {}", file, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
