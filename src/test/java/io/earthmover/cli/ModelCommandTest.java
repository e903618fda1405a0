package io.earthmover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.harness.bench.ScoringBenchmark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream saved;

    @BeforeEach
    void capture() {
        saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(saved);
    }

    @Test
    void verifyAcceptsValidBundleAndInspectPrintsManifest() throws Exception {
        Path f = dir.resolve("m.zip");
        ScoringBenchmark.referenceBundle(4, new int[] {8}, 1).write(f);
        assertThat(Main.run("model", "verify", f.toString())).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK ").contains("sha256");
        out.reset();
        assertThat(Main.run("model", "inspect", f.toString())).isEqualTo(ExitCodes.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"formatVersion\" : " + io.earthmover.model.ModelBundle.FORMAT_VERSION, "\"featureNames\"");
    }

    @Test
    void inspectSummarisesTheCalibrationTableUnlessAskedForAll() throws Exception {
        Path f = dir.resolve("m.zip");
        ScoringBenchmark.referenceBundle(4, new int[] {8}, 1).write(f);
        assertThat(Main.run("model", "inspect", f.toString())).isEqualTo(ExitCodes.OK);
        String summary = out.toString(StandardCharsets.UTF_8);
        assertThat(summary).contains("\"criticValues\" : \"", " values from ", "(--full shows them)", "\"featureNames\"");
        out.reset();
        assertThat(Main.run("model", "inspect", "--full", f.toString())).isEqualTo(ExitCodes.OK);
        String full = out.toString(StandardCharsets.UTF_8);
        assertThat(full).doesNotContain("--full shows them").contains("\"criticValues\" : [");
        assertThat(summary.length()).as("the summary is a summary").isLessThan(full.length() / 5);
    }

    @Test
    void verifyRefusesTruncatedBundleWithReason() throws Exception {
        Path f = dir.resolve("m.zip");
        byte[] z = ScoringBenchmark.referenceBundle(4, new int[] {8}, 1).toBytes();
        Files.write(f, Arrays.copyOf(z, z.length - 40));
        assertThat(Main.run("model", "verify", f.toString())).isEqualTo(ExitCodes.FAILURE);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("INVALID ").contains("FORMAT");
    }

    @Test
    void missingFileIsAUsageError() {
        assertThat(Main.run("model", "verify", dir.resolve("nope.zip").toString())).isEqualTo(ExitCodes.USAGE);
    }
}
