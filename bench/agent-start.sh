#!/usr/bin/env bash
# How fast the node agent starts: from the JVM process's start to /readyz answering 200, and its RSS
# at idle 2 s later, for one or more agent jars side by side in one run (the runs alternate between
# the jars, so a machine that gets busier mid-run weighs on each alike). Each jar runs with its
# image's JVM flags and a start-up AOT cache trained for that jar (bench/lib/agent-jvm.sh), pinned
# to CPU 0. Prints every run and the median per jar, with the CPU time the JVM had used when it
# became ready (on a busy machine the wall-clock time stretches, the CPU time much less). Loopback only; bounded; stops by itself.
#
# Usage: bench/agent-start.sh [runs=9] [jar...]     (default jar: node-agent/target/pi-pool-agent.jar)
#   bench/agent-start.sh 9 /tmp/before.jar node-agent/target/pi-pool-agent.jar
set -euo pipefail

RUNS="${1:-9}"
shift $(( $# >= 1 ? 1 : 0 ))
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT=18091
ADMIN=19191
[[ "$RUNS" =~ ^[1-9][0-9]?$ ]] || { echo "runs is '$RUNS'; allowed: 1-99" >&2; exit 2; }
JARS=("$@")
[[ ${#JARS[@]} -gt 0 ]] || JARS=("$ROOT/node-agent/target/pi-pool-agent.jar")

WORK="$(mktemp -d /tmp/agent-start.XXXXXX)"
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; true' EXIT

# shellcheck source=lib/agent-jvm.sh
source "$ROOT/bench/lib/agent-jvm.sh"
agent_yaml "$WORK/agent.yaml" "$PORT" "$ADMIN"
declare -A FLAGS_OF JAVA_OF
for i in "${!JARS[@]}"; do
  mkdir -p "$WORK/$i"
  agent_jvm "$ROOT" "$WORK/$i" 0 "${JARS[$i]}"
  FLAGS_OF[$i]="${AGENT_JVM[*]}"
  JAVA_OF[$i]="$AGENT_JAVA"
done

echo "== command: bench/agent-start.sh $RUNS ${JARS[*]}"
echo "== date: $(date -u +%FT%TZ); load average: $(cut -d' ' -f1-3 /proc/loadavg); nproc $(nproc)"
echo "== agent JVM: ${AGENT_ENV[*]} java ${FLAGS_OF[0]}"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
for run in $(seq "$RUNS"); do
  for i in "${!JARS[@]}"; do
    read -r -a flags <<< "${FLAGS_OF[$i]}"
    t0="$(now_ms)"
    env "${AGENT_ENV[@]}" taskset -c 0 "${JAVA_OF[$i]}" "${flags[@]}" -jar "${JARS[$i]}" serve \
      --config "$WORK/agent.yaml" > "$WORK/$i/run-$run.log" 2>&1 &
    PID=$!
    ready=""
    for _ in $(seq 3000); do
      if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/readyz" 2>/dev/null | grep -q 200; then
        ready=$(( $(now_ms) - t0 ))
        # CPU time (user + system, all threads) spent up to that moment: what a busy machine
        # cannot stretch, unlike the wall-clock time
        cpu=$(( $(awk '{print $14 + $15}' "/proc/$PID/stat") * 1000 / $(getconf CLK_TCK) ))
        break
      fi
      kill -0 "$PID" 2>/dev/null || break
      sleep 0.01
    done
    [[ -n "$ready" ]] || { cat "$WORK/$i/run-$run.log" >&2; echo "jar $i: not ready within 30 s" >&2; exit 1; }
    sleep 2
    rss=$(( $(awk '/^VmRSS/ {print $2}' "/proc/$PID/status") / 1024 ))
    kill -TERM "$PID"
    wait "$PID" 2>/dev/null || true
    PID=""
    echo "run $run jar $i: ready $ready ms (CPU $cpu ms), RSS at idle $rss MiB"
    echo "$ready $rss $cpu" >> "$WORK/$i/figures"
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for i in "${!JARS[@]}"; do
  echo "== jar $i (${JARS[$i]}): median ready $(cut -d' ' -f1 "$WORK/$i/figures" | median) ms" \
    "(CPU $(cut -d' ' -f3 "$WORK/$i/figures" | median) ms), median RSS at idle" \
    "$(cut -d' ' -f2 "$WORK/$i/figures" | median) MiB over $RUNS runs"
done
rm -rf "$WORK"
