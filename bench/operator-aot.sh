#!/usr/bin/env bash
# The operator image's AOT cache at work: how soon the operator's first reconcile lands (the
# pool's DaemonSet created) and its first status write, from the JVM's start, with one AOT cache
# against another, on the same jar, JVM and flags. Each run is the image's own JVM (JDK 25) with
# the image's flags in the image's root filesystem (as bin/images trains it: chroot, a private
# network namespace with only loopback), against a fresh simulated cluster (bin/aot-workload
# --start-cluster: the embedded API server and 4 simulated nodes, the pool applied as it starts).
# The runs alternate between the caches, so load drifts on the machine hit both alike.
#
#   bench/operator-aot.sh ROOTFS JAR NAME=CACHE [NAME=CACHE ...]
#     ROOTFS  an image root filesystem (bin/images' cache: base-trixie-25-amd64-<key>/rootfs)
#     JAR     the operator jar the caches were trained for (operator/target/pi-pool-operator.jar)
#     CACHE   an AOT cache file, or "none" for no cache
#   RUNS=7 (runs per cache)
#
# Prints one line per run and the medians (ms). Needs root (unshare, chroot), curl, jq and the
# simulator's jar (simulator/target/pi-pool-simulator.jar).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
rootfs="$1" jar="$2"
shift 2
runs="${RUNS:-7}"
recipe=operator/src/main/image/image.json
# the image's flags up to -jar, the cache's path as in the image
mapfile -t flags < <(jq -r '.config.Entrypoint[1:-2][] | select(startswith("-XX:AOTCache") | not)' "$recipe")
# the training's environment: the simulated cluster's kubeconfig, no server-side apply, /metrics off 8080
tenv="$(jq -r '.aot.trainingEnv | join(" ")' "$recipe")"
epoch="$(date -u -d "$(sed -n 's:.*<project.build.outputTimestamp>\(.*\)</project.build.outputTimestamp>.*:\1:p' pom.xml | head -1)" +%s)"
work="$(mktemp -d /tmp/operator-aot.XXXXXX)"
trap 'rm -rf "$work"' EXIT

names=()
for spec in "$@"; do
  name="${spec%%=*}" cache="${spec#*=}"
  [ "$name" != "$spec" ] || { echo "operator-aot: '$spec' is not NAME=CACHE (CACHE a file or none)" >&2; exit 2; }
  mkdir -p "$work/$name/app"
  cp "$jar" "$work/$name/app/pi-pool-operator.jar"
  touch -d "@$epoch" "$work/$name/app/pi-pool-operator.jar" # the cache checks the jar's time, as in the image
  if [ "$cache" = none ]; then
    : >"$work/$name/flag"
  else
    cp "$cache" "$work/$name/app/pi-pool-operator.aot"
    echo "-XX:AOTCache=/app/pi-pool-operator.aot" >"$work/$name/flag"
  fi
  names+=("$name")
done

# One run: prints "<ms to the DaemonSet> <ms to the first status>", or "- -" when it timed out.
run() { # name
  unshare --mount --net --pid --fork bash -c '
    set -e
    rootfs="$1" app="$2" flag="$3" tenv="$4"; shift 4
    ip link set lo up
    mount --bind "$rootfs" "$rootfs" && mount -o remount,bind,ro "$rootfs"
    mount -t proc proc "$rootfs/proc"
    mount --bind "$app" "$rootfs/app"
    mount -t tmpfs -o size=64m tmpfs "$rootfs/tmp"
    # the devices a container runtime gives, as in the training of bin/images
    mount -t tmpfs -o size=1m,mode=755 tmpfs "$rootfs/dev"
    for d in null zero random urandom; do touch "$rootfs/dev/$d"; mount --bind "/dev/$d" "$rootfs/dev/$d"; done
    bin/aot-workload operator-amd64 --start-cluster "$rootfs/tmp/aot-training" >/dev/null 2>&1
    api="$(sed -n "s/^ *server: //p" "$rootfs/tmp/aot-training/kubeconfig")"
    # the simulator applies the pool right after writing the kubeconfig
    for _ in $(seq 100); do
      curl -sf "$api/apis/pipool.io/v1alpha1/namespaces/default/piserverpools/web" >/dev/null && break
      sleep 0.1
    done
    t0=$(date +%s%N)
    env $tenv chroot "$rootfs" /usr/bin/java "$@" $flag -jar /app/pi-pool-operator.jar >/dev/null 2>&1 &
    ds=- st=-
    for _ in $(seq 1200); do
      now=$(date +%s%N)
      if [ "$ds" = - ] && curl -sf "$api/apis/apps/v1/namespaces/default/daemonsets" | jq -e ".items | length > 0" >/dev/null; then
        ds=$(((now - t0) / 1000000))
      fi
      if [ "$st" = - ] && curl -sf "$api/apis/pipool.io/v1alpha1/namespaces/default/piserverpools/web" | jq -e ".status.observedGeneration != null" >/dev/null; then
        st=$(((now - t0) / 1000000))
      fi
      [ "$ds" = - ] || [ "$st" = - ] || break
      sleep 0.02
    done
    echo "$ds $st"
  ' sh "$rootfs" "$work/$1/app" "$(cat "$work/$1/flag")" "$tenv" "${flags[@]}"
}

for name in "${names[@]}"; do
  check="$(unshare --mount --pid --fork sh -c '
    mount --bind "$1" "$1" && mount -o remount,bind,ro "$1"; mount -t proc proc "$1/proc"; mount --bind "$2" "$1/app"
    r="$1"; f="$3"; shift 3
    [ -n "$f" ] || exit 3
    chroot "$r" /usr/bin/java "$@" -XX:AOTMode=on $f -Xlog:aot=error -cp /app/pi-pool-operator.jar -version 2>&1' \
    sh "$rootfs" "$work/$name/app" "$(cat "$work/$name/flag")" "${flags[@]}" >/dev/null 2>&1; echo $?)"
  case "$check" in 0) check=loads ;; 3) check="none (no -XX:AOTCache)" ;; *) check="DOES NOT LOAD" ;; esac
  echo "$name: cache $check"
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
  for name in "${names[@]}"; do
    r="$(run "$name")"
    echo "$name run $i: DaemonSet ${r% *} ms, first status ${r#* } ms"
    echo "$r" >>"$work/$name/results"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in "${names[@]}"; do
  med() { grep -v '^-' "$work/$name/results" | cut -d' ' -f"$1" | sort -n | awk '{a[NR]=$1} END {print NR ? a[int((NR+1)/2)] : "-"}'; }
  echo "$name: median over $(grep -vc '^-' "$work/$name/results") runs: first reconcile (DaemonSet) $(med 1) ms, first status write $(med 2) ms"
done
