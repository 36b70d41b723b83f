#!/bin/bash
# Footprint (issues 8 and 15, benchmark 5): start-up time to readiness (routes up, TLS listening, the API server
# answered once) and resident memory idle and under load, against a real local API server (tools/control-plane.sh).
# Baselines in the same run: a bare JVM start (`java -version`), and the smallest Camel Main application with one
# Undertow HTTPS route (bench/src/.../CamelMainBaseline.java), started the same way: the launcher's JVM flags, its own
# AppCDS archive, the controller's class path and certificate; it is ready when its route answers over HTTPS.
# Runs are interleaved (one start of each configuration in turn), medians reported. Load: wrk, 64 connections, pod
# UPDATEs then allowlisted execs, LOAD_SECONDS each; RSS sampled every 0.2 s, the peak reported.
#
#   bench/footprint.sh [-n RUNS] [-l LOAD_SECONDS] [--smoke]
#
# --smoke: one start per configuration, 2 s of load, to check that the script works (make test).
# Configurations: "launcher" is bin/kube-exec-controller as shipped (its JVM flags, and the AppCDS archive next to
# the jar, made first if missing); "launcher, no CDS" the same without the archive (a first start after a plain
# `mvn package`); "launcher, JIT x1" the same with the JIT's usual compile thresholds (the launcher raises them
# tenfold: its load_req/s shows what that costs the first seconds under load); "Camel Main baseline" as above.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=5 load=10 idle_wait=10
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    -l) load=$2; shift 2 ;;
    --smoke) runs=1 load=2 idle_wait=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
require_wrk
build_helpers
setup_workdir
control_plane=$work/control-plane
load_before=$(loadavg)
export KUBECONFIG=$("$root/tools/control-plane.sh" start "$control_plane")
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }
archive=${jar%.jar}.jsa
if [ ! -f "$archive" ] || [ "$jar" -nt "$archive" ]; then
  KEC_JAR=$jar "$root/bin/kube-exec-controller" --build-cds >/dev/null || echo "warning: no AppCDS archive" >&2
fi

opts=$(sed -n '/^default_opts="/,/"$/p' "$root/bin/kube-exec-controller" | tr '\n' ' ' | sed 's/^default_opts="//; s/" *$//; s/  */ /g')
baseline_cp="$jar:$lib/*:$classes.jar"
baseline_archive=$work/baseline.jsa

declare -A out
jit_x1_opts=${opts/ -XX:CompileThresholdScaling=10/}
[ "$jit_x1_opts" != "$opts" ] || { echo "bin/kube-exec-controller no longer sets -XX:CompileThresholdScaling=10: update $0" >&2; exit 1; }
configs=("launcher" "launcher, no CDS" "launcher, JIT x1" "Camel Main baseline")
# start CONFIG PORT HEALTH_PORT: one configuration, in the background
start() {
  local args=(-cert-path "$work/tls.crt" -key-path "$work/tls.key" -port "$2" -bind-address 127.0.0.1 -shutdown-delay 0s
    -health-port "$3" -health-bind-address 127.0.0.1 -namespace-allowlist infra)
  case $1 in
    launcher) KEC_JAR=$jar "$root/bin/kube-exec-controller" "${args[@]}" ;;
    "launcher, no CDS") KEC_CDS=off KEC_JAR=$jar "$root/bin/kube-exec-controller" "${args[@]}" ;;
    "launcher, JIT x1") JAVA_OPTS=$jit_x1_opts KEC_JAR=$jar "$root/bin/kube-exec-controller" "${args[@]}" ;;
    "Camel Main baseline") exec java $opts -XX:SharedArchiveFile="$baseline_archive" -Xlog:cds=off -Xlog:cds+dynamic=off \
      -cp "$baseline_cp" io.kubeexec.bench.CamelMainBaseline "$2" "$work/tls.crt" "$work/tls.key" ;;
  esac
}
# ready_url CONFIG PORT HEALTH_PORT: what answers once that configuration is ready
ready_url() {
  case $1 in
    "Camel Main baseline") echo "https://127.0.0.1:$2/" ;;
    *) echo "http://127.0.0.1:$3/health/readiness" ;;
  esac
}
# The baseline's archive, trained like the controller's: one start until its route answers, then a stop.
train_port=$(free_port)
java $opts -XX:ArchiveClassesAtExit="$baseline_archive" -Xlog:cds=off -Xlog:cds+dynamic=off -cp "$baseline_cp" \
  io.kubeexec.bench.CamelMainBaseline "$train_port" "$work/tls.crt" "$work/tls.key" >"$work/train.log" 2>&1 &
trainer=$!
started $trainer
until curl -skf -o /dev/null "https://127.0.0.1:$train_port/"; do
  kill -0 $trainer 2>/dev/null || { cat "$work/train.log" >&2; exit 1; }
  sleep 0.05
done
kill $trainer; wait $trainer 2>/dev/null || true
[ -s "$baseline_archive" ] || { echo "the baseline's training run wrote no archive" >&2; tail "$work/train.log" >&2; exit 1; }
port=$(free_port); health_port=$(free_port)
jvm=()
for i in $(seq 1 "$runs"); do
  t0=$(now_ms); java -XX:+UseSerialGC -version >/dev/null 2>&1; jvm+=($(( $(now_ms) - t0 )))
