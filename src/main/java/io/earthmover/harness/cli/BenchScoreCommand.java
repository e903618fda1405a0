package io.earthmover.harness.cli;

import io.earthmover.cli.ExitCodes;
import io.earthmover.cli.UserException;
import io.earthmover.harness.bench.ScoringBenchmark;
import io.earthmover.model.InvalidModelException;
import io.earthmover.model.ModelBundle;
import io.earthmover.train.Nd4jRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code earthmover bench score}: records/s of the plain-Java scorer next to ND4J batch scoring. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = {"Records/s of the plain-Java critic on one thread, with attribution and forward only, next to",
                "the previous FastScorer (6954b87) and ND4J batch-256 scoring in the same run. Uses the reference",
                "critic 32-128-128-1 with random weights unless --model is given."})
public final class BenchScoreCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", description = "Benchmark this bundle instead of the reference critic")
    Path model;

    @Option(names = "--features", defaultValue = "32", description = "Reference critic input size (default: ${DEFAULT-VALUE})")
    int features;

    @Option(names = "--hidden", defaultValue = "128,128", split = ",", description = "Reference critic hidden sizes (default: ${DEFAULT-VALUE})")
    int[] hidden;

    @Option(names = "--layer-norm", description = "Reference critic with layer norm in its hidden layers (random gains and shifts)")
    boolean layerNorm;

    @Option(names = "--top-k", defaultValue = "3", description = "Attributions per record (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--seconds", defaultValue = "3", description = "Measuring time per figure (default: ${DEFAULT-VALUE})")
    double seconds;

    @Override
    public Integer call() throws IOException {
        if (features < 1 || topK < 0 || !(seconds > 0)) {
            throw new UserException("features and seconds must be positive, top-k not negative");
        }
        System.out.println(Nd4jRuntime.configure(1));
        ModelBundle b;
        try {
            b = model != null ? ModelBundle.read(model) : ScoringBenchmark.referenceBundle(features, hidden, 7, layerNorm);
        } catch (InvalidModelException e) {
            throw new UserException(e.getMessage(), e);
        }
        ScoringBenchmark.Result r = ScoringBenchmark.run(b, topK, seconds);
        System.out.printf(Locale.ROOT, "critic %s, top-%d attribution; service kernel in this JVM: %s%n", r.architecture(), topK,
                r.kernelChoice());
        System.out.println("FastScorer, 1 thread, per record (variants measured in interleaved rounds, same run):");
        double previous = r.fast().get(0).recordsPerSecond();
        for (ScoringBenchmark.Rate f : r.fast()) {
            System.out.printf(Locale.ROOT, "  %-52s %,12.0f records/s  (%.2f us/record, %.2fx previous)%n", f.name(),
                    f.recordsPerSecond(), f.microsPerRecord(), f.recordsPerSecond() / previous);
        }
        System.out.printf(Locale.ROOT, "ND4J batch %d, forward only:           %,12.0f records/s%n", ScoringBenchmark.ND4J_BATCH,
                r.nd4jRecordsPerSecond());
        System.out.printf(Locale.ROOT, "ND4J batch %d, forward + input grad:   %,12.0f records/s%n", ScoringBenchmark.ND4J_BATCH,
                r.nd4jWithGradientPerSecond());
        System.out.printf(Locale.ROOT, "largest |FastScorer - ND4J| critic difference: %.2e%n", r.maxAbsDifference());
        System.out.println("(target: FastScorer with attribution >= 500,000 records/s per core; the Vector API kernel needs");
        System.out.println(" --add-modules jdk.incubator.vector, as bin/earthmover and the container image pass it; plain java -jar uses the scalar one)");
        return ExitCodes.OK;
    }
}
