#!/bin/bash
# Admission throughput and latency (issue 8, benchmark 1). wrk POSTs real AdmissionReview bodies over HTTPS to the
# running controller at 1, 16 and 64 connections, and, in the same run and with the same body, to a bare HTTPS
# server on the same Undertow that reads the body and answers a fixed AdmissionReview (the baseline: "as fast as
# this machine allows"). Prints req/s, p50, p99 and max for each, and the ratio of req/s to the baseline.
#
#   bench/admission.sh [-d SECONDS_PER_RUN] [-c "1 16 64"] [--smoke]
#
# --smoke: 1 s runs at 16 connections after 1 s of warm-up, to check that the script works (make test); no figure
# it prints means anything.
# Bodies (bench/bodies/): an exec in an allowlisted namespace (pure admission cost); a pod UPDATE of a pod never
# interacted with, realistic ~3.3 KB object and oldObject (every pod update in a cluster passes through it); an exec
# that is queued. The controller talks to a stand-in API server (bench/src/.../FakeApiServer.java); the interact
# queue's consumer is replaced (with -routes-dir) by one that drops the work, so the queue never fills and the
# figure is admission + enqueue, as the issue asks. wrk and the servers share this machine's CPUs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
secs=8 conns="1 16 64" warmup=${WARMUP:-10}
while [ $# -gt 0 ]; do
  case $1 in
    -d) secs=$2; shift 2 ;;
    -c) conns=$2; shift 2 ;;
    --smoke) secs=1 conns=16 warmup=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
require_wrk
build_helpers
setup_workdir
load_before=$(loadavg)