done
declare -A ready cpu idle
for i in $(seq 1 "$runs"); do
  for c in "${configs[@]}"; do  # interleaved: the neighbours' load falls on every configuration alike
    url=$(ready_url "$c" "$port" "$health_port")
    t0=$(now_ms)
    start "$c" "$port" "$health_port" >"$work/c.log" 2>&1 &
    pid=$!
    until curl -skf -o /dev/null "$url" 2>/dev/null; do
      kill -0 $pid 2>/dev/null || { cat "$work/c.log" >&2; exit 1; }
      sleep 0.02
    done
    ready[$c]+="$(( $(now_ms) - t0 )) "
    jpid=$(pgrep -P $pid java || echo $pid)
    cpu[$c]+="$(( $(cpu_ticks "$jpid") * 1000 / $(getconf CLK_TCK) )) "
    sleep "$idle_wait"
    idle[$c]+="$(rss_mib "$jpid") "
    if [ "$i" = "$runs" ] && [ "$c" != "Camel Main baseline" ]; then  # the last run also carries the load
      ( while kill -0 "$jpid" 2>/dev/null; do rss_mib "$jpid"; sleep 0.2; done ) >"$work/rss" 2>/dev/null &
      sampler=$!
      wrk_run 64 "$load" "https://127.0.0.1:$port/admit-pod-update" "$here/bodies/pod-update.json" >"$work/w1"
      wrk_run 64 "$load" "https://127.0.0.1:$port/admit-pod-interaction" "$here/bodies/exec-allowlisted.json" >"$work/w2"
      sleep 1
      after=$(rss_mib "$jpid")
      kill $sampler 2>/dev/null; wait $sampler 2>/dev/null || true
      peak=$(sort -n "$work/rss" | tail -1)
      out[$c]="$peak $after $(field rps "$(cat "$work/w1")") $(field rps "$(cat "$work/w2")")"
    fi
    kill "$jpid" 2>/dev/null; wait $pid 2>/dev/null || true
  done
done
med() { tr ' ' '\n' | grep . | median; }
j=$(printf '%s\n' "${jvm[@]}" | median)
echo "Footprint benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): $runs interleaved starts per configuration, medians; kube-apiserver v1.20.2"
echo "  machine: $(nproc) CPUs, load average before $load_before, after $(loadavg); $(java -version 2>&1 | head -1)"
echo "  JVM flags (launcher and baseline): $opts"
printf '  %-20s %9s %8s %11s %9s %14s %10s %14s   %s\n' config ready_ms vs_jvm cpu_to_ready idle_MiB load_peak_MiB after_MiB "load_req/s" "(all ready_ms)"
for c in "${configs[@]}"; do
  r=$(med <<<"${ready[$c]}") u=$(med <<<"${cpu[$c]}") m=$(med <<<"${idle[$c]}")
  read -r p a q1 q2 <<<"${out[$c]:-- - 0 0}"
  q="-"; [ "$c" != "Camel Main baseline" ] && q=$(printf '%.0f/%.0f' "$q1" "$q2")
  printf '  %-20s %9s %7.1fx %10sms %9s %14s %10s %14s   (%s)\n' "$c" "$r" "$(awk -v r="$r" -v j="$j" 'BEGIN { print r / j }')" \
    "$u" "$m" "$p" "$a" "$q" "${ready[$c]% }"
done
echo "  ready: readiness 200 (controller) or the HTTPS route's first answer (baseline, which pays for a TLS handshake"
echo "  there). cpu_to_ready: CPU time (user+system) until ready; unlike ready_ms it hardly moves with the load."
echo "  bare JVM start (java -version): $j ms. load_req/s: pod UPDATEs / allowlisted execs at 64 connections."
r=$(med <<<"${ready[launcher]}") u=$(med <<<"${cpu[launcher]}") m=$(med <<<"${idle[launcher]}")
b=$(med <<<"${ready[Camel Main baseline]}") bu=$(med <<<"${cpu[Camel Main baseline]}")
read -r p _ <<<"${out[launcher]}"
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g ? "MET" : "NOT MET") }'; }
echo "Goals:"
echo "  ready <= 1.5 s: $r ms, $(verdict "$r" 1500)"
echo "  ready <= 1.3x the Camel Main baseline: $r / $b ms = $(awk -v a="$r" -v b="$b" 'BEGIN { printf "%.2f", a / b }')x," \
  "$(verdict "$(awk -v a="$r" -v b="$b" 'BEGIN { print a / b }')" 1.3) (CPU to ready: $u / $bu ms = $(awk -v a="$u" -v b="$bu" 'BEGIN { printf "%.2f", a / b }')x)"
echo "  RSS idle <= 128 MiB: $m MiB, $(verdict "$m" 128)"
echo "  RSS at 64 connections <= 200 MiB: peak $p MiB, $(verdict "$p" 200)"
