package io.earthmover.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's configuration table true: every key, with its default, is in it. */
class ReadmeConfigTableTest {
    @Test
    void readmeListsEveryKeyWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        StringBuilder table = new StringBuilder("| key | default | allowed | meaning |\n|---|---|---|---|\n");
        boolean missing = false;
        for (ConfigKey<?> k : ConfigKeys.all()) {
            String row = "| `" + k.name() + "` | `" + k.defaultText() + "` |";
            table.append(row).append(' ').append(k.allowed()).append(" | ").append(k.description()).append(" |\n");
            missing |= !readme.contains(row);
        }
        assertThat(missing).as("README configuration table is out of date; expected rows:\n%s", table).isFalse();
    }
}
