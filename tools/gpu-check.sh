#!/usr/bin/env bash
# The GPU check of issue 24, one script for a GPU machine (under 8 minutes with the defaults):
#   0. records the machine: GPU, compute capability, driver, Java, cores;
#   1. builds the two trainer jars if they are not given (needs Maven and its cache with the
#      nd4j-cuda-11.6 artifacts: mvn -o package and mvn -o -Pcuda package);
#   2. checks that the CUDA jar's ND4J kernels carry code this GPU can run (tools/fatbin_archs.py
#      on libnd4jcuda.so) and, with python3, asks the CUDA driver to load one of its kernel images
#      (tools/gpu_probe.py load);
#   3. generates one training file and one scoring file (fixed seeds, same data for both);
#   4. trains the reference configuration on CPU and on GPU, prints both times and both quality
#      gate verdicts;
#   5. scores the fixed file with both bundles and checks that the scores agree within a tolerance;
#   6. bench train --device cpu and --device gpu on the large configuration (256-256, batch 4096):
#      samples/s, share of peak, speed-up;
#   7. with python3 and PyTorch, a reference that is NOT the product: the same WGAN-GP step in
#      PyTorch on this GPU and CPU (tools/gpu_probe.py torch), to size what a GPU can give;
#   8. writes the report ($OUT_DIR/gpu-check-report.txt) and exits 0 when every check passed,
#      2 when a step was blocked (the report says which and why), 1 when a check failed.
#
# Environment (all optional):
#   CPU_JAR, CUDA_JAR   prebuilt jars (default: build into target/gpu-check/); bench train needs
#                       earthmover-harness.jar beside them (their manifest Class-Path names it)
#   JAVA                java launcher (default: java on PATH)
#   OUT_DIR             report and work files (default: target/gpu-check)
#   ROWS=20000 FEATURES=16 TRAIN_ITERATIONS=300 TRAIN_SET="-s k=v ..."   the reference training
#   BENCH_ITERATIONS=10 BENCH_THREADS=$(nproc) PEAK_TFLOPS=67           bench train
#   SCORE_TOL=0.05 FLAG_AGREE=0.98   mean |score difference| allowed, share of equal anomaly flags needed
#   ND4J_FATBIN="F..."  kernel images extracted from libnd4jcuda.so (tools/fatbin_archs.py --extract-smallest)
#                       for step 2's load test when no CUDA jar is at hand
#   SKIP_TORCH=1        leave step 7 out
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT_DIR=${OUT_DIR:-$ROOT/target/gpu-check}
mkdir -p "$OUT_DIR"
REPORT=$OUT_DIR/gpu-check-report.txt
: >"$REPORT"
JAVA=${JAVA:-java}
ROWS=${ROWS:-20000}
FEATURES=${FEATURES:-16}
TRAIN_ITERATIONS=${TRAIN_ITERATIONS:-300}
TRAIN_SET=${TRAIN_SET:-}
BENCH_ITERATIONS=${BENCH_ITERATIONS:-10}
BENCH_THREADS=${BENCH_THREADS:-$(nproc)}
PEAK_TFLOPS=${PEAK_TFLOPS:-67}
SCORE_TOL=${SCORE_TOL:-0.05}
FLAG_AGREE=${FLAG_AGREE:-0.98}
BLOCKED=0
FAILED=0

say() { echo "$*" | tee -a "$REPORT"; }
blocked() { say "BLOCKED: $*"; BLOCKED=1; }
failed() { say "FAILED: $*"; FAILED=1; }
have() { command -v "$1" >/dev/null 2>&1; }
secs() { date +%s.%N; }
# run a command, its output to the report too; returns its exit code
logged() { say "\$ $*"; "$@" 2>&1 | tee -a "$REPORT"; return "${PIPESTATUS[0]}"; }

say "== earthmover gpu-check $(date -u +%FT%TZ) on $(hostname), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"

say "== 0. machine"
SM=""
if have nvidia-smi; then
  logged nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv,noheader
  SM=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .')
else
  blocked "no nvidia-smi: no NVIDIA GPU or driver on this machine"
fi
say "cores: $(nproc)"
HAVE_JAVA=0
if have "$JAVA"; then
  "$JAVA" -version 2>&1 | tee -a "$REPORT"
  HAVE_JAVA=1
