package io.earthmover.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the launcher, bin/earthmover, itself: the command line it builds (dry run), where it finds the
 * jar (source checkout, the image's /app layout, a symlink), and a real JVM it starts on a probe jar
 * built here (no dependency on target/earthmover.jar, which the test phase does not build).
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("bin/earthmover").toAbsolutePath();

    @TempDir
    Path tmp;

    record Result(int exit, String out) {}

    private static Result run(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", launcher.toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("EARTHMOVER_") || k.equals("JAVA_OPTS"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static List<String> tokens(Result r) {
        assertThat(r.exit()).as(r.out()).isZero();
        String line = r.out().strip();
        assertThat(line).doesNotContain("\n");
        return List.of(line.split(" "));
    }

    @Test
    void dryRunBuildsTheMeasuredCommandLine() throws Exception {
        Path jar = Files.createFile(tmp.resolve("some.jar"));
        List<String> t = tokens(run(LAUNCHER, Map.of(
                "EARTHMOVER_LAUNCHER_DRY_RUN", "1",
                "EARTHMOVER_JAR", jar.toString(),
                "EARTHMOVER_OPTS", "-Dimage.a=1 -Dimage.b=2",
                "JAVA_OPTS", "-Xmx2g -Duser.x=y"),
                "score", "--config", "/etc/earthmover/earthmover.properties", "-s", "a.b=c"));

        assertThat(t.get(0)).isEqualTo(System.getProperty("java.home") + "/bin/java");
        assertThat(t).contains("--add-modules=jdk.incubator.vector", "-XX:MaxRAMPercentage=40.0",
                "-XX:+ExitOnOutOfMemoryError");
        int jarFlag = t.indexOf("-jar");
        assertThat(t.get(jarFlag + 1)).isEqualTo(jar.toString());
        // the user's arguments, in order, right after the jar
        assertThat(t.subList(jarFlag + 2, t.size()))
                .containsExactly("score", "--config", "/etc/earthmover/earthmover.properties", "-s", "a.b=c");
        // JAVA_OPTS last among the JVM options (so they win), the image's options just before them
        assertThat(t.subList(jarFlag - 2, jarFlag)).containsExactly("-Xmx2g", "-Duser.x=y");
        assertThat(t.subList(jarFlag - 4, jarFlag - 2)).containsExactly("-Dimage.a=1", "-Dimage.b=2");
        assertThat(t.indexOf("--add-modules=jdk.incubator.vector")).isLessThan(jarFlag - 4);
    }

    @Test
    void heapAndJvmDefaultsCanBeReplaced() throws Exception {
        Path jar = Files.createFile(tmp.resolve("some.jar"));
        List<String> t = tokens(run(LAUNCHER, Map.of(
                "EARTHMOVER_LAUNCHER_DRY_RUN", "1",
                "EARTHMOVER_JAR", jar.toString(),
                "EARTHMOVER_HEAP_OPTS", "-Xms1g -Xmx1g",
                "EARTHMOVER_JVM_OPTS", "-XX:+UseZGC"), "--version"));
        assertThat(t).contains("-Xms1g", "-Xmx1g", "-XX:+UseZGC", "--add-modules=jdk.incubator.vector")
                .doesNotContain("-XX:MaxRAMPercentage=40.0", "-XX:+ExitOnOutOfMemoryError");
        assertThat(t.get(t.size() - 1)).isEqualTo("--version");
    }

    /** The image's layout: the launcher as DIR/bin/earthmover (DIR standing for /app); returns it. */
    private Path imageLauncher() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("app/bin")).getParent();
        return Files.copy(LAUNCHER, app.resolve("bin/earthmover"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** The jar the launcher's dry run names after -jar. */
    private static String jarItRuns(Path launcher) throws Exception {
        List<String> t = tokens(run(launcher, Map.of("EARTHMOVER_LAUNCHER_DRY_RUN", "1"), "score"));
        return t.get(t.indexOf("-jar") + 1);
    }

    @Test
    void findsTheJarInTheImageLayoutAndThroughASymlink() throws Exception {
        // the image: /app/bin/earthmover and /app/earthmover.jar
        Path launcher = imageLauncher();
        Path jar = Files.createFile(launcher.getParent().resolveSibling("earthmover.jar"));
        assertThat(jarItRuns(launcher)).isEqualTo(jar.toRealPath().toString());

        // a symlink elsewhere (e.g. /usr/local/bin/earthmover) still finds the jar beside the real script
        Path link = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("usr/bin")).resolve("earthmover"), launcher);
        assertThat(jarItRuns(link)).isEqualTo(jar.toRealPath().toString());

        // a source checkout: bin/earthmover and target/earthmover.jar
        Path checkout = Files.createDirectories(tmp.resolve("checkout/bin")).getParent();
        Path l2 = Files.copy(LAUNCHER, checkout.resolve("bin/earthmover"));
        Path j2 = Files.createFile(Files.createDirectories(checkout.resolve("target")).resolve("earthmover.jar"));
        assertThat(jarItRuns(l2)).isEqualTo(j2.toRealPath().toString());
    }

    @Test
    void findsTheScorerJarInTheScorerImageLayoutAndPrefersTheFullJarBesideIt() throws Exception {
        // the scorer image (-Pimage,scorer-image): /app/bin/earthmover and /app/earthmover-scorer.jar alone
        Path launcher = imageLauncher();
        Path scorer = Files.createFile(launcher.getParent().resolveSibling("earthmover-scorer.jar"));
        assertThat(jarItRuns(launcher)).isEqualTo(scorer.toRealPath().toString());

        // both (a source checkout's target/ after mvn package): the full jar, which can also train
        Path full = Files.createFile(launcher.getParent().resolveSibling("earthmover.jar"));
        assertThat(jarItRuns(launcher)).isEqualTo(full.toRealPath().toString());
    }

    @Test
    void saysHowToBuildWhenThereIsNoJar() throws Exception {
        Path launcher = Files.copy(LAUNCHER, Files.createDirectories(tmp.resolve("empty/bin")).resolve("earthmover"));
        Result r = run(launcher, Map.of(), "demo");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("mvn -B -q package -DskipTests", "EARTHMOVER_JAR");

        r = run(LAUNCHER, Map.of("EARTHMOVER_JAR", tmp.resolve("missing.jar").toString()), "demo");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("is not a file");
    }

    /** A resource only the probe's stand-in for earthmover-harness.jar holds. */
    static final String HARNESS_MARKER = "io/earthmover/harness/marker.txt";

    /** Main class of the probe jar: what the JVM the launcher started sees. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("vector=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
            System.out.println("args=" + String.join("|", args));
            System.out.println("prop=" + System.getProperty("probe.prop"));
            System.out.println("harness=" + (Probe.class.getClassLoader().getResource(HARNESS_MARKER) != null));
            System.out.println("maxHeapMiB=" + (Runtime.getRuntime().maxMemory() >> 20));
            System.out.println("env=" + new TreeSet<>(System.getenv().keySet().stream()
                    .filter(k -> k.startsWith("EARTHMOVER_")).toList()));
            System.exit(7);
        }
    }

    private Path probeJar() throws IOException {
        return probeJar(tmp.resolve("probe.jar"));
    }

    /** The probe as `jar`, its manifest naming earthmover-harness.jar on its Class-Path as the product jar's does. */
    private static Path probeJar(Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, "earthmover-harness.jar");
        String entry = Probe.class.getName().replace('.', '/') + ".class";
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, m);
             InputStream in = Probe.class.getClassLoader().getResourceAsStream(entry)) {
            jos.putNextEntry(new JarEntry(entry));
            in.transferTo(jos);
            jos.closeEntry();
        }
        return jar;
    }

    @Test
    void startsAJvmWithTheVectorModuleAndPassesArgumentsAndExitCode() throws Exception {
        Result r = run(LAUNCHER, Map.of(
                "EARTHMOVER_JAR", probeJar().toString(),
                "EARTHMOVER_OPTS", "-Dprobe.prop=image",
                "JAVA_OPTS", "-Xmx64m -Dprobe.prop=mine",
                "EARTHMOVER_SCORER_THREADS", "2"),
                "score", "--config", "x.properties");
        assertThat(r.exit()).as(r.out()).isEqualTo(7);
        assertThat(r.out()).contains("vector=true", "args=score|--config|x.properties",
                // JAVA_OPTS come last: the user's -D and -Xmx win
                "prop=mine",
                // the launcher's own variables do not reach the JVM; configuration keys do
                "env=[EARTHMOVER_SCORER_THREADS]");
        long maxHeap = Long.parseLong(r.out().replaceAll("(?s).*maxHeapMiB=(\\d+).*", "$1"));
        assertThat(maxHeap).isLessThanOrEqualTo(64);
    }

    @Test
    void theJvmItStartsFindsTheHarnessJarBesideTheProductJar() throws Exception {
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Path product = probeJar(lib.resolve("earthmover.jar"));
        Map<String, String> env = Map.of("EARTHMOVER_JAR", product.toString(), "JAVA_OPTS", "-Xmx64m");
        Result alone = run(LAUNCHER, env, "evaluate");
        assertThat(alone.exit()).as(alone.out()).isEqualTo(7);
        assertThat(alone.out()).contains("harness=false", "args=evaluate");

        try (JarOutputStream jos = new JarOutputStream(Files.newOutputStream(lib.resolve("earthmover-harness.jar")))) {
            jos.putNextEntry(new JarEntry(HARNESS_MARKER));
            jos.write("harness".getBytes(StandardCharsets.UTF_8));
            jos.closeEntry();
        }
        Result beside = run(LAUNCHER, env, "evaluate");
        assertThat(beside.exit()).as(beside.out()).isEqualTo(7);
        assertThat(beside.out()).contains("harness=true", "args=evaluate");
    }
}
