#!/usr/bin/env bash
# Node agent (Echo, 1 KiB, one event loop, -Xmx64m) versus Debian's nginx (one worker, the same
# 1 KiB file, backlog raised), both pinned to CPU 0, wrk pinned to CPU 1, alternately at each
# connection count. Loopback only; every step is bounded in time; stops by itself.
#
# Usage: bench/agent-vs-nginx.sh [seconds-per-run=10] [connection counts="256 4000 16000"] [rounds=3]
# Each connection count is measured in ROUNDS alternating agent/nginx pairs; the table shows the
# median requests/s and latencies per server (robust against load bursts on a shared machine),
# the sum of socket errors and non-2xx answers, and the highest RSS seen.
# Needs: the agent jar (mvn -B -pl node-agent package), java 17, taskset; installs nginx and wrk
# with apt-get when they are missing. Does NOT change /proc/sys: it reports the kernel settings
# it ran with instead (see "limits" in the output).
set -euo pipefail

DURATION="${1:-10}"
COUNTS="${2:-256 4000 16000}"
ROUNDS="${3:-3}"
WARMUP=10
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/node-agent/target/pi-pool-agent.jar"
AGENT_PORT=18080
AGENT_ADMIN=19090
NGINX_PORT=18081
SERVER_CPU=0
CLIENT_CPU=1

[[ -f "$JAR" ]] || { echo "missing $JAR: run mvn -B -pl node-agent package first" >&2; exit 2; }
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  echo "installing nginx and wrk with apt-get" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi

# As many descriptors as this shell may have: wrk and each server get their own limit of that size.
ulimit -n "$(ulimit -Hn)" || true
NOFILE="$(ulimit -n)"

WORK="$(mktemp -d /tmp/agent-vs-nginx.XXXXXX)"
chmod 755 "$WORK" # nginx workers run as nobody
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# Sum of VmRSS (KiB) over a process and its children.
rss_kb() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# Waits (at most 15 s) until the URL answers 200; prints the milliseconds since $2.
wait_ready() {
  local url="$1" start="$2" deadline=$(( $(now_ms) + 15000 ))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" == 200 ]]; do
    (( $(now_ms) < deadline )) || { echo "not ready: $url" >&2; exit 1; }
    sleep 0.01
  done
  echo $(( $(now_ms) - start ))
}

# --- the same 1 KiB body for both ------------------------------------------------------------
mkdir -p "$WORK/www"
head -c 1024 /dev/zero | tr '\0' 'a' > "$WORK/www/index.html"
chmod -R a+rX "$WORK/www"

# --- agent -----------------------------------------------------------------------------------
cat > "$WORK/agent.yaml" <<EOF
server:
  host: 127.0.0.1
  port: $AGENT_PORT
  adminHost: 127.0.0.1
  adminPort: $AGENT_ADMIN
  mode: Echo
  echoBodyBytes: 1024
  eventLoops: 1
  compression: false
  maxConnections: 17000
  idleTimeoutSeconds: 120
sysctls:
  values: {}
EOF
# Serial GC with a small young generation and C1 only: C2's compiler arenas and code cache cost
# ~30 MiB of RSS, more than the request path gains from it here (see docs/benchmarks.md).
# AGENT_JVM_OPTS overrides the agent's JVM flags (to compare settings); the default is the one
# docs/benchmarks.md reports.
read -r -a AGENT_JVM <<< "${AGENT_JVM_OPTS:--Xmx64m -Xms8m -Xmn8m -XX:+UseSerialGC -Xss256k -XX:TieredStopAtLevel=1}"
start=$(now_ms)
MALLOC_ARENA_MAX=2 taskset -c "$SERVER_CPU" java "${AGENT_JVM[@]}" -jar "$JAR" serve --config "$WORK/agent.yaml" \
  > "$WORK/agent.log" 2>&1 &
AGENT_PID=$!
PIDS+=("$AGENT_PID")
AGENT_READY_MS=$(wait_ready "http://127.0.0.1:$AGENT_ADMIN/readyz" "$start")

# --- nginx -----------------------------------------------------------------------------------
cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile $NOFILE;
error_log $WORK/nginx-error.log warn;
pid $WORK/nginx.pid;
events { worker_connections $((NOFILE - 100)); use epoll; multi_accept on; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  # nginx at its best: no open/fstat/close per request for the one file.
  open_file_cache max=100 inactive=600s;
  open_file_cache_valid 600s;
  keepalive_timeout 120;
  keepalive_requests 100000000;
  types { text/plain html; }
  default_type text/plain;
  client_body_temp_path $WORK/nginx-tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=65535;
    root $WORK/www;
    location / { index index.html; }
  }
}
EOF
start=$(now_ms)
taskset -c "$SERVER_CPU" nginx -p "$WORK" -c "$WORK/nginx.conf" -g 'daemon off;' \
  > "$WORK/nginx.log" 2>&1 &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
