package io.earthmover.testutil;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Apicurio Registry (the app Maven Central publishes, io.apicurio:apicurio-registry-app:3.3.3,
 * classifier {@code all}, a Quarkus fast-jar tarball: a test-scoped dependency of the pom, so Maven
 * fetches it) started as a child JVM on 127.0.0.1 and a free port, with its default in-memory H2
 * storage; stopped on close. The app needs Java 21 or newer: the JDK is taken from
 * {@code -Dearthmover.registry.java=/path/to/bin/java}, else the newest JDK of 21+ under
 * /usr/lib/jvm; without one the test is skipped with a message saying so.
 */
public final class ApicurioRegistry implements AutoCloseable {
    public static final String VERSION = "3.3.3";
    private final Process process;
    private final int port;
    private final Path log;

    private ApicurioRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The serdes' {@code apicurio.registry.url}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/registry/v3";
    }

    public static ApicurioRegistry start() throws IOException, InterruptedException {
        Path tarball = tarball();
        Assumptions.assumeTrue(Files.isRegularFile(tarball), "Apicurio Registry app not found at " + tarball
                + ": run Maven online once (it is a test dependency) or set -Dearthmover.apicurio.tarball");
        String java = java21();
        Assumptions.assumeTrue(java != null, "Apicurio Registry " + VERSION + " needs Java 21+: none under /usr/lib/jvm;"
                + " install one or set -Dearthmover.registry.java=/path/to/bin/java");
        Path dir = Path.of("target", "apicurio-registry-" + VERSION).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("quarkus-run.jar"))) {
            Files.createDirectories(dir);
            Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", dir.toString()).inheritIO().start();
            if (tar.waitFor() != 0) {
                throw new IOException("cannot unpack " + tarball);
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("apicurio-registry", ".log");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.enabled=false", "-Dquarkus.otel.enabled=false",
                "-jar", dir.resolve("quarkus-run.jar").toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ApicurioRegistry r = new ApicurioRegistry(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String out = Files.readString(log);
                throw new IllegalStateException("Apicurio Registry exited with " + p.exitValue() + ":\n"
                        + out.substring(Math.max(0, out.length() - 4000)));
            }
            if (r.up()) {
                return r;
            }
            Thread.sleep(500);
        }
        r.close();
        throw new IllegalStateException("Apicurio Registry not up in 180 s; log " + log);
    }

    private boolean up() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/system/info").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    static Path tarball() {
        String p = System.getProperty("earthmover.apicurio.tarball");
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        String repo = System.getProperty("maven.repo.local");
        Path base = repo != null && !repo.isBlank() ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
        return base.resolve(Path.of("io", "apicurio", "apicurio-registry-app", VERSION,
                "apicurio-registry-app-" + VERSION + "-all.tar.gz"));
    }

    static String java21() throws IOException {
        String p = System.getProperty("earthmover.registry.java");
        if (p != null && !p.isBlank()) {
            return p;
        }
        if (Runtime.version().feature() >= 21) {
            return ProcessHandle.current().info().command().orElse(null);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        String best = null;
        int bestVersion = 0;
        try (Stream<Path> s = Files.list(jvms)) {
            for (Path d : s.toList()) {
                Path release = d.resolve("release");
                Path bin = d.resolve("bin").resolve("java");
                if (!Files.isRegularFile(release) || !Files.isExecutable(bin)) {
                    continue;
                }
                for (String line : Files.readAllLines(release)) {
                    if (line.startsWith("JAVA_VERSION=")) {
                        String v = line.substring(13).replace("\"", "");
                        int major = Integer.parseInt(v.split("[.+-]")[0]);
                        if (major >= 21 && major > bestVersion) {
                            bestVersion = major;
                            best = bin.toString();
                        }
                    }
                }
            }
        } catch (NumberFormatException e) {
            return best;
        }
        return best;
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
