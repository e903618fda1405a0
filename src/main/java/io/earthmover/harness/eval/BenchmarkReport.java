package io.earthmover.harness.eval;

import java.nio.file.Path;

/**
 * What a benchmark run hands back to the command line.
 *
 * @param consoleTable the results table as aligned text
 * @param reportFile the Markdown report (plots next to it)
 * @param seconds wall time of the whole benchmark
 */
public record BenchmarkReport(String consoleTable, Path reportFile, double seconds) {
}
