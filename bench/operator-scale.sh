#!/usr/bin/env bash
# The operator at scale: the simulator with 10, 100 and 300 nodes in one pool, the real operator
# as its own process (its RSS measured alone), the real agents in the simulator's JVM. Records
# the results in docs/benchmarks.md, section "Operator at scale" (between its markers).
# Each size runs twice, side by side: on the embedded stand-in (Fabric8's mock server), and on
# the real control plane (bin/control-plane: kube-apiserver, controller-manager, scheduler v1.20.2
# with etcd, a fresh one per size), where the real scheduler and DaemonSet controller place the
# pods and the API server's audit log counts the operator's writes.
#   bench/operator-scale.sh            # 10 100 300, stand-in and real
#   bench/operator-scale.sh 10 300     # chosen sizes
#   PIPOOL_BENCH_REAL=false bench/operator-scale.sh   # the stand-in only
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@"); [[ ${#sizes[@]} -eq 0 ]] && sizes=(10 100 300)
real="${PIPOOL_BENCH_REAL:-true}"
poll="${PIPOOL_BENCH_POLL:-5}"
steady="${PIPOOL_BENCH_STEADY:-60}"

echo "building the simulator and the operator jar ..."
mvn -B -q install -DskipTests -Dspotless.check.skip=true -pl simulator -am
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
# The operator runs with its image's JVM settings under a 256Mi limit. The simulator starts it with
# -XX:+UseSerialGC -Xmx154m -Xss512k; the image's other settings reach it through the environment
# it inherits: C1 only, two malloc arenas, and -XX:MaxRAM=256m, which gives it the ergonomics of a
# 256 MiB container on this larger machine (an initial heap of 4 MiB, not min(Xmx, RAM/64)). The
# simulator's own JVM takes the same variables, so its command line sets its flags back.
operator_jvm="-XX:MaxRAM=256m -XX:TieredStopAtLevel=1"
bench_run() { # nodes [extra ScaleBench args...]
  local n=$1
  shift
  MALLOC_ARENA_MAX=2 JAVA_TOOL_OPTIONS="$operator_jvm" \
  java -Xss512k -Xmx3g -Xms512m -XX:+UseParallelGC -XX:TieredStopAtLevel=4 \
    -cp simulator/target/pi-pool-simulator.jar \
    io.pipool.simulator.bench.ScaleBench --nodes "$n" --poll "$poll" --steady "$steady" \
    --operator-jar operator/target/pi-pool-operator.jar --out "$rows" "$@"
}
export PIPOOL_CP_DIR="${PIPOOL_CP_DIR:-/tmp/pi-pool-bench-control-plane}"
export PIPOOL_CP_API_PORT="${PIPOOL_CP_API_PORT:-36443}"
export PIPOOL_CP_ETCD_PORT="${PIPOOL_CP_ETCD_PORT:-32379}"
if [[ "$real" == true ]]; then
  trap 'rm -f "$rows"; bin/control-plane down >/dev/null 2>&1 || true' EXIT
  bin/control-plane build
