package io.earthmover.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class TrainingDeviceTest {

    @Test
    void parsesCpuAndGpuInAnyCaseAndCudaAsGpu() {
        assertThat(TrainingDevice.parse("cpu")).isEqualTo(TrainingDevice.CPU);
        assertThat(TrainingDevice.parse(" GPU ")).isEqualTo(TrainingDevice.GPU);
        assertThat(TrainingDevice.parse("cuda")).isEqualTo(TrainingDevice.GPU);
        assertThatThrownBy(() -> TrainingDevice.parse("tpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cpu or gpu");
        assertThatThrownBy(() -> TrainingDevice.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultBuildHoldsTheCpuBackendOnly() {
        // CI builds without -Pcuda: this is what `bench train --device gpu` is refused on
        assertThat(TrainingDevice.present(getClass().getClassLoader())).containsExactly(TrainingDevice.CPU);
    }

    @Test
    void gpuIsRefusedWithoutTheCudaBackendAndSaysHowToBuildIt() {
        String why = TrainingDevice.GPU.refusal(EnumSet.of(TrainingDevice.CPU));
        assertThat(why).contains("no ND4J GPU backend").contains("org.nd4j.linalg.jcublas.JCublasBackend")
                .contains("mvn -Pcuda").contains("it has cpu (org.nd4j.linalg.cpu.nativecpu.CpuBackend)").doesNotContain("null");
        assertThat(TrainingDevice.GPU.refusal(EnumSet.of(TrainingDevice.GPU))).isNull();
    }

    @Test
    void cpuIsRefusedOnACudaOnlyBuild() {
        assertThat(TrainingDevice.CPU.refusal(EnumSet.of(TrainingDevice.GPU))).contains("no ND4J CPU backend")
                .contains("default build");
        assertThat(TrainingDevice.CPU.refusal(EnumSet.noneOf(TrainingDevice.class))).contains("no ND4J backend");
        assertThat(TrainingDevice.CPU.refusal(EnumSet.of(TrainingDevice.CPU))).isNull();
    }

    @Test
    void aLoadedBackendOtherThanTheDevicesIsAMismatch() {
        assertThat(TrainingDevice.CPU.mismatch("org.nd4j.linalg.cpu.nativecpu.CpuBackend")).isNull();
        assertThat(TrainingDevice.GPU.mismatch("org.nd4j.linalg.cpu.nativecpu.CpuBackend")).contains("ND4J loaded");
    }
}
