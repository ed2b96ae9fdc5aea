#!/usr/bin/env bash
# Node agent (Echo, 1 KiB, one event loop) versus Debian's nginx (one worker, the same 1 KiB file,
# backlog raised), both pinned to CPU 0, wrk pinned to CPU 1, alternately at each connection count.
# Loopback only; every step is bounded in time; stops by itself.
#
# Usage: bench/agent-vs-nginx.sh [seconds-per-run=10] [connection counts="256 4000 16000"] [rounds=3]
#
# The agent runs with the JVM flags and environment of its image, read from the image recipe
# node-agent/src/main/image/image.json (bench/lib/agent-jvm.sh: with -XX:MaxRAM for the container
# limit the flags are sized for, and an AOT cache trained from its start-up). CPU 0 alone
# gives the JVM one processor, as the DaemonSet's cpu limit of 1 does.
#
# To compare JVM settings side by side in one run, name variants: each is the image's flags plus
# its own (later flags win), started next to the others on its own port:
#   AGENT_VARIANTS='c1=-XX:TieredStopAtLevel=1;xmn4=-Xmn4m' bench/agent-vs-nginx.sh 10 4000 3
#
# To measure the images as shipped, name their OCI archives (bin/images builds them): each runs
# under podman with host networking, pinned to the same CPU as nginx, with the memory limit the
# recipe is sized for, a read-only root and uid 10001, with its own entrypoint, flags and trained
# AOT cache; the host-JVM agent is then left out (AGENT_HOST=1 keeps it):
#   AGENT_IMAGES='trixie25=target/images/node-agent-linux-amd64.oci.tar;bookworm17=/path/old.oci.tar' \
#     COLD_RUNS=0 bench/agent-vs-nginx.sh 10 "4000 16000" 3
# AGENT_VARIANTS then apply to the first image (its entrypoint's flags plus the variant's).
# Time to ready is measured from `podman run` and from the JVM process's own start (/proc); the
# RSS at idle is read 2 s after ready, before any traffic.
#
# To measure a change side by side with the build before it, name that build's jar: it runs as
# "agent-before", with the same flags and its own AOT cache trained the same way:
#   AGENT_BEFORE_JAR=/tmp/agent-before.jar bench/agent-vs-nginx.sh 10 4000 3
#
# Before its measured rounds, each connection count gets COLD_RUNS unmeasured runs of every server
# (default 2, from the environment): the agent's JIT (C2 alone, see docs/tuning.md) compiles the
# paths that open and close connections only after some thousands of them, and the first mass close
# deoptimizes code compiled before it, so the first ramps to a new count have a tail of 0.2-2 s that
# the following ones do not. Those runs are reported on their own ("cold ramps"), not hidden, and
# nginx gets the same ones. COLD_RUNS=0 measures from the first ramp (and skips the 10 s warm-up
# at 256 connections too, unless WARMUP says otherwise): the headline of docs/benchmarks.md.
#
# Each connection count is measured in ROUNDS rounds of every agent and then nginx; the table shows
# the median requests/s and latencies per server (robust against load bursts on a shared machine),
# the sum of socket errors and non-2xx answers, the highest RSS seen and the RSS held at the end of
# the runs (median), and the RSS each further connection costs between the two largest counts.
# Needs: the agent jar (mvn -B -pl api,node-agent package) and a JDK 25, or podman and the OCI
# archives for AGENT_IMAGES; jq, taskset; installs nginx and
# wrk with apt-get when they are missing. Does NOT change /proc/sys: it reports the kernel settings
# it ran with instead (see "limits" in the output).
set -euo pipefail