fi
for n in "${sizes[@]}"; do
  echo "== $n nodes, stand-in =="
  bench_run "$n"
  if [[ "$real" == true ]]; then
    echo "== $n nodes, real control plane =="
    kubeconfig=$(bin/control-plane up)
    kubectl --kubeconfig "$kubeconfig" apply --validate=false -f manifests/crd/ >/dev/null
    bench_run "$n" --kubeconfig "$kubeconfig" --audit-log "$PIPOOL_CP_DIR/log/audit.log"
    bin/control-plane down
  fi
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
section=$(mktemp)
{
  echo "<!-- operator-scale:begin (written by bench/operator-scale.sh) -->"
  echo "## Operator at scale"
  echo
  echo "**Command:** \`bench/operator-scale.sh ${sizes[*]}\` (poll interval ${poll} s, ${steady} s of steady state per size)."
  echo "**Machine:** $(nproc) cores ($cpu), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(uname -sr), $(java -version 2>&1 | head -1)."
  echo "**Date:** $(date -u '+%Y-%m-%d %H:%M') UTC; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "**What runs:** one pool (\`manifests/examples/web-pool.yaml\` with free ports, a ${poll} s poll, a"
  echo "target of 50 connections per node, maxReplicas = N) over N simulated Pi nodes, each size twice:"
  echo "on the embedded API server (*stand-in*: Fabric8's in-memory mock; the simulator plays the"
  echo "DaemonSet controller; writes counted at the mock) and on a fresh real control plane (*real*:"
  echo "\`bin/control-plane\`, kube-apiserver/controller-manager/scheduler v1.20.2 with etcd on loopback;"
  echo "the real scheduler and DaemonSet controller place the pods; the operator writes with server-side"
  echo "apply; writes counted from the API server's audit log); N real agents in the simulator's JVM; the"
  echo "real operator as its own process, so its memory is measured alone, with the image's JVM settings"
  echo "under a 256Mi limit (\`-XX:+UseSerialGC -Xmx154m -Xss512k -XX:TieredStopAtLevel=1\`,"
  echo "\`MALLOC_ARENA_MAX=2\`, and \`-XX:MaxRAM=256m\` for a 256 MiB container's heap sizing). The"
  echo "load step goes from 25 to 125 connections (1 -> 3 serving)."
  echo
  echo "| nodes | API server | apply -> all agents ready and labelled | load step -> serving-set change | one poll round (median / max) | reconcile p50 / p99 | operator API writes per minute, steady | operator peak RSS |"
  echo "|---|---|---|---|---|---|---|---|"
  grep '^| ' "$rows"
  echo
  echo "**Against the targets** (largest size run):"
  echo
  python3 - "$rows" <<'PY'
import re, sys
rows = [l for l in open(sys.argv[1]) if l.startswith("| ")]
num = lambda s: [float(x) for x in re.findall(r"[0-9.]+", s)]
ok = lambda b: "met" if b else "**missed**"
print("| target | API server | measured | verdict |")
print("|---|---|---|---|")
largest = max(int(r.strip().strip("|").split("|")[0]) for r in rows)
for r in rows:
    cells = [c.strip() for c in r.strip().strip("|").split("|")]
    if int(cells[0]) != largest:
        continue
    n, api = cells[0], cells[1]
    poll_max = num(cells[4])[1]
    polls = num(cells[3])[1]
    per_poll = num(cells[6])[1]
    rss = num(cells[7])[0]
    print(f"| a poll round over {n} nodes under 1 s | {api} | {cells[4]} | {ok(poll_max < 1000)} |")
    print(f"| scale-up within 2 poll intervals | {api} | {polls} poll intervals | {ok(polls <= 2)} |")
    print(f"| at most one status update per pool per poll interval | {api} | {per_poll} | {ok(per_poll <= 1)} |")
    print(f"| operator RSS under 256 MiB at {n} nodes | {api} | {rss:.0f} MiB | {ok(rss < 256)} |")
PY
  echo
  echo "**How to read it, and what it does not show**"
  echo
  echo "- *Peak RSS* is \`VmHWM\` of the operator process; most of it is the JVM's floor (heap, JIT,"
  echo "  class metadata of the SDK, Fabric8 and Jackson)."
  echo "- *Reconcile p50/p99* are the upper bounds of the operator's histogram buckets"
  echo "  (\`pipool_operator_reconcile_duration_seconds\`), not exact values."
  echo "- *One poll round* is timed with the operator's own poller (\`AgentPoller\`) over every agent."
  echo "- *Apply -> ready and labelled* ends when every node is polled (Serving or Standby) and the"
  echo "  pods labelled \`pipool.io/serving=true\` match the desired count; with hundreds of nodes most"
  echo "  of it is the simulator starting the agents on this machine."
  echo "- *Load step -> serving-set change* counts from the moment the load generator starts opening"
  echo "  the new connections; it includes that ramp and the wait for the next poll."
  echo "- Everything shares this machine's cores: hundreds of agents, the load generator, the"
  echo "  embedded API server and the operator. A real cluster spreads the agents over the Pis, so the"
  echo "  agent side is pessimistic. On the stand-in the API server side is optimistic (no etcd, no"
  echo "  admission, no network); the real rows pay for etcd, admission and the real controllers on the"
  echo "  same two cores."
  echo "<!-- operator-scale:end -->"
} > "$section"

doc=docs/benchmarks.md
[[ -f "$doc" ]] || printf '# Benchmarks\n' > "$doc"
python3 - "$doc" "$section" <<'PY'
import sys, re
doc, section = sys.argv[1], sys.argv[2]
text = open(doc).read()
new = open(section).read().rstrip("\n")
pattern = re.compile(r"<!-- operator-scale:begin.*?<!-- operator-scale:end -->", re.S)
if pattern.search(text):
    text = pattern.sub(lambda m: new, text)
else:
    text = text.rstrip("\n") + "\n\n" + new + "\n"
open(doc, "w").write(text)
PY
echo "results written to $doc (section \"Operator at scale\")"
