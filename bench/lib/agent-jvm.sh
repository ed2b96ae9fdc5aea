# Sourced by the agent's benchmarks: the agent's JVM exactly as its image starts it, taken from ONE
# place, the image recipe node-agent/src/main/image/image.json (bin/images builds the image from it;
# the operator's DaemonSet adds no JVM options; packaging's AgentJvmSettingsTest checks both).
#
# agent_jvm ROOT WORK CPU [JAR] sets
#   AGENT_JAVA       the java the image's flags need: OpenJDK 25 (the image's JDK), from
#                    PIPOOL_JAVA25_HOME or the first /usr/lib/jvm/*-25-* folder
#   AGENT_JAR        JAR when given (e.g. an earlier build, for a before/after run), else the jar the
#                    recipe names, from node-agent/target
#   AGENT_ENV        the recipe's Env (for `env "${AGENT_ENV[@]}" "$AGENT_JAVA" ...`)
#   AGENT_JVM        the recipe's Entrypoint flags up to -jar, with two stand-ins for the image:
#                    -XX:MaxRAM=<the recipe's memoryLimit> (what a container limit does to the JVM's
#                    ergonomics) and -XX:AOTCache=WORK/agent-<jar>.aot, an AOT cache trained from the
#                    start-up only (the recipe's flags, -XX:AOTCacheOutput, its training configs,
#                    stopped once it serves; the image's own cache is trained under load by
#                    bin/images: run the image itself with AGENT_IMAGES for that), pinned to CPU
#   AGENT_MEMORY_LIMIT  e.g. 192Mi
# and exits when the jar or the JDK is missing or the cache cannot be trained or loaded.
agent_jvm() {
  local root="$1" work="$2" cpu="$3"
  local recipe="$root/node-agent/src/main/image/image.json"
  AGENT_JAR="${4:-$root/node-agent/target/$(jq -r .jar "$recipe")}"
  [[ -f "$AGENT_JAR" ]] || { echo "missing $AGENT_JAR: run mvn -B -pl api,node-agent package first" >&2; exit 2; }
  local home="${PIPOOL_JAVA25_HOME:-}"
  if [[ -z "$home" ]]; then
    home="$(find /usr/lib/jvm -maxdepth 1 -regex '.*-25\(-.*\)?' 2>/dev/null | sort | head -1)"
  fi
  [[ -x "$home/bin/java" ]] || { echo "no JDK 25 (the image's JDK): set PIPOOL_JAVA25_HOME" >&2; exit 2; }
  AGENT_JAVA="$home/bin/java"
  local flags
  # the entrypoint's flags up to -jar, without the image's cache path (replaced by ours below)
  mapfile -t flags < <(jq -r '.config.Entrypoint[1:-2][] | select(startswith("-XX:AOTCache") | not)' "$recipe")
  mapfile -t AGENT_ENV < <(jq -r '.config.Env // [] | .[]' "$recipe")
  AGENT_MEMORY_LIMIT="$(jq -r .memoryLimit "$recipe")"
  [[ "$AGENT_MEMORY_LIMIT" =~ ^([0-9]+)Mi$ ]] || { echo "image.json: memoryLimit $AGENT_MEMORY_LIMIT is not in Mi" >&2; exit 2; }
  flags+=("-XX:MaxRAM=${BASH_REMATCH[1]}m")

  # one cache per jar: an AOT cache only loads with the jar it was trained with
  local tag
  tag="$(sha256sum "$AGENT_JAR" | cut -c1-12)"
  local cache="$work/agent-$tag.aot" log="$work/aot-$tag.log" ready pid configs=() f
  rm -rf "$work/aot-training"
  cp -r "$(dirname "$recipe")/$(jq -r .aot.trainingFiles "$recipe")" "$work/aot-training"
  for f in "$work"/aot-training/*.yaml; do
    sed -i "s#/tmp/aot-training#$work/aot-training#; s#/app/aot-training#$work/aot-training#" "$f"
  done
  mapfile -t configs < <(jq -r '.aot.trainingArgs[]' "$recipe" | sed "s#^/app/aot-training#$work/aot-training#")
  mkdir -p "$work/aot-training/proc/sys" "$work/aot-training/sys"
  ready="$(jq -r .aot.readyLine "$recipe")"
  env "${AGENT_ENV[@]}" taskset -c "$cpu" "$AGENT_JAVA" "${flags[@]}" "-XX:AOTCacheOutput=$cache" \
    -jar "$AGENT_JAR" "${configs[@]}" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 240); do
    grep -q "$ready" "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  sleep 1
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  AGENT_JVM=("${flags[@]}" "-XX:AOTCache=$cache")
  # as bin/images checks it: -XX:AOTMode=on fails instead of silently running without the cache
  env "${AGENT_ENV[@]}" taskset -c "$cpu" "$AGENT_JAVA" "${AGENT_JVM[@]}" -XX:AOTMode=on -jar "$AGENT_JAR" --help \
    > /dev/null 2>> "$log" || { cat "$log" >&2; echo "the trained AOT cache does not load" >&2; exit 1; }
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