DURATION="${1:-10}"
COUNTS="${2:-256 4000 16000}"
ROUNDS="${3:-3}"
COLD_RUNS="${COLD_RUNS:-2}"
# the warm-up at 256 connections is itself an unmeasured run: none when COLD_RUNS=0
WARMUP="${WARMUP:-$((COLD_RUNS > 0 ? 10 : 0))}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
AGENT_PORT=18080
AGENT_ADMIN=19090
NGINX_PORT=18081
SERVER_CPU=0
CLIENT_CPU=1
COMMAND="bench/agent-vs-nginx.sh $DURATION \"$COUNTS\" $ROUNDS (COLD_RUNS=$COLD_RUNS, WARMUP=$WARMUP)${AGENT_IMAGES:+ (AGENT_IMAGES='$AGENT_IMAGES')}${AGENT_VARIANTS:+ (AGENT_VARIANTS='$AGENT_VARIANTS')}${AGENT_BEFORE_JAR:+ (AGENT_BEFORE_JAR=$AGENT_BEFORE_JAR)}"

if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  echo "installing nginx and wrk with apt-get" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk >/dev/null
fi

# As many descriptors as this shell may have: wrk and each server get their own limit of that size.
ulimit -n "$(ulimit -Hn)" || true
NOFILE="$(ulimit -n)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

WORK="$(mktemp -d /tmp/agent-vs-nginx.XXXXXX)"
chmod 755 "$WORK" # nginx workers run as nobody
PIDS=()
CONTAINERS=()
# podman with storage of its own in WORK: nothing shared with other podman users on the machine
pm() { podman --root "$WORK/podman/root" --runroot "$WORK/podman/run" --tmpdir "$WORK/podman/tmp" \
  --runtime runc --cgroup-manager=cgroupfs --events-backend=file "$@"; }