# The built-in routes, but the interact queue's worker drops its work: a consumer as fast as it gets. The ledger of
# unrecorded work keeps itself on every consumer of the queue (routes/README.md), so this worker needs no bookkeeping.
mkdir "$work/routes"
cp "$root"/routes/*.camel.yaml "$work/routes/"
cat >"$work/routes/interaction.camel.yaml" <<'YAML'
- route:
    id: record-interaction
    startupOrder: 20
    from:
      uri: "seda:interact?size={{interact-chan-size}}&concurrentConsumers=4"
      steps:
        - setBody:
            constant: ""
YAML

api=$(free_port); base=$(free_port); port=$(free_port)
fake_api "$api" 0
java ${BASELINE_OPTS:--XX:+UseSerialGC} -cp "$cp_bench" io.kubeexec.bench.BaselineServer "$base" "$work/tls.crt" "$work/tls.key" \
  >"$work/baseline.log" 2>&1 &
base_pid=$!
started $base_pid
# The allowlisted exec is in an operator's namespace (infra): a review for kube-system takes the forged-review branch.
controller "$port" "$work/controller.log" -api-server "http://127.0.0.1:$api" -namespace-allowlist infra \
  -routes-dir "$work/routes"
until curl -sk -o /dev/null "https://127.0.0.1:$base/"; do sleep 0.05; done

bodies="exec-allowlisted pod-update exec-queued"
path() { case $1 in pod-update) echo /admit-pod-update ;; *) echo /admit-pod-interaction ;; esac; }
# Warm-up: both JITs compile every body's path before anything is measured (on a busy machine the compiler
# threads starve, so this is long: WARMUP seconds per body and server).
for b in $bodies; do
  wrk_run 16 "$warmup" "https://127.0.0.1:$base$(path "$b")?timeout=10s" "$here/bodies/$b.json" >/dev/null
  wrk_run 16 "$warmup" "https://127.0.0.1:$port$(path "$b")?timeout=10s" "$here/bodies/$b.json" >/dev/null
done

# measure SERVER PID PORT BODY CONNS: one wrk run, plus the server's CPU time per request (user+system, from /proc):
# on a loaded machine req/s moves with the neighbours, CPU per request much less.
measure() {
  local t0 t1 r n
  t0=$(cpu_ticks "$2"); r=$(wrk_run "$5" "$secs" "https://127.0.0.1:$3$(path "$4")?timeout=10s" "$here/bodies/$4.json")
  t1=$(cpu_ticks "$2"); n=$(field requests "$r")
  echo "$r cpu_us=$(( n > 0 ? (t1 - t0) * 1000000 / $(getconf CLK_TCK) / n : 0 ))"
}
declare -A res
for b in $bodies; do
  for c in $conns; do
    res[$b,$c,base]=$(measure base "$base_pid" "$base" "$b" "$c")
    res[$b,$c,kec]=$(measure kec "$controller_pid" "$port" "$b" "$c")
  done
done
rss=$(rss_mib "$controller_pid")

echo "Admission benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), ${secs}s per run, wrk over HTTPS (TLS 1.3)"
echo "  machine: $(nproc) CPUs, load average before $load_before, after $(loadavg); $(java -version 2>&1 | head -1)"
printf '  %-16s %5s  %-10s %9s %8s %8s %8s %7s %9s %9s %s\n' body conns server req/s p50_ms p99_ms max_ms ratio cpu_us/req cpu_ratio notes
for b in $bodies; do
  for c in $conns; do
    for s in base kec; do
      r=${res[$b,$c,$s]}
      rps=$(field rps "$r")
      baserps=$(field rps "${res[$b,$c,base]}")
      ratio=$(awk -v a="$rps" -v z="$baserps" 'BEGIN { printf "%.2f", (z > 0 ? a / z : 0) }')
      note=""
      [ "$(field errors "$r")" != 0 ] && note+=" socket-errors=$(field errors "$r")"
      [ "$(field non2xx "$r")" != 0 ] && note+=" non-2xx=$(field non2xx "$r")"
      [ "$(field denied "$r")" != 0 ] && note+=" denied=$(field denied "$r")"
      cpu=$(field cpu_us "$r")
      cpuratio=$(awk -v a="$(field cpu_us "${res[$b,$c,base]}")" -v z="$cpu" 'BEGIN { printf "%.2f", (z > 0 ? a / z : 0) }')
      printf '  %-16s %5s  %-10s %9.0f %8s %8s %8s %7s %9s %9s%s\n' "$b" "$c" "$([ $s = base ] && echo baseline || echo controller)" \
        "$rps" "$(ms "$(field p50_us "$r")")" "$(ms "$(field p99_us "$r")")" "$(ms "$(field max_us "$r")")" \
        "$([ $s = base ] && echo 1.00 || echo "$ratio")" "$cpu" "$([ $s = base ] && echo 1.00 || echo "$cpuratio")" "$note"
    done
  done
done
echo "  controller RSS after the runs: $rss MiB. cpu_ratio = baseline CPU per request / controller CPU per request"
echo "  (the req/s ratio if both had the CPUs to themselves; req/s also pays for wrk, which runs on the same CPUs)."
echo "Goals (ratio = controller req/s / baseline req/s, same body, same connections):"
goal() {  # body min-ratio label
  local c worst=99 r
  for c in $conns; do
    r=$(awk -v a="$(field rps "${res[$1,$c,kec]}")" -v b="$(field rps "${res[$1,$c,base]}")" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    worst=$(awk -v a="$worst" -v b="$r" 'BEGIN { print (b < a ? b : a) }')
  done
  printf '  %-40s lowest ratio %.2f over %s connections: %s\n' "$3 >= $2x baseline" "$worst" "$(tr ' ' / <<<"$conns")" \
    "$(awk -v w="$worst" -v g="$2" 'BEGIN { print (w >= g ? "MET" : "NOT MET") }')"
}
goal pod-update 0.85 "pod UPDATE"
goal exec-allowlisted 0.85 "allowlisted exec"
if [[ " $conns " == *" 16 "* ]]; then
  for b in exec-allowlisted pod-update; do
    p99=$(ms "$(field p99_us "${res[$b,16,kec]}")") bp99=$(ms "$(field p99_us "${res[$b,16,base]}")")
    printf '  %-40s %s ms (baseline %s ms): %s\n' "p99 at 16 connections <= baseline + 1 ms, $b" "$p99" "$bp99" \
      "$(awk -v p="$p99" -v b="$bp99" 'BEGIN { print (p <= b + 1 ? "MET" : "NOT MET") }')"
  done
fi