else
  blocked "no Java runtime ('$JAVA' not found): the trainer is a Java 17 program"
fi
say "CUDA 11 libraries that nd4j-cuda-11.6 links against (libcublas.so.11, libcusolver.so.11):"
LIBS=$( (ldconfig -p 2>/dev/null | grep -oE 'lib(cublas|cusolver|cudart|cudnn)\.so[.0-9]*' ; \
  find /usr/local /usr/lib /opt -name 'lib*.so*' 2>/dev/null | grep -oE 'lib(cublas|cusolver|cudart|cudnn)\.so[.0-9]*') | sort -u | tr '\n' ' ')
say "  found: ${LIBS:-none}"
echo "$LIBS" | grep -q 'libcublas.so.11' || say "  (no libcublas.so.11 on the system: only JavaCPP's cuda 11.6 redist jar, 1.8 GB, would bring it)"

say "== 1. jars"
CPU_JAR=${CPU_JAR:-}
CUDA_JAR=${CUDA_JAR:-}
if [ -z "$CPU_JAR" ] || [ -z "$CUDA_JAR" ]; then
  if have mvn && [ "$HAVE_JAVA" = 1 ]; then
    if [ -z "$CPU_JAR" ]; then
      logged mvn -B -q -o package -DskipTests && cp target/earthmover.jar "$OUT_DIR/earthmover-cpu.jar" \
        && cp target/earthmover-harness.jar "$OUT_DIR/" && CPU_JAR=$OUT_DIR/earthmover-cpu.jar
    fi
    if [ -z "$CUDA_JAR" ]; then
      # the -Pcuda build replaces target/earthmover.jar: keep the CPU jar apart first
      if [ -n "$CPU_JAR" ] && [ "$CPU_JAR" != "$OUT_DIR/earthmover-cpu.jar" ]; then
        cp "$CPU_JAR" "$OUT_DIR/earthmover-cpu.jar" && CPU_JAR=$OUT_DIR/earthmover-cpu.jar
      fi
      logged mvn -B -q -o -Pcuda package -DskipTests && cp target/earthmover.jar "$OUT_DIR/earthmover-cuda.jar" \
        && cp target/earthmover-harness.jar "$OUT_DIR/" && CUDA_JAR=$OUT_DIR/earthmover-cuda.jar
      [ -n "$CUDA_JAR" ] || blocked "mvn -o -Pcuda package failed (offline Maven needs nd4j-cuda-11.6 1.0.0-M2.1 and cuda 11.6-8.3-1.5.7 in its cache)"
    fi
  else
    blocked "no prebuilt jars (CPU_JAR, CUDA_JAR) and no Maven/Java here to build them"
  fi
fi
for j in "$CPU_JAR" "$CUDA_JAR"; do [ -n "$j" ] && [ -f "$j" ] && say "jar: $j ($(du -h "$j" | cut -f1))"; done
[ -n "$CPU_JAR" ] && [ ! -f "$CPU_JAR" ] && { blocked "CPU_JAR $CPU_JAR does not exist"; CPU_JAR=""; }
[ -n "$CUDA_JAR" ] && [ ! -f "$CUDA_JAR" ] && { blocked "CUDA_JAR $CUDA_JAR does not exist"; CUDA_JAR=""; }

say "== 2. can this GPU run ND4J's CUDA kernels?"
FATBIN=${ND4J_FATBIN:-}
if [ -n "$CUDA_JAR" ] && have unzip && have python3; then
  unzip -o -q "$CUDA_JAR" 'org/nd4j/linalg/jcublas/bindings/linux-x86_64/libnd4jcuda.so' -d "$OUT_DIR/nd4j" \
    && logged python3 tools/fatbin_archs.py "$OUT_DIR/nd4j/org/nd4j/linalg/jcublas/bindings/linux-x86_64/libnd4jcuda.so" \
    && python3 tools/fatbin_archs.py --extract-smallest "$OUT_DIR/nd4j-kernel.fatbin" \
         "$OUT_DIR/nd4j/org/nd4j/linalg/jcublas/bindings/linux-x86_64/libnd4jcuda.so" >>"$REPORT" 2>&1 \
    && FATBIN=$OUT_DIR/nd4j-kernel.fatbin
