#!/bin/bash
# The controller image's AppCDS archive, made the only way the JVM accepts one: by a training run inside the image
# itself (the same JRE, class path, jar sizes and mtimes), and a check that an image actually uses it. An image runs
# from its unpacked layers in a chroot, in private mount and pid namespaces: no container engine, and nothing outlives
# the script. The controller listens on 127.0.0.1 and gets no API server (-api-server http://127.0.0.1:1).
#
#   tools/image-cds.sh train IMAGE.tar OUT_DIR
#       Fills OUT_DIR with one more layer for the image: the archive at the path of the entrypoint's
#       -XX:SharedArchiveFile, plus the JDK's default CDS archive (lib/server/classes.jsa) when the base has none
#       (tools/jre-base-image.sh leaves it out). Then checks the image plus that layer with -Xshare:on.
#   tools/image-cds.sh ready IMAGE.tar [-n RUNS] [JVM_FLAG...]
#       Starts the image as the Deployment runs it: as its user, on a read-only root with an empty /tmp. Prints the
#       milliseconds until /health/liveness answers, the CPU time the JVM used until then, and the uid:gid it ran as;
#       the JVM's own log lines (-Xlog) go to stderr. JVM_FLAGs follow the entrypoint's: -Xshare:on fails unless the archives are used, -Xshare:off
#       runs without any, -XX:SharedArchiveFile=<JAVA_HOME>/lib/server/classes.jsa with the JDK's archive only.
#
# Needs root (chroot, mounts), unshare, tar, jq, curl and openssl.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
die() { echo "image-cds.sh: $*" >&2; exit 1; }
training=$(cd "$(dirname "$0")" && pwd)/cds-training

[ $# -ge 2 ] || usage
command=$1 image=$2
shift 2
case $command in
  train) [ $# -eq 1 ] || usage; out=$(realpath -m "$1") ;;
  ready) runs=1; if [ "${1:-}" = -n ]; then runs=${2:?-n needs a number}; shift 2; fi ;;
  *) usage ;;
