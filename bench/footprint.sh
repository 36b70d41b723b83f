#!/bin/bash
# Footprint (issue 8, benchmark 5): start-up time to readiness (routes up, TLS listening, API server answered) and
# resident memory idle and under load, for each JVM configuration, against a real local API server
# (tools/control-plane.sh). Baseline in the same run: a bare JVM start (`java -version`). Load: wrk, 64 connections,
# pod UPDATEs then allowlisted execs, LOAD_SECONDS each; RSS sampled every 0.2 s, the peak reported.
#
#   bench/footprint.sh [-n RUNS] [-l LOAD_SECONDS] [--smoke]
#
# --smoke: one start per configuration, 2 s of load, to check that the script works (make test).
# Configurations: "launcher" is bin/kube-exec-controller as shipped (its JVM flags, and the AppCDS archive next to
# the jar if one was made); "launcher, no CDS" the same without the archive; "before" the flags and no archive, as
# the launcher had them before issue 8.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=5 load=10 idle_wait=5
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    -l) load=$2; shift 2 ;;
    --smoke) runs=1 load=2 idle_wait=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
require_wrk
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

declare -A out
configs=("launcher" "launcher, no CDS" "before")
# start CONFIG PORT HEALTH_PORT: the controller in one configuration, in the background
start() {
  local args=(-cert-path "$work/tls.crt" -key-path "$work/tls.key" -port "$2" -bind-address 127.0.0.1 -shutdown-delay 0s
    -health-port "$3" -health-bind-address 127.0.0.1 -namespace-allowlist kube-system)
  case $1 in
    launcher) KEC_JAR=$jar "$root/bin/kube-exec-controller" "${args[@]}" ;;
    "launcher, no CDS") KEC_CDS=off KEC_JAR=$jar "$root/bin/kube-exec-controller" "${args[@]}" ;;
    before) KEC_CDS=off JAVA_OPTS="-XX:+UseSerialGC -XX:MaxRAMPercentage=75" KEC_JAR=$jar \
      "$root/bin/kube-exec-controller" "${args[@]}" ;;
  esac
}
port=$(free_port); health_port=$(free_port)
jvm=()
for i in $(seq 1 "$runs"); do
  t0=$(now_ms); java -XX:+UseSerialGC -version >/dev/null 2>&1; jvm+=($(( $(now_ms) - t0 )))
done
for c in "${configs[@]}"; do
  ready=() idle=() cpu=()
  for i in $(seq 1 "$runs"); do
    t0=$(now_ms)
    start "$c" "$port" "$health_port" >"$work/c.log" 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$health_port/health/readiness" >/dev/null 2>&1; do
      kill -0 $pid 2>/dev/null || { cat "$work/c.log" >&2; exit 1; }
      sleep 0.02
    done
    ready+=($(( $(now_ms) - t0 )))
    jpid=$(pgrep -P $pid java || echo $pid)
    cpu+=($(( $(cpu_ticks "$jpid") * 1000 / $(getconf CLK_TCK) )))
    sleep "$idle_wait"
    idle+=($(rss_mib "$jpid"))
    if [ "$i" = "$runs" ]; then  # the last run also carries the load
      peak=0
      ( while kill -0 "$jpid" 2>/dev/null; do rss_mib "$jpid"; sleep 0.2; done ) >"$work/rss" 2>/dev/null &
      sampler=$!
      wrk_run 64 "$load" "https://127.0.0.1:$port/admit-pod-update" "$here/bodies/pod-update.json" >"$work/w1"
      wrk_run 64 "$load" "https://127.0.0.1:$port/admit-pod-interaction" "$here/bodies/exec-allowlisted.json" >"$work/w2"
      sleep 1
      after=$(rss_mib "$jpid")
      kill $sampler 2>/dev/null; wait $sampler 2>/dev/null || true
      peak=$(sort -n "$work/rss" | tail -1)
      rps1=$(field rps "$(cat "$work/w1")"); rps2=$(field rps "$(cat "$work/w2")")
    fi
    kill "$jpid" 2>/dev/null; wait $pid 2>/dev/null || true
  done
  out[$c]="$(printf '%s\n' "${ready[@]}" | median) $(printf '%s\n' "${cpu[@]}" | median) $(printf '%s\n' "${idle[@]}" | median) $peak $after $rps1 $rps2 $(printf '%s ' "${ready[@]}")"
done
j=$(printf '%s\n' "${jvm[@]}" | median)
echo "Footprint benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): $runs starts per configuration, medians; kube-apiserver v1.20.2"
echo "  machine: $(nproc) CPUs, load average before $load_before, after $(loadavg); $(java -version 2>&1 | head -1)"
echo "  launcher flags: $(sed -n 's/^default_opts="\(.*\)"$/\1/p' "$root/bin/kube-exec-controller")"
printf '  %-18s %9s %8s %11s %9s %14s %10s %14s   %s\n' config ready_ms vs_jvm cpu_to_ready idle_MiB load_peak_MiB after_MiB "load_req/s" "(all ready_ms)"
for c in "${configs[@]}"; do
  read -r r u i p a q1 q2 all <<<"${out[$c]}"
  printf '  %-18s %9s %7.1fx %10sms %9s %14s %10s %14s   (%s)\n' "$c" "$r" "$(awk -v r="$r" -v j="$j" 'BEGIN { print r / j }')" \
    "$u" "$i" "$p" "$a" "$(printf '%.0f/%.0f' "$q1" "$q2")" "$all"
done
echo "  cpu_to_ready: CPU time (user+system) the JVM used until ready; unlike ready_ms it hardly moves with the load."
echo "  bare JVM start (java -version): $j ms. load_req/s: pod UPDATEs / allowlisted execs at 64 connections."
read -r r u i p _ <<<"${out[launcher]}"
echo "Goals: ready <= 3 s: $r ms, $( [ "$r" -le 3000 ] && echo MET || echo NOT MET); RSS under load <= 256 MiB: peak $p MiB, $( [ "$p" -le 256 ] && echo MET || echo NOT MET)"