fi
CONTROLS=()
if have nvcc && [ -n "$SM" ]; then
  # controls built here: SASS for sm_86 only (what ND4J ships: must fail on a newer major version),
  # PTX for compute_86 (the driver JIT-compiles it) and SASS for this GPU (must load)
  printf '%s\n' 'extern "C" __global__ void axpy(float a, const float* x, float* y, int n)' \
    '{ int i = blockIdx.x * blockDim.x + threadIdx.x; if (i < n) y[i] += a * x[i]; }' >"$OUT_DIR/axpy.cu"
  nvcc -fatbin -gencode arch=compute_86,code=sm_86 -o "$OUT_DIR/control-sass86.fatbin" "$OUT_DIR/axpy.cu" \
    && nvcc -fatbin -gencode arch=compute_86,code=compute_86 -o "$OUT_DIR/control-ptx86.fatbin" "$OUT_DIR/axpy.cu" \
    && nvcc -fatbin -gencode "arch=compute_$SM,code=sm_$SM" -o "$OUT_DIR/control-sass$SM.fatbin" "$OUT_DIR/axpy.cu" \
    && CONTROLS=("$OUT_DIR/control-sass86.fatbin" "$OUT_DIR/control-ptx86.fatbin" "$OUT_DIR/control-sass$SM.fatbin")
fi
if [ -n "$FATBIN" ] && have python3 && [ -n "$SM" ]; then
  # shellcheck disable=SC2086
  for f in $FATBIN; do python3 tools/fatbin_archs.py "$f" | tee -a "$REPORT"; done
  # shellcheck disable=SC2086
  logged python3 tools/gpu_probe.py load "${CONTROLS[@]}" $FATBIN || blocked "the CUDA driver cannot load ND4J's kernels on this GPU (sm_$SM): see above"
else
  say "(no kernel image or no python3/GPU: the driver load test is left out)"
fi

say "== 3. data"
gen() { # rows features seed anomalies(0/1)
  awk -v n="$1" -v f="$2" -v seed="$3" -v anom="$4" 'BEGIN { srand(seed); printf "ts";
    for (j = 0; j < f; j++) printf ",f%d", j; print "";
    for (i = 0; i < n; i++) { printf "%.0f", 1700000000000 + i * 1000; z1 = g(); z2 = g();
      for (j = 0; j < f; j++) { x = (j % 2 ? z1 : z2) * (1 + j / f) + 0.3 * g() + j;
        if (anom && i % 20 == 19) x += 6; printf ",%.5f", x }
      print "" } }
    function g(  u, v) { u = rand(); v = rand(); if (u < 1e-12) u = 1e-12; return sqrt(-2 * log(u)) * cos(6.283185307 * v) }'
}
gen "$ROWS" "$FEATURES" 11 0 >"$OUT_DIR/train.csv"
gen 2000 "$FEATURES" 12 1 >"$OUT_DIR/score.csv"
say "train.csv: $ROWS rows x $FEATURES features; score.csv: 2000 rows, every 20th shifted by +6 in every feature"

train_on() { # name jar -> OUT_DIR/<name>/ bundle; prints seconds
  local name=$1 jar=$2 t0 t1 rc
  rm -rf "${OUT_DIR:?}/$name"; mkdir -p "$OUT_DIR/$name"
  t0=$(secs)
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=1 "$JAVA" -Xmx8g -jar "$jar" train --input "$OUT_DIR/train.csv" --model-out "$OUT_DIR/$name" \
    --iterations "$TRAIN_ITERATIONS" -s train.early.stop.patience=0 $TRAIN_SET --quiet >"$OUT_DIR/$name.log" 2>&1
  rc=$?
  t1=$(secs)
  grep -E 'ND4J backend|quality gate|trained model' "$OUT_DIR/$name.log" | sed 's/^/  /' | tee -a "$REPORT"
  say "  $name verdict: $(tail -1 "$OUT_DIR/$name.log") (exit $rc)"
  say "  $name training wall time: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }')"
  return $rc
}

