package io.earthmover.reliability;

import io.earthmover.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code earthmover <args>} in a child JVM with the test class path, so that a crash can be real
 * ({@code kill -9}). Its stdout and stderr (the logs) go to files the test can read.
 */
final class ScorerProcess implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("metrics on http://[^:]+:(\\d+)/metrics");
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ScorerProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Starts the child. {@code logConfig}, when not null, replaces the packaged Log4j2 configuration
     * (the security test turns Kafka's own logging up to INFO, where clients print their settings).
     */
    static ScorerProcess start(List<String> args, Map<String, String> env, Path logDir, String name, Path logConfig)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        if (logConfig != null) {
            cmd.add("-Dlog4j2.configurationFile=" + logConfig);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().putAll(env);
        return new ScorerProcess(pb.start(), out, err);
    }

    /** The port of /metrics and /health, once the scorer has printed that it runs. */
    int awaitRunning(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Matcher m = PORT.matcher(Files.readString(stdout, StandardCharsets.UTF_8));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!process.isAlive()) {
                throw new AssertionError("child exited with " + process.exitValue() + " before running:\n" + stderr());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("child not running after " + timeout.toSeconds() + " s:\n" + stderr());
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    int exitValue() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    String stdout() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    /** SIGTERM and wait: the scorer's shutdown hook closes Streams cleanly. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
