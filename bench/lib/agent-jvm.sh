# Sourced by the agent's benchmarks: the agent's JVM exactly as its image starts it, taken from ONE
# place, the image recipe node-agent/src/main/image/image.json (bin/images builds the image from it;
# the operator's DaemonSet adds no JVM options; packaging's AgentJvmSettingsTest checks both).
#
# agent_jvm ROOT WORK CPU [JAR] sets
#   AGENT_JAR        JAR when given (e.g. an earlier build, for a before/after run), else the jar the
#                    recipe names, from node-agent/target
#   AGENT_ENV        the recipe's Env (for `env "${AGENT_ENV[@]}" java ...`)
#   AGENT_JVM        the recipe's Entrypoint flags up to -jar, with two stand-ins for the image:
#                    -XX:MaxRAM=<the recipe's memoryLimit> (what a container limit does to the JVM's
#                    ergonomics) and -XX:SharedArchiveFile=WORK/agent.jsa, a CDS archive recorded
#                    the way bin/images records it (the recipe's flags, -XX:ArchiveClassesAtExit,
#                    its training config, stopped once it serves), pinned to CPU as the agent will be
#   AGENT_MEMORY_LIMIT  e.g. 192Mi
# and exits when the jar is missing or the archive cannot be recorded or loaded.
agent_jvm() {
  local root="$1" work="$2" cpu="$3"
  local recipe="$root/node-agent/src/main/image/image.json"
  AGENT_JAR="${4:-$root/node-agent/target/$(jq -r .jar "$recipe")}"
  [[ -f "$AGENT_JAR" ]] || { echo "missing $AGENT_JAR: run mvn -B -pl api,node-agent package first" >&2; exit 2; }
  local flags
  # the entrypoint's flags up to -jar, without the image's archive path (replaced by ours below)
  mapfile -t flags < <(jq -r '.config.Entrypoint[1:-2][] | select(startswith("-XX:SharedArchiveFile") | not)' "$recipe")
  mapfile -t AGENT_ENV < <(jq -r '.config.Env // [] | .[]' "$recipe")
  AGENT_MEMORY_LIMIT="$(jq -r .memoryLimit "$recipe")"
  [[ "$AGENT_MEMORY_LIMIT" =~ ^([0-9]+)Mi$ ]] || { echo "image.json: memoryLimit $AGENT_MEMORY_LIMIT is not in Mi" >&2; exit 2; }
  flags+=("-XX:MaxRAM=${BASH_REMATCH[1]}m")

  # one archive per jar: a CDS archive only loads with the jar it was recorded from
  local tag
  tag="$(sha256sum "$AGENT_JAR" | cut -c1-12)"
  local archive="$work/agent-$tag.jsa" training="$work/cds-training.yaml" log="$work/cds-$tag.log" ready pid
  sed "s#/tmp/cds-training#$work/cds-training#" \
    "$(dirname "$recipe")/$(jq -r .cds.trainingConfig "$recipe")" > "$training"
  mkdir -p "$work/cds-training/proc/sys" "$work/cds-training/sys"
  ready="$(jq -r .cds.readyLine "$recipe")"
  env "${AGENT_ENV[@]}" taskset -c "$cpu" java "${flags[@]}" "-XX:ArchiveClassesAtExit=$archive" \
    -jar "$AGENT_JAR" serve --config "$training" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 240); do
    grep -q "$ready" "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  sleep 1
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  AGENT_JVM=("${flags[@]}" "-XX:SharedArchiveFile=$archive")
  # as bin/images checks it: -Xshare:on fails instead of silently running without the archive
  env "${AGENT_ENV[@]}" taskset -c "$cpu" java "${AGENT_JVM[@]}" -Xshare:on -jar "$AGENT_JAR" --help \
    > /dev/null 2>> "$log" || { cat "$log" >&2; echo "the recorded CDS archive does not load" >&2; exit 1; }
}

# agent_yaml FILE PORT ADMIN_PORT: the benchmarks' agent: Echo, 1 KiB, one event loop, no gzip,
# loopback, room for 16,000 connections, no sysctls.
agent_yaml() {
  cat > "$1" <<YAML
server:
  host: 127.0.0.1
  port: $2
  adminHost: 127.0.0.1
  adminPort: $3
  mode: Echo
  echoBodyBytes: 1024
  eventLoops: 1
  compression: false
  maxConnections: 17000
  idleTimeoutSeconds: 120
sysctls:
  values: {}
YAML
}