say "== 4. train the reference configuration (defaults, $TRAIN_ITERATIONS iterations, early stop off) on CPU and GPU"
CPU_OK=0; GPU_OK=0
if [ -n "$CPU_JAR" ] && [ "$HAVE_JAVA" = 1 ]; then train_on cpu "$CPU_JAR" && CPU_OK=1; else blocked "CPU training: no CPU jar or no Java"; fi
if [ -n "$CUDA_JAR" ] && [ "$HAVE_JAVA" = 1 ]; then
  train_on gpu "$CUDA_JAR" && GPU_OK=1
  grep -q 'CudaBackend\|JCublas\|device cuda' "$OUT_DIR/gpu.log" || failed "the CUDA jar did not train on ND4J's CUDA backend (see $OUT_DIR/gpu.log)"
else
  blocked "GPU training: no CUDA jar or no Java"
fi

say "== 5. score the fixed file with both bundles"
if [ "$CPU_OK" = 1 ] && [ "$GPU_OK" = 1 ] && have python3; then
  for n in cpu gpu; do
    "$JAVA" -jar "$CPU_JAR" score --input "$OUT_DIR/score.csv" --timestamp-column ts \
      --model-file "$(ls "$OUT_DIR/$n"/*.zip | head -1)" --output "$OUT_DIR/$n-scores.jsonl" >>"$OUT_DIR/$n.log" 2>&1
  done
  logged python3 tools/gpu_probe.py compare "$OUT_DIR/cpu-scores.jsonl" "$OUT_DIR/gpu-scores.jsonl" "$SCORE_TOL" "$FLAG_AGREE" \
    || failed "the two bundles' scores differ beyond the tolerance"
else
  blocked "scoring comparison: needs both bundles and python3"
fi

say "== 6. bench train, large configuration (critic/generator 256-256, batch 4096)"
bench() { # device jar
  OMP_NUM_THREADS=$BENCH_THREADS "$JAVA" -Xmx8g -Dorg.bytedeco.javacpp.maxbytes=16G -jar "$2" bench train --device "$1" \
    --threads "$BENCH_THREADS" --iterations "$BENCH_ITERATIONS" --peak-tflops "$PEAK_TFLOPS" 2>&1 | tee "$OUT_DIR/bench-$1.log" | tee -a "$REPORT"
  return "${PIPESTATUS[0]}"
}
CPU_SPS=""; GPU_SPS=""
if [ -n "$CPU_JAR" ] && [ "$HAVE_JAVA" = 1 ]; then
  # the CPU's own peak is the measured gemm rate: no --peak-tflops for it
  OMP_NUM_THREADS=$BENCH_THREADS "$JAVA" -Xmx8g -jar "$CPU_JAR" bench train --device cpu --threads "$BENCH_THREADS" \
    --iterations "$BENCH_ITERATIONS" 2>&1 | tee "$OUT_DIR/bench-cpu.log" | tee -a "$REPORT"
  CPU_SPS=$(sed -n 's/^samples\/s cpu: //p' "$OUT_DIR/bench-cpu.log")
fi
if [ -n "$CUDA_JAR" ] && [ "$HAVE_JAVA" = 1 ]; then
  bench gpu "$CUDA_JAR" || failed "bench train --device gpu failed"
  GPU_SPS=$(sed -n 's/^samples\/s gpu: //p' "$OUT_DIR/bench-gpu.log")
fi
if [ -n "$CPU_SPS" ] && [ -n "$GPU_SPS" ]; then
  say "speed-up gpu/cpu (full iteration samples/s): $(awk -v g="$GPU_SPS" -v c="$CPU_SPS" 'BEGIN { printf "%.1fx", g / c }') (target >= 10x)"
else
  blocked "speed-up: needs bench figures from both devices"
fi

say "== 7. reference, not the product: the same WGAN-GP step in PyTorch on this machine"
if [ "${SKIP_TORCH:-0}" != 1 ] && have python3 && python3 -c 'import torch' 2>/dev/null; then
  logged python3 tools/gpu_probe.py torch --peak-tflops "$PEAK_TFLOPS" || say "(the PyTorch reference failed)"
else
  say "(no python3 with torch, or SKIP_TORCH=1: left out)"
fi

say "== 8. result"
if [ "$FAILED" = 1 ]; then say "RESULT: FAILED"; code=1
elif [ "$BLOCKED" = 1 ]; then say "RESULT: BLOCKED (see the BLOCKED lines)"; code=2
else say "RESULT: PASSED"; code=0; fi
say "report: $REPORT"
exit $code