esac
[ -f "$image" ] || die "$image: no such image tarball"
image=$(realpath "$image")
[ "$(id -u)" = 0 ] || die "needs root: it runs the image in a chroot with its own mounts"
for tool in unshare tar jq curl openssl pgrep pkill; do command -v $tool >/dev/null || die "needs $tool"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/image-cds.XXXXXX")
pid=""
cleanup() {
  # The namespace's first process takes every other one in it along when it dies.
  if [ -n "$pid" ]; then
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The layers in order, as a container runtime stacks them (an OCI layout, or a `docker save` archive).
root="$work/root"
mkdir -p "$work/image" "$root"
tar -xf "$image" -C "$work/image"
cd "$work/image"
if [ -f index.json ]; then
  manifest="blobs/$(jq -r '.manifests[0].digest | sub(":"; "/")' index.json)"
  config="blobs/$(jq -r '.config.digest | sub(":"; "/")' "$manifest")"
  mapfile -t layers < <(jq -r '.layers[].digest | "blobs/" + sub(":"; "/")' "$manifest")
elif [ -f manifest.json ]; then
  config=$(jq -r '.[0].Config' manifest.json)
  mapfile -t layers < <(jq -r '.[0].Layers[]' manifest.json)
else
  die "$image: neither an OCI layout (index.json) nor a docker archive (manifest.json)"
fi
for layer in "${layers[@]}"; do
  # Whiteouts (OCI layer format): .wh.NAME deletes NAME from the layers below, .wh..wh..opq empties its directory.
  while IFS= read -r path; do
    [[ /$path/ != */../* ]] || die "$image: a layer entry leaves the root: $path"
    dir=$(dirname "$path") name=$(basename "$path")
    if [ "$name" = .wh..wh..opq ]; then
      [ ! -d "$root/$dir" ] || find "$root/$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
    else
      rm -rf "${root:?}/$dir/${name#.wh.}"
    fi
  done < <(tar -tf "$layer" --warning=no-unknown-keyword | grep -E '(^|/)\.wh\.[^/]*$' || true)
  tar -xf "$layer" -C "$root" --numeric-owner --warning=no-unknown-keyword --exclude='.wh.*'
done
cd /
config="$work/image/$config"
mapfile -t entrypoint < <(jq -r '.config.Entrypoint // [] | .[]' "$config")
mapfile -t env < <(jq -r '.config.Env // [] | .[]' "$config")
user=$(jq -r '.config.User // "" | if . == "" then "0:0" else . end' "$config")
[[ $user =~ ^[0-9]+:[0-9]+$ ]] || die "image user '$user': only a numeric uid:gid is supported"
[ "${entrypoint[0]:-}" = java ] || die "the entrypoint does not start with java: ${entrypoint[*]}"
java_home=""
for e in "${env[@]}"; do [[ $e != JAVA_HOME=* ]] || java_home=${e#JAVA_HOME=}; done
[ -n "$java_home" ] && [ -x "$root$java_home/bin/java" ] || die "the image sets no JAVA_HOME with a bin/java"
archive="" class_path=""
for i in "${!entrypoint[@]}"; do
  case ${entrypoint[$i]} in
    -XX:SharedArchiveFile=*) archive=${entrypoint[$i]#*=} ;;
    -cp|-classpath|--class-path|-jar) [ -n "$class_path" ] || class_path=$i ;;
  esac
done
[ -n "$class_path" ] || die "the entrypoint names no class path (-cp) or jar (-jar): ${entrypoint[*]}"
mkdir -p "$root/proc" "$root/dev" "$root/tmp"

# A throw-away certificate, copied into each run's /tmp.
mkdir "$work/tls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/tls/tls.key" -out "$work/tls/tls.crt" -days 1 -subj /CN=cds \
  >/dev/null 2>&1 || die "openssl failed"
port=$(( 20000 + $$ % 20000 ))
health_port=$(( port + 1 ))
controller_args=(-cert-path /tmp/tls/tls.crt -key-path /tmp/tls/tls.key -port "$port" -bind-address 127.0.0.1
  -health-port "$health_port" -health-bind-address 127.0.0.1 -api-server http://127.0.0.1:1 -shutdown-delay 0s)

# start ro|rw UID:GID COMMAND...: runs COMMAND in the image, in the background, with /proc, /dev and a tmpfs /tmp as a
# container runtime mounts them; $pid is unshare, whose only child (pid 1 inside) becomes the command.
start() {
  local mode=$1 as=$2
  shift 2
  unshare --mount --pid --fork --propagation private /bin/bash -c '
    set -e; root=$1 mode=$2 as=$3 tls=$4; shift 4
    if [ "$mode" = ro ]; then mount --bind "$root" "$root"; mount -o remount,bind,ro "$root"; fi
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=1777,size=64m tmpfs "$root/tmp"
    mkdir "$root/tmp/tls"; cp "$tls/tls.crt" "$tls/tls.key" "$root/tmp/tls/"; chown -R "$as" "$root/tmp/tls"
    exec "$@"' _ "$root" "$mode" "$as" "$work/tls" env -i "${env[@]}" chroot --userspec="$as" "$root" "$@" \
    >"$work/run.log" 2>&1 &
  pid=$!
}

# finish: waits for the command; stop: SIGTERM to it first, as the kubelet sends.
finish() {
  local status=0
  wait "$pid" || status=$?
  pid=""
  return $status
}
stop() {
  local jvm
  jvm=$(pgrep -P "$pid" || true)
  [ -z "$jvm" ] || kill -TERM "$jvm" 2>/dev/null || true
  finish
}

# await_ready: prints the milliseconds until the liveness endpoint answers; fails when the JVM exits first.
await_ready() {
  local t0 i=0
  t0=$(date +%s%N)
  until curl -sf -o /dev/null "http://127.0.0.1:$health_port/health/liveness" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 6000 ] || ! kill -0 "$pid" 2>/dev/null; then
      echo "image-cds.sh: the controller did not get ready; its output:" >&2; tail -n 20 "$work/run.log" >&2
      return 1
    fi
    sleep 0.02
  done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
}

# jvm_command [FLAG]: the entrypoint, one word a line, its -XX:SharedArchiveFile=PATH turned into FLAG=PATH if given.
jvm_command() {
  local replace=${1:-} word
  for word in "${entrypoint[@]}"; do
    [[ -z $replace || $word != -XX:SharedArchiveFile=* ]] || word="$replace=${word#*=}"
    printf '%s\n' "$word"
  done
}

# ready_once [JVM_FLAG...]: one start as the Deployment runs the image; sets ready_ms, ready_cpu and ready_ids.
ready_once() {
  local cmd jvm
  mapfile -t cmd < <(jvm_command)
  # The extra flags go after the image's own, so that they win (-Xlog:cds after -Xlog:cds=off).
  start ro "$user" "${cmd[@]:0:$class_path}" "$@" "${cmd[@]:$class_path}" "${controller_args[@]}"
  ready_ms=$(await_ready) || { stop || true; return 1; }
  jvm=$(pgrep -P "$pid")
  # CPU time (user + system) until ready: unlike the wall time it hardly moves with the machine's load.
  ready_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$jvm/stat")
  ready_ids=$(awk '/^Uid:/{u=$2} /^Gid:/{g=$2} /^Groups:/{$1=""; s=$0} END{print u ":" g ", groups:" (s == "" ? " none" : s)}' \
    "/proc/$jvm/status")
  local status=0
  stop || status=$?
  # 143: the JVM's exit status after SIGTERM once its shutdown hooks have run.
  if [ $status != 0 ] && [ $status != 143 ]; then
    echo "image-cds.sh: the controller did not stop cleanly on SIGTERM; its output:" >&2; tail -n 5 "$work/run.log" >&2
    return 1
  fi
  grep -E '^\[[0-9.]+s\]\[' "$work/run.log" >&2 || true
}

case $command in
  train)
    rm -rf "$out"
    mkdir -p "$out"
    cds="$java_home/lib/server/classes.jsa"
    if [ ! -f "$root$cds" ]; then
      start rw 0:0 "$java_home/bin/java" -Xshare:dump
      finish || { tail -n 20 "$work/run.log" >&2; die "java -Xshare:dump failed in the image"; }
      install -D -m 0444 "$root$cds" "$out$cds"
    fi
    mapfile -t cmd < <(jvm_command -XX:ArchiveClassesAtExit)
    [ -n "$archive" ] || die "the entrypoint has no -XX:SharedArchiveFile=..., so no archive would be used"
    # As root: the JVM writes the archive into the image's tree, at the path the entrypoint reads it from.
    start rw 0:0 "${cmd[@]}" "${controller_args[@]}"
    await_ready >/dev/null || die "the training run did not start"
    # The requests every training run sends, so that the webhook's and the Kubernetes client's classes are archived.
    "$training/exercise.sh" "$port" "$health_port"
    stop || true
    [ -s "$root$archive" ] || { tail -n 20 "$work/run.log" >&2; die "the training run wrote no archive"; }
    install -D -m 0444 "$root$archive" "$out$archive"
    # The image plus this layer must map the archive: otherwise the JVM would silently start without it.
    ready_once -Xshare:on || die "the image does not start with -Xshare:on: the archive is not used"
    echo "image-cds.sh: $out$archive ($(stat -c %s "$out$archive") bytes); ready with it in $ready_ms ms as uid:gid $ready_ids" >&2
    ;;
  ready)
    walls=() cpus=()
    for _ in $(seq "$runs"); do
      ready_once "$@" || exit 1
      walls+=("$ready_ms") cpus+=("$ready_cpu")
      echo "ready in $ready_ms ms (CPU $ready_cpu ms) as uid:gid $ready_ids"
    done
    median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
    if [ "$runs" -gt 1 ]; then
      echo "median of $runs: ready in $(median "${walls[@]}") ms (CPU $(median "${cpus[@]}") ms); all: ${walls[*]}"
    fi
    ;;
esac
