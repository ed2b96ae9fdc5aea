#!/usr/bin/env bash
# Weights versus no weights: the demo's load story (ramp, hold, hot air on the busiest node, fall)
# run with a real HAProxy in front, once with the agents' agent-check weights and once without,
# everything else equal. Prints one Markdown row per run: the hot node's peak temperature, the
# demo seconds any node spent at or above drainCelsius, the thermal drains, the requests shed.
# Needs haproxy on PATH. Loopback only; every run stops by itself and stops its HAProxy.
#   bench/weights.sh                 # one run of each, 60 s, 6 nodes
#   PIPOOL_BENCH_RUNS=3 bench/weights.sh
#   PIPOOL_BENCH_DURATION=90 PIPOOL_BENCH_NODES=6 bench/weights.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${PIPOOL_BENCH_RUNS:-1}"
duration="${PIPOOL_BENCH_DURATION:-60}"
nodes="${PIPOOL_BENCH_NODES:-6}"
command -v haproxy >/dev/null || { echo "haproxy is not on PATH; install it (Debian: haproxy)" >&2; exit 2; }

echo "building the simulator jar ..."
mvn -B -q package -DskipTests -Dspotless.check.skip=true -pl simulator -am
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

echo
echo "machine: $(nproc) cores, $(uname -m), $(haproxy -v | head -1 | cut -d' ' -f1-3); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: bench/weights.sh (runs=$runs duration=${duration}s nodes=$nodes)"
echo
echo "| front | run | hot node peak °C | s at or above drainCelsius | drains | requests shed | load avg after |"
echo "|---|---|---|---|---|---|---|"
for i in $(seq 1 "$runs"); do
  for front in haproxy haproxy-unweighted; do
    out=$(mktemp)
    java -Xss512k -XX:+UseSerialGC -jar simulator/target/pi-pool-simulator.jar \
      --plain --front "$front" --duration "$duration" --nodes "$nodes" >"$out" 2>&1 || true
    line=$(grep '^weights comparison' "$out" || echo "")
    if [[ -z "$line" ]]; then
      echo "| $front | $i | run failed, see $out | | | | |"
      continue
    fi
    peak=$(sed -E 's/.*peak ([0-9.]+|NaN) °C.*/\1/' <<<"$line")
    above=$(sed -E 's/.*; ([0-9]+) s with a node.*/\1/' <<<"$line")
    drains=$(sed -E 's/.*; ([0-9]+) drains;.*/\1/' <<<"$line")
    shed=$(sed -E 's/.*; ([0-9]+) requests shed.*/\1/' <<<"$line")
    echo "| $front | $i | $peak | $above | $drains | $shed | $(cut -d' ' -f1 /proc/loadavg) |"
    grep '^hot node' "$out" | sed 's/^/    /' >&2 || true
    rm -f "$out"
  done
done
