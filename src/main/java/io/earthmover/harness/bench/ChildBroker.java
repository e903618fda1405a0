package io.earthmover.harness.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The product's {@code earthmover broker} in a JVM of its own, started from this JVM's java and
 * class path: a benchmark that judges the scorer's memory must not count a broker's (in production
 * the broker is another machine). Its output goes to a log file; {@link #close} stops it and waits.
 */
public final class ChildBroker implements AutoCloseable {
    /** The line {@code earthmover broker} prints once it serves (BrokerCommand). */
    static final Pattern READY = Pattern.compile("Kafka broker ready: bootstrap.servers=(\\S+)");
    /** The child's heap: the broker's log and index files are off-heap; its heap stays small. */
    static final String HEAP = "-Xmx512m";

    private final Process process;
    private final String bootstrapServers;
    private final Path log;

    private ChildBroker(Process process, String bootstrapServers, Path log) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.log = log;
    }

    /** Starts the broker on {@code port} (0 = a free one) and waits until it says it is ready. */
    public static ChildBroker start(int port, Duration timeout) throws IOException, InterruptedException {
        Path log = Files.createTempFile("earthmover-child-broker-", ".log");
        Process p = new ProcessBuilder(command(port)).redirectErrorStream(true).start();
        try {
            String servers = awaitReady(p, log, timeout);
            return new ChildBroker(p, servers, log);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** This JVM's java and class path running {@code earthmover broker --port PORT}. */
    static List<String> command(int port) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, HEAP, "-cp", System.getProperty("java.class.path"),
                "io.earthmover.cli.Main", "broker", "--port", Integer.toString(port)));
        return cmd;
    }

    /** Copies the child's output to {@code log} and returns the bootstrap servers of its ready line. */
    private static String awaitReady(Process p, Path log, Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread copier = new Thread(() -> copy(p, log, ready), "child-broker-log");
        copier.setDaemon(true);
        copier.start();
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not say it was ready within " + timeout + "; its output: " + log);
        } catch (ExecutionException e) {
            throw new IOException("the broker exited before it was ready; its output: " + log, e.getCause());
        }
    }

    private static void copy(Process p, Path log, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.write(line);
                out.newLine();
                out.flush();
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    ready.complete(m.group(1));
                }
            }
            ready.completeExceptionally(new IOException("exit code " + p.waitFor()));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready.completeExceptionally(e);
        }
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The child's resident set size from /proc (Linux); NaN elsewhere or once it has exited. */
    public double rssMb() {
        return ProcessMemory.rssMb(Path.of("/proc", Long.toString(process.pid()), "status"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the broker command shuts down and deletes its temporary data
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a leftover log in the temporary directory is harmless
        }
    }
}
