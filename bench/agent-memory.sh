#!/usr/bin/env bash
# Where the node agent's memory goes while it holds connections: the agent with its image's JVM
# (bench/lib/agent-jvm.sh) plus Native Memory Tracking, pinned to CPU 0, warmed up for 10 s at 256
# connections, then wrk (CPU 1) holds N keep-alive connections for S seconds. Prints the RSS every
# second, its peak and its level over the last 5 s of the load, Native Memory Tracking's summary and
# the live-heap histogram, both taken 5 s before the load ends, and the RSS by mapping
# (/proc/<pid>/smaps) at that moment. Loopback only; bounded in time; stops by itself.
#
# Usage: bench/agent-memory.sh [connections=4000] [seconds=30] [extra JVM flags, appended...]
#   bench/agent-memory.sh 4000 30 -XX:TieredStopAtLevel=1     # what C1 only would change
# NMT itself costs about 1 MiB of RSS (its "tracking overhead" line); the RSS figures of
# bench/agent-vs-nginx.sh run without it.
set -euo pipefail

CONNS="${1:-4000}"
SECS="${2:-30}"
shift $(( $# >= 2 ? 2 : $# ))
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT=18090
ADMIN=19190
(( SECS >= 10 )) || { echo "seconds must be at least 10" >&2; exit 2; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)" || true

WORK="$(mktemp -d /tmp/agent-memory.XXXXXX)"
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; true' EXIT

# shellcheck source=lib/agent-jvm.sh
source "$ROOT/bench/lib/agent-jvm.sh"
agent_jvm "$ROOT" "$WORK" 0
agent_yaml "$WORK/agent.yaml" "$PORT" "$ADMIN"
FLAGS=("${AGENT_JVM[@]}" -XX:NativeMemoryTracking=summary "$@")
env "${AGENT_ENV[@]}" taskset -c 0 "$AGENT_JAVA" "${FLAGS[@]}" -jar "$AGENT_JAR" serve \
  --config "$WORK/agent.yaml" > "$WORK/agent.log" 2>&1 &
PID=$!
for _ in $(seq 300); do
  curl -s -o /dev/null "http://127.0.0.1:$ADMIN/readyz" && break
  sleep 0.05
done
rss() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$PID/status"; }

taskset -c 1 timeout 40 wrk -t1 -c 256 -d 10s "http://127.0.0.1:$PORT/" > "$WORK/warmup.txt" 2>&1 || true
IDLE=$(rss)
taskset -c 1 timeout $((SECS + 30)) wrk -t1 -c "$CONNS" -d "${SECS}s" --timeout 10s --latency \
  "http://127.0.0.1:$PORT/" > "$WORK/wrk.txt" 2>&1 &
WRK=$!
: > "$WORK/rss.txt"
t=0
while kill -0 "$WRK" 2>/dev/null; do
  rss >> "$WORK/rss.txt"
  if (( t == SECS - 5 )); then
    jcmd "$PID" VM.native_memory summary > "$WORK/nmt.txt" 2>&1
    jcmd "$PID" GC.class_histogram > "$WORK/histogram.txt" 2>&1
    cp "/proc/$PID/smaps" "$WORK/smaps.txt"
  fi
  t=$((t + 1))
  sleep 1
done
wait "$WRK" || true

echo "== command: bench/agent-memory.sh $CONNS $SECS $*"
echo "== date: $(date -u +%Y-%m-%dT%H:%M:%SZ); load average: $(cut -d' ' -f1-3 /proc/loadavg); nproc $(nproc); $("$AGENT_JAVA" -version 2>&1 | head -1)"
echo "== agent JVM: ${AGENT_ENV[*]} java ${FLAGS[*]}"
echo "== wrk: $(awk '/^Requests\/sec/ {print $2 " req/s"}' "$WORK/wrk.txt"), p99 $(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt"), $(grep -o 'Socket errors.*' "$WORK/wrk.txt" || echo 'no socket errors')"
echo "== RSS (MiB) after the warm-up: $IDLE; every second at $CONNS connections: $(tr '\n' ' ' < "$WORK/rss.txt")"
echo "== RSS (MiB) at $CONNS connections: peak $(sort -n "$WORK/rss.txt" | tail -1), last 5 s $(tail -5 "$WORK/rss.txt" | sort -n | sed -n 3p) (median)"
echo "== Native Memory Tracking, committed KiB by category (5 s before the end of the load)"
awk '/^Total/ || /^-/ {gsub(/[(),=]/, " "); for (i = 1; i <= NF; i++) if ($i == "committed") {
  name = $0; sub(/^- */, "", name); sub(/ *reserved.*/, "", name); printf "%9d  %s\n", $(i + 1), name } }' \
  "$WORK/nmt.txt" | sed 's/KB//' | sort -rn
echo "== RSS by mapping (KiB), same moment"
awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "") ? "[anonymous: Java heap, code cache, stacks, malloc]" : $6;
  if (name ~ /\.so/) name = "[shared libraries]"}
  /^Rss:/ {sum[name] += $2} END {for (n in sum) if (sum[n] >= 512) printf "%9d  %s\n", sum[n], n}' \
  "$WORK/smaps.txt" | sort -rn
echo "== live heap, 25 largest classes (same moment)"
sed -n '1,28p' "$WORK/histogram.txt"
tail -1 "$WORK/histogram.txt"
echo "== files: $WORK"
