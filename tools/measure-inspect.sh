#!/usr/bin/env bash
# Measures the inspection API's latency at a fixed request rate and the page's load time while the
# scorer runs under load, in one run: an embedded broker, one scorer (the product's `score` command
# with a model bundle), `produce` replaying RECORDS records of KEYS keys at RATE records/s, and
# tools/measure_inspect.py sending API_RATE requests/s for SECONDS seconds meanwhile.
# Usage: tools/measure-inspect.sh BUNDLE.zip   (a bundle of the demo's features, e.g. target/demo-models/*.zip
#        written by `java -jar target/earthmover.jar demo`). Cleans up its processes and files.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=${1:?usage: tools/measure-inspect.sh BUNDLE.zip}
KEYS=${KEYS:-1000} RATE=${RATE:-5000} API_RATE=${API_RATE:-100} SECONDS_=${SECONDS_:-60}
jar=${MEASURE_JAR:-target/earthmover.jar}   # MEASURE_JAR: another build, to compare two (not EARTHMOVER_*: those are configuration keys)
# SCORE_OPTS: extra options of the scorer, e.g. SCORE_OPTS="-s scorer.commit.interval.ms=200"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
bport=$(free_port); mport=$(free_port)
export OMP_NUM_THREADS=1
java -jar $jar broker --port "$bport" > "$work/broker.log" 2>&1 & pids+=($!)
until grep -q "broker up\|listening\|Ctrl-C" "$work/broker.log" 2>/dev/null; do sleep 0.5; done
# the scorer as users launch it (bin/earthmover: the Vector API module, the heap share); SCORER_JAVA_OPTS:
# extra JVM flags of the scorer alone, e.g. SCORER_JAVA_OPTS=-Xlog:gc:file=/tmp/gc.log
EARTHMOVER_JAR=$jar JAVA_OPTS="${SCORER_JAVA_OPTS:-}" bin/earthmover score --bootstrap-servers "127.0.0.1:$bport" --model-file "$bundle" -s metrics.port="$mport" \
  -s scorer.state.dir="$work/state" -s scorer.application.id=measure-inspect ${SCORE_OPTS:-} > "$work/score.log" 2>&1 & pids+=($!)
until curl -sf "http://127.0.0.1:$mport/health/ready" >/dev/null; do sleep 0.5; done
records=$((RATE * (SECONDS_ + 20)))
python3 - "$work/in.csv" "$KEYS" "$records" <<'PY'
import math, random, sys
path, keys, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(7)
with open(path, "w") as f:
    f.write("host,cpu,disk_io,mem,net_in,net_out,temp\n")
    for i in range(n):
        k = i % keys; step = i // keys; day = math.sin(2 * math.pi * step / 240)
        cpu = 40 + 15 * day + rnd.gauss(0, 3)
        f.write("host-%04d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n" % (k, cpu, 50 + rnd.gauss(0, 5), 60 + 0.3 * cpu + rnd.gauss(0, 2),
                100 + 2 * cpu + rnd.gauss(0, 8), 80 + 1.5 * cpu + rnd.gauss(0, 6), 45 + 0.2 * cpu + rnd.gauss(0, 1)))
PY
java -jar $jar produce --bootstrap-servers "127.0.0.1:$bport" --input "$work/in.csv" --key-column host --rate "$RATE" --no-progress \
  > "$work/produce.log" 2>&1 & pids+=($!)
sleep 15   # every key has outputs, the scorer is at its steady rate
scored() { curl -s "http://127.0.0.1:$mport/metrics" | awk '/^earthmover_records_scored_total/ {s += $2} END {printf "%d", s}'; }
s0=$(scored); t0=$(date +%s.%N)
# MEASURE_ARGS: options of the client, e.g. MEASURE_ARGS=--new-connections (see tools/measure_inspect.py)
python3 tools/measure_inspect.py --base "http://127.0.0.1:$mport" --keys "$KEYS" --rate "$API_RATE" --seconds "$SECONDS_" ${MEASURE_ARGS:-}
s1=$(scored); t1=$(date +%s.%N)
python3 -c "print('scorer meanwhile    %.0f records/s scored (offered %s/s, %s keys)' % (($s1 - $s0) / ($t1 - $t0), '$RATE', '$KEYS'))"
curl -s "http://127.0.0.1:$mport/metrics" > "$work/metrics.txt"
grep -E '^earthmover_anomalies_total' "$work/metrics.txt" || true
# the same requests timed inside the scorer (handler start to last byte): what the scorer itself adds,
# apart from the client's and the operating system's queueing on a busy machine
python3 - "$work/metrics.txt" <<'PY'
import re, sys
le, count = {}, 0.0
for line in open(sys.argv[1]):
    if line.startswith("earthmover_http_server_requests_seconds") and 'route="/api/"' in line and 'status="2xx"' in line:
        v = float(line.rsplit(" ", 1)[1])
        m = re.search(r'le="([0-9.]+)"', line)
        if m: le[float(m.group(1))] = v
        if line.startswith("earthmover_http_server_requests_seconds_count"): count = v
p99 = next((b for b in sorted(le) if le[b] >= 0.99 * count), float("inf")) if count else float("nan")
print("api in the scorer   %.0f requests, within 50 ms %.2f %%, p99 <= %.0f ms (bucket edge; handler start to last byte)" % (
    count, 100 * le.get(0.05, 0) / count if count else float("nan"), p99 * 1000))
PY
