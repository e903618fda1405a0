package io.earthmover.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The jars `mvn package` builds (issue 23): target/earthmover.jar, the product and the image's only
 * jar, carries no harness class and no dependency only the harness uses; target/earthmover-harness.jar
 * carries those and nothing of the product; java -jar finds the harness's commands exactly when the
 * harness jar sits beside the product jar.
 */
class HarnessSplitIT {
    private static final Path PRODUCT = Path.of("target/earthmover.jar").toAbsolutePath();
    private static final Path HARNESS = Path.of("target/earthmover-harness.jar").toAbsolutePath();
    private static final String SERVICE = "META-INF/services/io.earthmover.cli.CommandProvider";

    @Test
    void productJarHoldsNoHarnessClassNorRandomCutForest() throws IOException {
        List<String> names = JavaJar.entries(PRODUCT);
        assertThat(names).contains("io/earthmover/cli/Main.class", "io/earthmover/cli/CommandProvider.class",
                "io/earthmover/score/ScorerApp.class");
        assertThat(names).filteredOn(n -> n.startsWith("io/earthmover/harness/")).isEmpty();
        assertThat(names).filteredOn(n -> n.startsWith("com/amazon/randomcutforest/")).isEmpty();
        assertThat(names).doesNotContain(SERVICE);
        try (JarFile f = new JarFile(PRODUCT.toFile())) {
            Attributes main = f.getManifest().getMainAttributes();
            assertThat(main.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo("io.earthmover.cli.Main");
            assertThat(main.getValue(Attributes.Name.CLASS_PATH)).isEqualTo("earthmover-harness.jar");
        }
    }

    @Test
    void harnessJarHoldsTheHarnessAndItsOwnDependenciesOnly() throws IOException {
        List<String> names = JavaJar.entries(HARNESS);
        assertThat(names).contains("io/earthmover/harness/cli/EvaluateCommand.class",
                "io/earthmover/harness/cli/DemoCommand.class", "io/earthmover/harness/cli/BenchCommand.class",
                "io/earthmover/harness/eval/RcfDetector.class", SERVICE,
                "com/amazon/randomcutforest/RandomCutForest.class");
        assertThat(names).as("no second copy of the product or its dependencies")
                .filteredOn(n -> !n.endsWith("/") && !n.startsWith("io/earthmover/harness/")
                        && !n.startsWith("com/amazon/randomcutforest/") && !n.startsWith("META-INF/"))
                .isEmpty();
        try (JarFile f = new JarFile(HARNESS.toFile())) {
            String service = new String(f.getInputStream(f.getEntry(SERVICE)).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(service.strip()).isEqualTo("io.earthmover.harness.cli.HarnessCommands");
        }
    }

    @Test
    void javaJarRunsTheHarnessCommandsOnlyWithTheHarnessJarBesideIt() throws Exception {
        JavaJar.Run beside = JavaJar.run(PRODUCT, "evaluate", "--help");
        assertThat(beside.exit()).as(beside.out()).isZero();
        assertThat(beside.out()).contains("Usage: earthmover evaluate");

        // the product jar alone, as in the image: a hard link (the JVM follows a symbolic one back to
        // target/), or a copy where target/ cannot hold one
        Path dir = Files.createTempDirectory(PRODUCT.getParent(), "product-alone");
        Path alone = dir.resolve("earthmover.jar");
        try {
            Files.createLink(alone, PRODUCT);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(PRODUCT, alone);
        }
        JavaJar.Run missing = JavaJar.run(alone, "evaluate", "nab", "--help");
        assertThat(missing.exit()).as(missing.out()).isEqualTo(2);
        assertThat(missing.out()).contains(
                "evaluate is part of the benchmark harness: earthmover-harness.jar is not on the class path");
        JavaJar.Run help = JavaJar.run(alone, "--help");
        assertThat(help.exit()).as(help.out()).isZero();
        assertThat(help.out()).contains("score", "train", "broker").doesNotContain("evaluate", "demo");
        Files.delete(alone);
        Files.delete(dir);
    }
}
