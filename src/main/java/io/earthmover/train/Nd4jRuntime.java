package io.earthmover.train;

import java.util.Properties;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** ND4J process settings: threads and data type, and a one-line description for the logs. */
public final class Nd4jRuntime {
    private Nd4jRuntime() {
    }

    /**
     * Sets ND4J's OpenMP and master threads (environment variables cannot be changed from Java)
     * float32 as the default data type and no per-op profiling; returns e.g.
     * {@code ND4J backend CpuBackend, device cpu (2 cores, blas openblas), 1 thread(s)}.
     * For these small networks one thread is fastest; more help only for much wider layers.
     */
    public static synchronized String configure(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        // the default SCOPE_PANIC checks every op's workspace scope: a debugging aid, not for production
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
        return describe();
    }

    /** Backend, device and thread count now in effect. */
    public static String describe() {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        boolean cuda = backend.toLowerCase().contains("cuda") || env.containsKey("cuda.devicesInformation");
        String device = cuda ? "cuda " + env.getOrDefault("cuda.devicesInformation", "?")
                : "cpu (" + env.getOrDefault("cores", Runtime.getRuntime().availableProcessors()) + " cores, blas "
                        + env.getOrDefault("blas.vendor", "?") + ")";
        int threads = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
        return "ND4J backend " + backend + ", device " + device + ", " + threads + " thread(s), default "
                + Nd4j.dataType();
    }
}
