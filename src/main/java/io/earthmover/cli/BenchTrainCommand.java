package io.earthmover.cli;

import io.earthmover.train.Nd4jRuntime;
import io.earthmover.harness.bench.TrainingBenchmark;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code earthmover bench train}: WGAN-GP training throughput against the machine's gemm peak. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Samples/s of one critic step and of one full iteration (n_critic critic steps + 1 generator step)",
                "at the reference size, next to this machine's ND4J float gemm GFLOP/s measured in the same run."})
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--features", defaultValue = "32", description = "Critic input size (default: ${DEFAULT-VALUE})")
    int features;

    @Option(names = "--latent", defaultValue = "16", description = "Generator latent size (default: ${DEFAULT-VALUE})")
    int latent;

    @Option(names = "--critic-hidden", defaultValue = "128,128", split = ",", description = "Critic hidden sizes (default: ${DEFAULT-VALUE})")
    int[] criticHidden;

    @Option(names = "--generator-hidden", defaultValue = "128,128", split = ",", description = "Generator hidden sizes (default: ${DEFAULT-VALUE})")
    int[] generatorHidden;

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--critic-steps", defaultValue = "5", description = "Critic steps per iteration (default: ${DEFAULT-VALUE})")
    int criticSteps;

    @Option(names = "--threads", defaultValue = "1", description = "ND4J/OpenMP threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--seconds", defaultValue = "4", description = "Measuring time per figure (default: ${DEFAULT-VALUE})")
    double seconds;

    @Override
    public Integer call() {
        if (features < 1 || latent < 1 || batch < 2 || criticSteps < 1 || threads < 1 || !(seconds > 0)) {
            throw new UserException("sizes, batch, steps, threads and seconds must be positive");
        }
        System.out.println(Nd4jRuntime.configure(threads));
        System.out.printf(Locale.ROOT, "reference: critic %d-%s-1, generator %d-%s-%d, batch %d, %d critic steps per iteration%n",
                features, join(criticHidden), latent, join(generatorHidden), features, batch, criticSteps);
        TrainingBenchmark.Result r = TrainingBenchmark.run(features, latent, criticHidden, generatorHidden, batch,
                criticSteps, seconds);
        double peak = r.gemmPeakGflops();
        System.out.printf(Locale.ROOT, "ND4J float gemm peak:  %8.1f GFLOP/s (%dx%d x %dx%d); per CPU-second %.1f%n", peak,
                r.peakSize(), r.peakSize(), r.peakSize(), r.peakSize(), r.gemmPeakCpuGflops());
        System.out.printf(Locale.ROOT, "critic step:           %,10.0f samples/s  %7.2f ms  %6.1f GFLOP/s  %5.1f %% of peak  (%.1f MFLOP gemm)%n",
                r.criticStep().samplesPerSecond(), r.criticStep().secondsPerUnit() * 1e3, r.criticStep().gflops(),
                100 * r.criticStep().gflops() / peak, r.criticFlopsPerStep() / 1e6);
        System.out.printf(Locale.ROOT, "full iteration:        %,10.0f samples/s  %7.2f ms  %6.1f GFLOP/s  %5.1f %% of peak  (%.1f MFLOP gemm)%n",
                r.iteration().samplesPerSecond(), r.iteration().secondsPerUnit() * 1e3, r.iteration().gflops(),
                100 * r.iteration().gflops() / peak, r.iterationFlops() / 1e6);
        System.out.printf(Locale.ROOT, "per CPU-second (this thread): critic step %.1f GFLOP/s = %.1f %% of the CPU-time peak,"
                        + " iteration %.1f GFLOP/s = %.1f %%%n", r.criticStep().cpuGflops(),
                100 * r.criticStep().cpuGflops() / r.gemmPeakCpuGflops(), r.iteration().cpuGflops(),
                100 * r.iteration().cpuGflops() / r.gemmPeakCpuGflops());
        System.out.println("(samples/s = real samples through critic steps; target: training >= 40 % of the gemm peak)");
        return ExitCodes.OK;
    }

    private static String join(int[] a) {
        return String.join("-", Arrays.stream(a).mapToObj(Integer::toString).toList());
    }
}
