package io.earthmover.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.earthmover.cli.CliRun;
import io.earthmover.harness.bench.TrainingDevice;
import org.junit.jupiter.api.Test;

class BenchTrainCommandTest {

    @Test
    void gpuOnTheDefaultBuildIsRefusedWithAClearMessageAndANonZeroExit() {
        CliRun r = CliRun.of("bench", "train", "--device", "gpu");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("no ND4J GPU backend").contains("mvn -Pcuda");
        assertThat(r.out()).doesNotContain("samples/s");
    }

    @Test
    void anUnknownDeviceIsAUsageError() {
        CliRun r = CliRun.of("bench", "train", "--device", "tpu");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("cpu or gpu");
    }

    @Test
    void theShareOfPeakDefaultsToTheH200Fp32DatasheetFigureOnGpu() {
        assertThat(BenchTrainCommand.peakGflops(TrainingDevice.GPU, null, 123.0)).isEqualTo(67_000.0);
        assertThat(BenchTrainCommand.peakGflops(TrainingDevice.CPU, null, 123.0)).isEqualTo(123.0);
        assertThat(BenchTrainCommand.peakGflops(TrainingDevice.GPU, 51.2, 123.0)).isEqualTo(51_200.0);
    }

    @Test
    void aSmallCpuRunPrintsSamplesPerSecondAndTheShareOfPeak() {
        CliRun r = CliRun.of("bench", "train", "--device", "cpu", "--critic-hidden", "8,8", "--generator-hidden", "8,8",
                "--batch", "16", "--iterations", "2", "--warmup", "1", "--seconds", "0.1", "--peak-tflops", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("device cpu").contains("% of peak").contains("(--peak-tflops)").containsPattern("samples/s cpu: \\d+");
    }
}
