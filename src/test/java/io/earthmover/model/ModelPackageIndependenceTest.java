package io.earthmover.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scorer loads {@code model}; it must stay plain Java: no ND4J (nor DL4J) in its sources or
 * in its compiled classes (the class files catch fully qualified uses that no import shows).
 */
class ModelPackageIndependenceTest {
    private static final List<String> FORBIDDEN = List.of("org.nd4j", "org.deeplearning4j", "org/nd4j", "org/deeplearning4j");

    @Test
    void modelSourcesImportNoNd4j() throws IOException {
        Path sources = Path.of("src/main/java/io/earthmover/model");
        assertThat(sources).isDirectory();
        assertThat(offenders(sources, ".java")).isEmpty();
    }

    @Test
    void modelClassesReferenceNoNd4j() throws Exception {
        Path classes = Path.of(ModelBundle.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/earthmover/model");
        assertThat(classes).isDirectory();
        assertThat(offenders(classes, ".class")).isEmpty();
    }

    private static List<String> offenders(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(suffix)).toList();
            assertThat(all).as("files in " + dir).isNotEmpty();
            return all.stream().filter(p -> {
                String text = new String(read(p), StandardCharsets.ISO_8859_1);
                return FORBIDDEN.stream().anyMatch(text::contains);
            }).map(Path::toString).toList();
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
