package io.earthmover.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The product jar leaves the harness out (issue 23), so no product class may name a harness class
 * or a dependency only the harness brings (Random Cut Forest): such a reference compiles, then fails
 * with NoClassDefFoundError in the image. Read from the compiled classes, which also show fully
 * qualified and reflective uses (Class.forName strings) that imports do not.
 */
class ProductIndependenceTest {
    private static final List<String> HARNESS_ONLY = List.of("io/earthmover/harness/", "io.earthmover.harness.",
            "com/amazon/randomcutforest/", "com.amazon.randomcutforest.");

    @Test
    void noProductClassNamesTheHarnessOrItsDependencies() throws Exception {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path harness = classes.resolve("io/earthmover/harness");
        try (Stream<Path> files = Files.walk(classes.resolve("io/earthmover"))) {
            List<Path> product = files.filter(p -> p.toString().endsWith(".class") && !p.startsWith(harness)).toList();
            assertThat(product).as("product classes").hasSizeGreaterThan(100);
            assertThat(product).filteredOn(ProductIndependenceTest::namesHarnessOnlyCode).isEmpty();
        }
    }

    private static boolean namesHarnessOnlyCode(Path classFile) {
        try {
            String text = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            return HARNESS_ONLY.stream().anyMatch(text::contains);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
