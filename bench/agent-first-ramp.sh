#!/usr/bin/env bash
# What a cold node agent pays on its first ramps to thousands of connections: a fresh agent (its
# image's JVM flags and a start-up AOT cache, bench/lib/agent-jvm.sh), then RAMPS ramps of wrk's
# CONNS keep-alive connections for SECS seconds each, counting the CPU time the agent used per
# request served (user + system, all its threads, from /proc), after the time and CPU it took to
# answer /readyz. The CPU per request is what a busy
# machine does not distort much; the requests/s and p99 it also prints are only comparable on a
# quiet one (bench/agent-vs-nginx.sh is the side-by-side benchmark). Agent on CPU 0, wrk on CPU 1,
# loopback only; bounded; stops by itself.
#
# Usage: [AGENT_VARIANTS='name=extra flags;...'] bench/agent-first-ramp.sh [agents=2] [ramps=3] [secs=5] [conns=4000]
#   AGENT_VARIANTS='image=;c2=-XX:-TieredCompilation;tiered=-XX:TieredStopAtLevel=4' bench/agent-first-ramp.sh 2
# Each variant's flags are appended to the image's; the agents alternate between the variants.
set -euo pipefail

AGENTS="${1:-2}" RAMPS="${2:-3}" SECS="${3:-5}" CONNS="${4:-4000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT=18092
ADMIN=19192
for v in AGENTS RAMPS SECS; do
  [[ "${!v}" =~ ^[1-9][0-9]?$ ]] || { echo "$v is '${!v}'; allowed: 1-99" >&2; exit 2; }
done
[[ "$CONNS" =~ ^[1-9][0-9]*$ && "$CONNS" -le 16000 ]] || { echo "conns is '$CONNS'; allowed: 1-16000" >&2; exit 2; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)" || true
IFS=';' read -r -a VARIANTS <<< "${AGENT_VARIANTS:-image=}"

WORK="$(mktemp -d /tmp/agent-first-ramp.XXXXXX)"
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; true' EXIT

# shellcheck source=lib/agent-jvm.sh
source "$ROOT/bench/lib/agent-jvm.sh"
agent_jvm "$ROOT" "$WORK" 0
agent_yaml "$WORK/agent.yaml" "$PORT" "$ADMIN"
echo "== command: ${AGENT_VARIANTS:+AGENT_VARIANTS='$AGENT_VARIANTS' }bench/agent-first-ramp.sh $AGENTS $RAMPS $SECS $CONNS"
echo "== date: $(date -u +%FT%TZ); load average: $(cut -d' ' -f1-3 /proc/loadavg); nproc $(nproc)"
echo "== agent JVM: ${AGENT_ENV[*]} java ${AGENT_JVM[*]} <variant's flags>"

cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }
for agent in $(seq "$AGENTS"); do
  for v in "${VARIANTS[@]}"; do
    name="${v%%=*}"
    read -r -a extra <<< "${v#*=}"
    env "${AGENT_ENV[@]}" taskset -c 0 "$AGENT_JAVA" "${AGENT_JVM[@]}" "${extra[@]}" -jar "$AGENT_JAR" serve \
      --config "$WORK/agent.yaml" > "$WORK/$name-$agent.log" 2>&1 &
    PID=$!
    t0="$(date +%s%N)"
    for _ in $(seq 3000); do
      curl -sf -o /dev/null "http://127.0.0.1:$ADMIN/readyz" && break
      kill -0 "$PID" 2>/dev/null || { cat "$WORK/$name-$agent.log" >&2; echo "$name: the agent exited" >&2; exit 1; }
      sleep 0.01
    done
    line="$name, agent $agent: ready $(( ($(date +%s%N) - t0) / 1000000 )) ms (CPU $(cpu_ms "$PID") ms);"
    for ramp in $(seq "$RAMPS"); do
      c0="$(cpu_ms "$PID")"
      out="$(taskset -c 1 wrk -t1 -c "$CONNS" -d "${SECS}s" --timeout 10s --latency "http://127.0.0.1:$PORT/" 2>&1)"
      c1="$(cpu_ms "$PID")"
      req="$(awk '/requests in/ {print $1}' <<< "$out")"
      p99="$(awk '$1 == "99%" {print $2}' <<< "$out")"
      line+=" ramp $ramp: ${req:-0} requests, $((c1 - c0)) ms CPU, $(( (c1 - c0) * 1000 / (${req:-0} > 0 ? req : 1) )) µs/request, p99 ${p99:-none};"
      sleep 1
    done
    line+=" RSS $(( $(awk '/^VmRSS/ {print $2}' "/proc/$PID/status") / 1024 )) MiB"
    kill -TERM "$PID"
    wait "$PID" 2>/dev/null || true
    PID=""
    echo "$line"
  done
done
rm -rf "$WORK"
