# Shared helpers of the bench/*.sh scripts (sourced, not run). Each script measures its baseline in the same run,
# because this machine is shared and noisy: ratios survive the noise, absolute figures do not.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
jar=${KEC_JAR:-$root/target/kube-exec-controller.jar}
[ -f "$jar" ] || { echo "build first: make build   (or set KEC_JAR)" >&2; exit 1; }
lib=$(dirname "$jar")/lib
classes=$(dirname "$jar")/bench-classes
cp_bench="$jar:$lib/*:$classes"
pids=()

# The helper programs under bench/src (baseline servers, fake API server, pod loader), compiled against the
# controller's own classpath; never part of the product jar. Also as a jar ($classes.jar): an AppCDS archive of the
# Camel Main baseline can only hold classes from jars.
build_helpers() {
  local srcs; srcs=$(find "$here/src" -name '*.java')
  if [ ! -d "$classes" ] || [ -n "$(find "$here/src" -name '*.java' -newer "$classes/.built" 2>/dev/null)" ] \
      || [ ! -f "$classes/.built" ] || [ "$jar" -nt "$classes/.built" ] || [ ! -f "$classes.jar" ]; then
    mkdir -p "$classes"
    javac -nowarn -d "$classes" -cp "$jar:$lib/*" $srcs && jar cf "$classes.jar" -C "$classes" . \
      && touch "$classes/.built"
  fi
}

# require_wrk: wrk drives the HTTP load. As root on Debian it is installed like the other test prerequisites
# (tools/kube-api-test-dir.sh); elsewhere the script stops and says how to get it.
require_wrk() {
  command -v wrk >/dev/null && return 0
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing wrk (apt-get)..." >&2
    { apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }; } >/dev/null 2>&1
  fi
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
machine() { echo "$(nproc) CPUs, load average $(loadavg), $(java -version 2>&1 | head -1)"; }

# A throw-away directory, certificate and cleanup of everything started through `started`.
setup_workdir() {
  work=$(mktemp -d /tmp/kec-bench.XXXXXX)
  trap cleanup EXIT
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/tls.key" -out "$work/tls.crt" -days 1 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
}
started() { pids+=("$1"); }
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${control_plane:-}" ] && "$root/tools/control-plane.sh" stop "$control_plane" >/dev/null 2>&1
  [ -n "${work:-}" ] && rm -rf "$work"
}

# fake_api PORT DELAY_MS: the stand-in API server (bench/src/.../FakeApiServer.java)
fake_api() {
  java -XX:+UseSerialGC -Xmx128m -cp "$cp_bench" io.kubeexec.bench.FakeApiServer "$1" "$2" >"$work/fake-api-$1.log" 2>&1 &
  started $!
  until curl -sf "http://127.0.0.1:$1/version" >/dev/null 2>&1; do sleep 0.05; done
}

# controller PORT LOG ARGS...: starts bin/kube-exec-controller and waits for readiness; sets controller_pid and
# controller_health_port (the plain-HTTP port of its probes and /metrics)
controller() {
  controller_start "$@"
  controller_ready "$controller_health_port" "$controller_pid" "$2"
}
# controller_start PORT LOG ARGS...: the same without waiting (to start several at once); sets controller_pid
controller_start() {
  local port=$1 log=$2; shift 2
  controller_health_port=$(free_port)
  KEC_JAR=$jar "$root/bin/kube-exec-controller" -cert-path "$work/tls.crt" -key-path "$work/tls.key" -port "$port" \
    -bind-address 127.0.0.1 -health-port "$controller_health_port" -health-bind-address 127.0.0.1 \
    -shutdown-delay 0s "$@" >"$log" 2>&1 &
  controller_pid=$!
  started $controller_pid
  local child; child=$(pgrep -P $controller_pid java || true)
  if [ -n "$child" ]; then controller_pid=$child; started "$child"; fi
}
# controller_ready HEALTH_PORT PID LOG: waits until that controller is ready; stops the script if it died
controller_ready() {
  until curl -sf "http://127.0.0.1:$1/health/readiness" >/dev/null 2>&1; do
    kill -0 "$2" 2>/dev/null || { echo "controller died:" >&2; tail -20 "$3" >&2; exit 1; }
    sleep 0.02
  done
}

# cpu_ticks PID: user+system CPU time of PID so far, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# rss_mib PID: resident memory of the java process behind PID (the launcher script execs java)
rss_mib() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }

# wrk_run CONNECTIONS SECONDS URL BODY [COUNT]: one wrk run; prints its RESULT line
wrk_run() {
  local c=$1 d=$2 url=$3 body=$4 count=${5:-0} t=2
  [ "$c" -lt 2 ] && t=1
  wrk -t"$t" -c"$c" -d"${d}s" --latency --timeout 10s -s "$here/wrk/post.lua" "$url" -- "$body" "$count" "$t" \
    | grep '^RESULT' || echo "RESULT requests=0 seconds=0 rps=0 p50_us=0 p99_us=0 max_us=0 errors=1 non2xx=0 denied=0"
}
# field NAME "RESULT ...": one value of a RESULT line
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