NGINX_READY_MS=$(wait_ready "http://127.0.0.1:$NGINX_PORT/" "$start")

# --- runs --------------------------------------------------------------------------------------
# wrk latency ("850.00us", "12.3ms", "1.20s") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else print "nan" }'
}

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# One wrk run; appends "server conns round rps p50_ms p99_ms socket_errors non2xx peak_rss_kib".
run() {
  local name="$1" url="$2" pid="$3" conns="$4" secs="$5" round="$6"
  local out="$WORK/wrk-$name-$conns-$round.txt" peak=0 r
  taskset -c "$CLIENT_CPU" timeout $((secs + 60)) \
    wrk -t1 -c "$conns" -d "${secs}s" --timeout 10s --latency "$url" > "$out" 2>&1 &
  local wrk=$!
  while kill -0 "$wrk" 2>/dev/null; do
    r=$(rss_kb "$pid"); (( r > peak )) && peak=$r
    sleep 0.5
  done
  wait "$wrk" || true
  local rps p50 p99 errs non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' "$out")")
  errs=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' "$out")
  echo "$name $conns $round ${rps:-0} $p50 $p99 ${errs:-0} ${non2xx:-0} $peak" >> "$RAW"
}

RAW="$WORK/raw.txt"
: > "$RAW"
echo "# warmup ${WARMUP}s each at 256 connections" >&2
run agent "http://127.0.0.1:$AGENT_PORT/" "$AGENT_PID" 256 "$WARMUP" 0
run nginx "http://127.0.0.1:$NGINX_PORT/" "$NGINX_PID" 256 "$WARMUP" 0
: > "$RAW"
for c in $COUNTS; do
  for round in $(seq 1 "$ROUNDS"); do
    echo "# $c connections, round $round of $ROUNDS, ${DURATION}s per server" >&2
    run agent "http://127.0.0.1:$AGENT_PORT/" "$AGENT_PID" "$c" "$DURATION" "$round"
    sleep 2 # let the closed connections go before the other server's turn
    run nginx "http://127.0.0.1:$NGINX_PORT/" "$NGINX_PID" "$c" "$DURATION" "$round"
    sleep 2
  done
done

RESULTS="$WORK/results.txt"
echo "server connections req/s(median) p50_ms(median) p99_ms(median) socket_errors(sum) non_2xx(sum) peak_rss_mib" > "$RESULTS"
for c in $COUNTS; do
  for s in agent nginx; do
    sel() { awk -v s="$s" -v c="$c" -v f="$1" '$1 == s && $2 == c {print $f}' "$RAW"; }
    echo "$s $c $(sel 4 | median) $(sel 5 | median) $(sel 6 | median)" \
      "$(sel 7 | awk '{t += $1} END {print t + 0}') $(sel 8 | awk '{t += $1} END {print t + 0}')" \
      "$(( $(sel 9 | sort -n | tail -1) / 1024 ))" >> "$RESULTS"
  done
done

echo "== machine"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "nproc: $(nproc); cpu: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'); ram: $(free -m | awk '/Mem:/ {print $2}') MiB"
echo "java: $(java -version 2>&1 | head -1); nginx: $(nginx -v 2>&1 | cut -d/ -f2); wrk: $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
echo "== limits (not changed by this script)"
echo "ulimit -n: $NOFILE; net.core.somaxconn: $(cat /proc/sys/net/core/somaxconn);" \
  "tcp_max_syn_backlog: $(cat /proc/sys/net/ipv4/tcp_max_syn_backlog);" \
  "ip_local_port_range: $(tr '\t' ' ' < /proc/sys/net/ipv4/ip_local_port_range)"
echo "== agent JVM: MALLOC_ARENA_MAX=2 ${AGENT_JVM[*]}; transport: $(grep -o 'transport [a-z]*' "$WORK/agent.log" || echo unknown)"
echo "== time to ready (ms): agent $AGENT_READY_MS, nginx $NGINX_READY_MS"
echo "== agent status after the runs"
curl -s "http://127.0.0.1:$AGENT_ADMIN/v1/status" | head -c 400; echo
echo "== load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share both cores)"
echo "== per-round figures (server conns round req/s p50_ms p99_ms socket_errors non_2xx peak_rss_kib)"
cat "$RAW"
echo "== results (wrk -t1 --latency, ${DURATION}s per run, $ROUNDS rounds; raw output in $WORK)"
column -t "$RESULTS"
