#!/usr/bin/env bash
# Start-up of the scoring service to /health/ready, per jar (issue 22: the scorer jar against the full
# one). An embedded broker (`broker`, from the first jar), then for each jar RUNS times
# `bin/earthmover score --model-file BUNDLE` with EARTHMOVER_JAR=that jar (the launcher's flags, as in
# the images), timed from the launch to the first 200 from /health/ready, then stopped with SIGTERM.
# Prints every run and each jar's median. Before the runs, each jar's `produce` replays RECORDS records
# into events-in; each jar's first run then waits until it has scored them all (the Kafka path, from
# that jar alone). The rounds alternate the jars.
# Without BUNDLE it first trains one (not timed) with target/earthmover.jar on the file it replays.
#   tools/measure-startup.sh [BUNDLE.zip] [JAR...]  (default jars: target/earthmover-scorer.jar target/earthmover.jar)
#   RUNS=3 RECORDS=400 KEEP=1 (keep the logs)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3} RECORDS=${RECORDS:-400}
bundle=${1:-}
[ $# -gt 0 ] && shift
jars=("$@")
[ ${#jars[@]} -gt 0 ] || jars=(target/earthmover-scorer.jar target/earthmover.jar)
for jar in "${jars[@]}"; do
  [ -f "$jar" ] || { echo "measure-startup: no $jar (mvn -B -q package -DskipTests)" >&2; exit 2; }
done
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
export OMP_NUM_THREADS=1

python3 - "$work/in.csv" "$RECORDS" <<'PY'
import random, sys
rnd = random.Random(7)
with open(sys.argv[1], "w") as f:
    f.write("host,ts,cpu,mem\n")
    for i in range(int(sys.argv[2])):
        f.write("host-%d,%d,%.4f,%.4f\n" % (i % 4, 1767225600000 + 1000 * i, rnd.gauss(0, 1), rnd.gauss(0, 1)))
PY
if [ -z "$bundle" ]; then
  java -jar target/earthmover.jar train --input "$work/in.csv" --key-column host --timestamp-column ts \
    --model-out "$work/models" --iterations 200 --quiet > "$work/train.log" 2>&1 \
    || { cat "$work/train.log" >&2; exit 1; }
  bundle=$(ls "$work"/models/*.zip | head -1)
fi

bport=$(free_port)
java -jar "${jars[0]}" broker --port "$bport" > "$work/broker.log" 2>&1 & pids+=($!)
until grep -q "broker up\|listening\|Ctrl-C" "$work/broker.log" 2>/dev/null; do sleep 0.2; done
scored() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^earthmover_records_scored_total/ {s += $2} END {printf "%d", s}'; }

# the input every timed run finds (each from earliest, under its own application id): each jar's `produce`
total=0
for jar in "${jars[@]}"; do
  java -jar "$jar" produce --bootstrap-servers "127.0.0.1:$bport" --input "$work/in.csv" --key-column host \
    --timestamp-column ts --no-progress > "$work/produce.log" 2>&1 || { cat "$work/produce.log" >&2; exit 1; }
  total=$((total + RECORDS))
done

# rounds alternate the jars, so the shared machine's load falls on both alike
run=0
declare -A times
for i in $(seq 1 "$RUNS"); do
  for jar in "${jars[@]}"; do
    run=$((run + 1)); mport=$(free_port)
    t0=$(now_ms)
    EARTHMOVER_JAR=$jar bin/earthmover score --bootstrap-servers "127.0.0.1:$bport" --model-file "$bundle" \
      -s metrics.port="$mport" -s scorer.state.dir="$work/state-$run" -s scorer.application.id="startup-$run" \
      > "$work/score-$run.log" 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$mport/health/ready" >/dev/null 2>&1; do
      kill -0 "$pid" 2>/dev/null || { cat "$work/score-$run.log" >&2; exit 1; }
      sleep 0.05
    done
    ms=$(( $(now_ms) - t0 ))
    times[$jar]="${times[$jar]:-} $ms"
    echo "$jar run $i: ready in $ms ms"
    if [ "$i" = 1 ]; then
      deadline=$(( $(date +%s) + 120 ))
      until [ "$(scored "$mport")" -ge "$total" ]; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "$jar: scored $(scored "$mport") of $total" >&2; exit 1; }
        sleep 0.5
      done
      echo "$jar run $i: scored all $total records"
    fi
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  done
done
for jar in "${jars[@]}"; do
  median=$(printf '%s\n' ${times[$jar]} | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  echo "$jar: median start-up to /health/ready $median ms over $RUNS runs ($(ls -l "$jar" | awk '{print $5}') bytes)"
done
