package io.earthmover.harness.cli;

import io.earthmover.cli.ExitCodes;
import io.earthmover.cli.UserException;
import io.earthmover.harness.bench.TrainingBenchmark;
import io.earthmover.harness.bench.TrainingDevice;
import io.earthmover.train.Nd4jRuntime;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code earthmover bench train}: WGAN-GP training throughput on the CPU or (jar built with
 * {@code -Pcuda}) the GPU, against the device's peak FLOP/s.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Samples/s of one critic step and of one full iteration (n_critic critic steps + 1 generator step)",
                "on generated data, a fixed number of timed iterations after a warm-up, and the share of the device's",
                "peak FLOP/s from the gemm FLOPs counted per step. --device gpu needs a jar built with mvn -Pcuda",
                "(ND4J's CUDA backend) and is refused otherwise. Peak: --peak-tflops, else for cpu the ND4J float",
                "gemm rate measured in the same run, for gpu " + BenchTrainCommand.H200_FP32_TFLOPS
                        + " TFLOP/s (H200/H100 SXM fp32 without tensor cores, NVIDIA datasheet)."})
public final class BenchTrainCommand implements Callable<Integer> {
    /** NVIDIA H200 (and H100) SXM datasheet: FP32 67 TFLOPS (non-tensor-core). */
    static final double H200_FP32_TFLOPS = 67.0;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu", description = "Where ND4J trains (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--features", defaultValue = "32", description = "Critic input size (default: ${DEFAULT-VALUE})")
    int features;

    @Option(names = "--latent", defaultValue = "16", description = "Generator latent size (default: ${DEFAULT-VALUE})")
    int latent;

    @Option(names = "--critic-hidden", defaultValue = "256,256", split = ",", description = "Critic hidden sizes (default: ${DEFAULT-VALUE})")
    int[] criticHidden;

    @Option(names = "--generator-hidden", defaultValue = "256,256", split = ",", description = "Generator hidden sizes (default: ${DEFAULT-VALUE})")
    int[] generatorHidden;

    @Option(names = "--batch", defaultValue = "4096", description = "Batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--critic-steps", defaultValue = "5", description = "Critic steps per iteration (default: ${DEFAULT-VALUE})")
    int criticSteps;

    @Option(names = "--iterations", defaultValue = "10", description = "Timed critic steps, then timed full iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs before each timing (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--threads", defaultValue = "1", description = "ND4J/OpenMP threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--peak-tflops", paramLabel = "T", description = "The device's peak FLOP/s in TFLOP/s for the share of peak"
            + " (default: measured gemm on cpu, " + H200_FP32_TFLOPS + " on gpu)")
    Double peakTflops;

    @Option(names = "--seconds", defaultValue = "2", description = "Time for measuring the ND4J float gemm rate (default: ${DEFAULT-VALUE})")
    double seconds;

    @Override
    public Integer call() {
        TrainingDevice dev = parseDevice(device);
        validate();
        // refuse before ND4J loads any native library: the backend is fixed by the build
        String refusal = dev.refusal(TrainingDevice.present(BenchTrainCommand.class.getClassLoader()));
        if (refusal != null) {
            throw new UserException(refusal);
        }
        try {
            System.out.println(Nd4jRuntime.configure(threads));
        } catch (RuntimeException | LinkageError e) {
            // e.g. the CUDA jar on a machine without a usable GPU, driver or CUDA 11 libraries
            throw new UserException("--device " + device + ": ND4J's " + dev.name() + " backend did not start: " + rootCause(e), e);
        }
        String loaded = Nd4j.getBackend().getClass().getName();
        String mismatch = dev.mismatch(loaded);
        if (mismatch != null) {
            throw new UserException(mismatch);
        }
        System.out.printf(Locale.ROOT, "device %s; reference: critic %d-%s-1, generator %d-%s-%d, batch %d, %d critic steps per iteration,"
                        + " %d timed after %d warm-up%n", dev.name().toLowerCase(Locale.ROOT), features, join(criticHidden), latent,
                join(generatorHidden), features, batch, criticSteps, iterations, warmup);
        TrainingBenchmark.Result r = TrainingBenchmark.run(features, latent, criticHidden, generatorHidden, batch,
                criticSteps, warmup, iterations, seconds);
        double gemm = r.gemmPeakGflops();
        double peak = peakGflops(dev, peakTflops, gemm);
        String peakSource = peakTflops != null ? "--peak-tflops"
                : dev == TrainingDevice.GPU ? "H200 fp32 datasheet default" : "measured ND4J gemm";
        System.out.printf(Locale.ROOT, "ND4J float gemm:       %8.1f GFLOP/s (%dx%d x %dx%d); per CPU-second %.1f%n", gemm,
                r.peakSize(), r.peakSize(), r.peakSize(), r.peakSize(), r.gemmPeakCpuGflops());
        System.out.printf(Locale.ROOT, "peak for the share:    %8.1f GFLOP/s (%s)%n", peak, peakSource);
        System.out.printf(Locale.ROOT, "critic step:           %,10.0f samples/s  %8.2f ms  %8.1f GFLOP/s  %5.1f %% of peak  (%.1f MFLOP gemm)%n",
                r.criticStep().samplesPerSecond(), r.criticStep().secondsPerUnit() * 1e3, r.criticStep().gflops(),
                100 * r.criticStep().gflops() / peak, r.criticFlopsPerStep() / 1e6);
        System.out.printf(Locale.ROOT, "full iteration:        %,10.0f samples/s  %8.2f ms  %8.1f GFLOP/s  %5.1f %% of peak  (%.1f MFLOP gemm)%n",
                r.iteration().samplesPerSecond(), r.iteration().secondsPerUnit() * 1e3, r.iteration().gflops(),
                100 * r.iteration().gflops() / peak, r.iterationFlops() / 1e6);
        if (dev == TrainingDevice.CPU) {
            System.out.printf(Locale.ROOT, "per CPU-second (this thread): critic step %.1f GFLOP/s = %.1f %% of the CPU-time gemm peak,"
                            + " iteration %.1f GFLOP/s = %.1f %%%n", r.criticStep().cpuGflops(),
                    100 * r.criticStep().cpuGflops() / r.gemmPeakCpuGflops(), r.iteration().cpuGflops(),
                    100 * r.iteration().cpuGflops() / r.gemmPeakCpuGflops());
        }
        System.out.printf(Locale.ROOT, "samples/s %s: %.0f%n", dev.name().toLowerCase(Locale.ROOT), r.iteration().samplesPerSecond());
        System.out.println("(samples/s = real samples through critic steps; FLOPs = gemm work only)");
        return ExitCodes.OK;
    }

    static TrainingDevice parseDevice(String s) {
        try {
            return TrainingDevice.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UserException("--device: " + e.getMessage());
        }
    }

    /** The peak the share is taken of, in GFLOP/s. */
    static double peakGflops(TrainingDevice dev, Double peakTflops, double measuredGemmGflops) {
        if (peakTflops != null) {
            return peakTflops * 1e3;
        }
        return dev == TrainingDevice.GPU ? H200_FP32_TFLOPS * 1e3 : measuredGemmGflops;
    }

    private void validate() {
        if (features < 1 || latent < 1 || batch < 2 || criticSteps < 1 || threads < 1 || iterations < 1 || warmup < 0
                || !(seconds > 0) || Arrays.stream(criticHidden).anyMatch(h -> h < 1)
                || Arrays.stream(generatorHidden).anyMatch(h -> h < 1)) {
            throw new UserException("sizes, batch, steps, iterations, threads and seconds must be positive (warmup >= 0)");
        }
        if (peakTflops != null && !(peakTflops > 0)) {
            throw new UserException("--peak-tflops must be positive");
        }
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        StringBuilder sb = new StringBuilder(String.valueOf(e));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            sb.append(" <- ").append(t);
        }
        return sb.toString();
    }

    private static String join(int[] a) {
        return String.join("-", Arrays.stream(a).mapToObj(Integer::toString).toList());
    }
}