cleanup() {
  for c in "${CONTAINERS[@]}"; do
    pm logs "$c" > "$WORK/$c.log" 2>&1 || true
    pm rm --force --time 2 "$c" > /dev/null 2>&1 || true
  done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [[ ${#CONTAINERS[@]} -eq 0 ]] || pm system reset --force > /dev/null 2>&1 || true
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

# --- agents: the image's JVM (bench/lib/agent-jvm.sh), then each variant ----------------------
# shellcheck source=lib/agent-jvm.sh
source "$ROOT/bench/lib/agent-jvm.sh"
NAMES=()
EXTRA=()
declare -A JAR_OF JVM_OF IMAGE_OF
IFS=';' read -r -a images <<< "${AGENT_IMAGES:-}"
for i in "${images[@]}"; do
  [[ -n "$i" ]] || continue
  [[ -f "${i#*=}" ]] || { echo "AGENT_IMAGES: ${i#*=} is not an OCI archive (bin/images builds them)" >&2; exit 2; }
  NAMES+=("image-${i%%=*}")
  EXTRA+=("")
  # by image ID: both images may carry the same name and tag
  ref="$(pm load -i "${i#*=}" 2>&1 | sed -n 's/^Loaded image[^:]*: *//p' | head -1)"
  [[ -n "$ref" ]] || { echo "podman load ${i#*=} failed" >&2; exit 1; }
  IMAGE_OF[image-${i%%=*}]="$(pm image inspect --format '{{.Id}}' "$ref")"
done
FIRST_IMAGE="${NAMES[0]:-}"
if [[ -z "${AGENT_IMAGES:-}" || "${AGENT_HOST:-0}" == 1 ]]; then
if [[ -n "${AGENT_BEFORE_JAR:-}" ]]; then
  agent_jvm "$ROOT" "$WORK" "$SERVER_CPU" "$AGENT_BEFORE_JAR"
  NAMES+=(agent-before)
  EXTRA+=("")
  JAR_OF[agent-before]="$AGENT_JAR"
  JVM_OF[agent-before]="${AGENT_JVM[*]}"
fi
agent_jvm "$ROOT" "$WORK" "$SERVER_CPU"
NAMES+=(agent)
EXTRA+=("")
HOST_AGENT=1
fi
IFS=';' read -r -a variants <<< "${AGENT_VARIANTS:-}"
for v in "${variants[@]}"; do
  [[ -n "$v" ]] || continue
  NAMES+=("agent-${v%%=*}")
  EXTRA+=("${v#*=}")
  [[ "${HOST_AGENT:-0}" == 1 ]] || IMAGE_OF[agent-${v%%=*}]="${IMAGE_OF[$FIRST_IMAGE]}"
done
RECIPE="$ROOT/node-agent/src/main/image/image.json"
LIMIT_MIB="$(jq -r .memoryLimit "$RECIPE" | sed 's/Mi$//')"
# how long a process has been running, in milliseconds (/proc/uptime against its start time)
proc_age_ms() {
  awk -v hz="$(getconf CLK_TCK)" -v up="$(cut -d' ' -f1 /proc/uptime)" \
    '{ sub(/^.*\) /, ""); printf "%.0f", (up - $20 / hz) * 1000 }' "/proc/$1/stat"
}
# Starts one image under podman: host network, the server CPU, the recipe's memory limit, a
# read-only root, uid 10001 (the image's own), no capabilities; variants add flags to the entrypoint.
start_image() {
  local name="$1" port="$2" admin="$3" extra=("${@:4}") entry=()
  mkdir -p "$WORK/$name.d"
  agent_yaml "$WORK/$name.d/agent.yaml" "$port" "$admin"
  chmod -R a+rX "$WORK/$name.d"
  if [[ ${#extra[@]} -gt 0 ]]; then
    mapfile -t entry < <(jq -r '.config.Entrypoint[1:][]' "$RECIPE")
    entry=("${entry[@]:0:${#entry[@]}-2}" "${extra[@]}" "${entry[@]: -2}")
  fi
  pm run -d --name "bench-$name" --network host --cpuset-cpus "$SERVER_CPU" \
    --memory "${LIMIT_MIB}m" --memory-swap "${LIMIT_MIB}m" --ulimit "nofile=$NOFILE:$NOFILE" --ulimit nproc=4096:4096 \
    --read-only --tmpfs /tmp --cap-drop ALL --security-opt no-new-privileges \
    --volume "$WORK/$name.d:/etc/pi-pool:ro" \
    ${entry:+--entrypoint java} "${IMAGE_OF[$name]}" ${entry:+"${entry[@]}"} serve --config /etc/pi-pool/agent.yaml > /dev/null
  CONTAINERS+=("bench-$name")
}
declare -A PID_OF URL_OF READY_OF FLAGS_OF ADMIN_OF READY_JVM_OF IDLE_OF
for i in "${!NAMES[@]}"; do
  name="${NAMES[$i]}"
  port=$((AGENT_PORT + 2 * i))
  ADMIN_OF[$name]=$((AGENT_ADMIN + 2 * i))
  agent_yaml "$WORK/$name.yaml" "$port" "${ADMIN_OF[$name]}"
  read -r -a extra <<< "${EXTRA[$i]}"
  if [[ -n "${JVM_OF[$name]:-}" ]]; then
    read -r -a base <<< "${JVM_OF[$name]}" # agent-before: its own AOT cache
  else
    base=("${AGENT_JVM[@]}")
  fi
  if [[ -n "${IMAGE_OF[$name]:-}" ]]; then
    start=$(now_ms)
    start_image "$name" "$port" "${ADMIN_OF[$name]}" "${extra[@]}"
    PID_OF[$name]="$(pm inspect --format '{{.State.Pid}}' "bench-$name")"
    FLAGS_OF[$name]="podman run ${IMAGE_OF[$name]} (its entrypoint$([[ ${#extra[@]} -eq 0 ]] || echo " plus ${extra[*]}"))"
  else
    flags=("${base[@]}" "${extra[@]}")
    FLAGS_OF[$name]="${AGENT_ENV[*]} $AGENT_JAVA ${flags[*]}"
    start=$(now_ms)
    env "${AGENT_ENV[@]}" taskset -c "$SERVER_CPU" "$AGENT_JAVA" "${flags[@]}" -jar "${JAR_OF[$name]:-$AGENT_JAR}" serve \
      --config "$WORK/$name.yaml" > "$WORK/$name.log" 2>&1 &
    PID_OF[$name]=$!
    PIDS+=("$!")
  fi
  URL_OF[$name]="http://127.0.0.1:$port/"
  READY_OF[$name]=$(wait_ready "http://127.0.0.1:$((AGENT_ADMIN + 2 * i))/readyz" "$start")
  READY_JVM_OF[$name]=$(( $(proc_age_ms "${PID_OF[$name]}") - ($(now_ms) - start - READY_OF[$name]) ))
  sleep 2
  IDLE_OF[$name]=$(( $(rss_kb "${PID_OF[$name]}") / 1024 ))
done

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
PID_OF[nginx]=$!
PIDS+=("$!")
URL_OF[nginx]="http://127.0.0.1:$NGINX_PORT/"
READY_OF[nginx]=$(wait_ready "http://127.0.0.1:$NGINX_PORT/" "$start")
READY_JVM_OF[nginx]=$(( $(proc_age_ms "${PID_OF[nginx]}") - ($(now_ms) - start - READY_OF[nginx]) ))
sleep 2
IDLE_OF[nginx]=$(( $(rss_kb "${PID_OF[nginx]}") / 1024 ))
SERVERS=("${NAMES[@]}" nginx)

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

# One wrk run; appends "server conns round rps p50_ms p99_ms socket_errors non2xx peak_rss_kib
# end_rss_kib load1" to $RAW, or to $5 when given.
run() {
  local name="$1" conns="$2" secs="$3" round="$4" raw="${5:-$RAW}" pid="${PID_OF[$1]}"
  local out="$WORK/wrk-$name-$conns-$(basename "$raw" .txt)$round.txt" peak=0 r=0
  taskset -c "$CLIENT_CPU" timeout $((secs + 60)) \
    wrk -t1 -c "$conns" -d "${secs}s" --timeout 10s --latency "${URL_OF[$name]}" > "$out" 2>&1 &
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
  echo "$name $conns $round ${rps:-0} $p50 $p99 ${errs:-0} ${non2xx:-0} $peak $r $(cut -d' ' -f1 /proc/loadavg)" >> "$raw"
}

RAW="$WORK/raw.txt"
COLD="$WORK/cold.txt"
: > "$RAW"
: > "$COLD"
if (( WARMUP > 0 )); then
  echo "# warmup ${WARMUP}s each at 256 connections" >&2
  for s in "${SERVERS[@]}"; do run "$s" 256 "$WARMUP" 0; done
fi
: > "$RAW"
for c in $COUNTS; do
  for cold in $(seq 1 "$COLD_RUNS"); do
    echo "# $c connections, cold run $cold of $COLD_RUNS (not in the medians)" >&2
    for s in "${SERVERS[@]}"; do
      run "$s" "$c" "$DURATION" "$cold" "$COLD"
      sleep 2
    done
  done
  for round in $(seq 1 "$ROUNDS"); do
    echo "# $c connections, round $round of $ROUNDS, ${DURATION}s per server" >&2
    for s in "${SERVERS[@]}"; do
      run "$s" "$c" "$DURATION" "$round"
      sleep 2 # let the closed connections go before the next server's turn
    done
  done
done

RESULTS="$WORK/results.txt"
echo "server connections req/s(median) ratio p50_ms(median) p99_ms(median) p99_ratio socket_errors(sum) non_2xx(sum) peak_rss_mib holding_rss_mib(median)" > "$RESULTS"
sel() { awk -v s="$1" -v c="$2" -v f="$3" '$1 == s && $2 == c {print $f}' "$RAW"; }
for c in $COUNTS; do
  nginx_rps=$(sel nginx "$c" 4 | median)
  nginx_p99=$(sel nginx "$c" 6 | median)
  for s in "${SERVERS[@]}"; do
    rps=$(sel "$s" "$c" 4 | median)
    p99=$(sel "$s" "$c" 6 | median)
    echo "$s $c $rps $(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN {printf "%.2fx", (b > 0) ? a / b : 0}')" \
      "$(sel "$s" "$c" 5 | median) $p99 $(awk -v a="$p99" -v b="$nginx_p99" 'BEGIN {printf "%.2fx", (b > 0) ? a / b : 0}')" \
      "$(sel "$s" "$c" 7 | awk '{t += $1} END {print t + 0}') $(sel "$s" "$c" 8 | awk '{t += $1} END {print t + 0}')" \
      "$(( $(sel "$s" "$c" 9 | sort -n | tail -1) / 1024 ))" \
      "$(sel "$s" "$c" 10 | median | awk '{printf "%d", $1 / 1024}')" >> "$RESULTS"
  done
done

# RSS per further connection: the rise of the RSS held at the end of the runs (median over the
# rounds; the peak also holds the JIT's passing compiler arenas) between the two largest counts.
read -r -a counts <<< "$COUNTS"
SLOPES=""
if (( ${#counts[@]} >= 2 )); then
  lo="${counts[-2]}" hi="${counts[-1]}"
  for s in "${SERVERS[@]}"; do
    a=$(sel "$s" "$lo" 10 | median) b=$(sel "$s" "$hi" 10 | median)
    SLOPES+="$s $(awk -v a="$a" -v b="$b" -v n=$((hi - lo)) 'BEGIN {printf "%.2f", (b - a) / n}') KiB; "
  done
  SLOPES="from $lo to $hi connections: $SLOPES"
fi

echo "== command: $COMMAND"
echo "== machine"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "nproc: $(nproc); cpu: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'); ram: $(free -m | awk '/Mem:/ {print $2}') MiB; kernel: $(uname -r)"
echo "java (host agent): $([[ -z "${AGENT_JAVA:-}" ]] || "$AGENT_JAVA" -version 2>&1 | head -1); nginx: $(nginx -v 2>&1 | cut -d/ -f2); wrk: $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
echo "load average: at the start $LOAD_START, at the end $(cut -d' ' -f1-3 /proc/loadavg) (1-minute value per round in the last column below)"
echo "== limits (not changed by this script)"
echo "ulimit -n: $NOFILE; net.core.somaxconn: $(cat /proc/sys/net/core/somaxconn);" \
  "tcp_max_syn_backlog: $(cat /proc/sys/net/ipv4/tcp_max_syn_backlog);" \
  "ip_local_port_range: $(tr '\t' ' ' < /proc/sys/net/ipv4/ip_local_port_range)"
echo "== agent JVM (from node-agent/src/main/image/image.json, memoryLimit ${LIMIT_MIB}Mi)"
for s in "${NAMES[@]}"; do echo "$s: ${FLAGS_OF[$s]}"; done
echo "== time to ready (ms; from the start command, and from the server process's own start): $(for s in "${SERVERS[@]}"; do printf '%s %s / %s, ' "$s" "${READY_OF[$s]}" "${READY_JVM_OF[$s]}"; done)"
echo "== RSS at idle, 2 s after ready (MiB): $(for s in "${SERVERS[@]}"; do printf '%s %s, ' "$s" "${IDLE_OF[$s]}"; done)"
echo "== agent status after the runs"
curl -s "http://127.0.0.1:${ADMIN_OF[${NAMES[0]}]}/v1/status" | head -c 400; echo
echo "== cold ramps: the unmeasured runs before the rounds (same columns as below)"
cat "$COLD"
for c in $COUNTS; do
  for s in "${SERVERS[@]}"; do
    awk -v s="$s" -v c="$c" '$1 == s && $2 == c {
        p = p sprintf("%s%.0f ms", (n++ ? ", " : ""), $6); if ($9 > peak) peak = $9 }
      END { if (n) printf "  %s at %s: p99 %s; peak RSS %d MiB\n", s, c, p, peak / 1024 }' "$COLD"
  done
done
echo "== per-round figures (server conns round req/s p50_ms p99_ms socket_errors non_2xx peak_rss_kib end_rss_kib load1)"
cat "$RAW"
[[ -z "$SLOPES" ]] || echo "== RSS per further connection, $SLOPES"
echo "== results (wrk -t1 --latency, ${DURATION}s per run, $ROUNDS rounds; ratio = of nginx; raw output in $WORK)"
column -t "$RESULTS"
