#!/bin/bash
# Decoupling (issue 8, benchmark 2). Two controllers with the built-in routes (real interact worker), one against a
# stand-in API server that answers at once, one against one that takes DELAY ms per request (500 by default). The
# same load on both: 16 connections of queued execs, first a fixed number of requests that fits in the queue (p99
# must not change: the webhook never waits on the API), then a run long enough to fill the queue (the configured
# -on-queue-full applies: deny after at most -enqueue-timeout), then pod UPDATEs while the queue is full (untouched).
#
#   bench/decoupling.sh [-d DELAY_MS] [-q QUEUE_SIZE] [-t ENQUEUE_TIMEOUT] [--smoke]
#
# --smoke: a queue of 20 and runs of 1-2 s, to check that the script works (make test); its figures mean nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
delay=500 queue=500 timeout=1s secs=8 warmup=${WARMUP:-10} warm_execs=50 warm_secs=5 fits_secs=10 update_secs=5
while [ $# -gt 0 ]; do
  case $1 in
    -d) delay=$2; shift 2 ;;
    -q) queue=$2; shift 2 ;;
    -t) timeout=$2; shift 2 ;;
    --smoke) queue=20 secs=2 warmup=1 warm_execs=5 warm_secs=1 fits_secs=2 update_secs=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
require_wrk
build_helpers
setup_workdir
load_before=$(loadavg)
fast_api=$(free_port); slow_api=$(free_port); fast=$(free_port); slow=$(free_port)
fake_api "$fast_api" 0
fake_api "$slow_api" "$delay"
common=(-interact-chan-size "$queue" -enqueue-timeout "$timeout" -on-queue-full deny)
controller_start "$fast" "$work/fast.log" -api-server "http://127.0.0.1:$fast_api" "${common[@]}"
fast_pid=$controller_pid
fast_health=$controller_health_port
controller_start "$slow" "$work/slow.log" -api-server "http://127.0.0.1:$slow_api" "${common[@]}"
slow_pid=$controller_pid
slow_health=$controller_health_port
controller_ready "$fast_health" "$fast_pid" "$work/fast.log"
controller_ready "$slow_health" "$slow_pid" "$work/slow.log"
exec_body=$here/bodies/exec-queued.json update_body=$here/bodies/pod-update.json
url() { echo "https://127.0.0.1:$1/$2?timeout=10s"; }
# Warm-up of the decision path only (pod UPDATEs queue nothing), so the slow controller's queue starts empty.
# Then 50 queued execs each (the slow controller keeps most of them queued: its worker does ~2 per second).
for p in $fast $slow; do
  wrk_run 16 "$warmup" "$(url "$p" admit-pod-update)" "$update_body" >/dev/null
  wrk_run 4 "$warm_secs" "$(url "$p" admit-pod-interaction)" "$exec_body" "$warm_execs" >/dev/null
done
fits=$(( queue * 3 / 5 ))
declare -A r
r[fast,fits]=$(wrk_run 16 "$fits_secs" "$(url "$fast" admit-pod-interaction)" "$exec_body" "$fits")
r[slow,fits]=$(wrk_run 16 "$fits_secs" "$(url "$slow" admit-pod-interaction)" "$exec_body" "$fits")
depth=$(curl -s "http://127.0.0.1:$slow_health/metrics" | sed -n 's/^kube_exec_controller_queue_depth{queue="interact"} //p')
r[slow,full]=$(wrk_run 16 "$secs" "$(url "$slow" admit-pod-interaction)" "$exec_body")
r[slow,update]=$(wrk_run 16 "$update_secs" "$(url "$slow" admit-pod-update)" "$update_body")
r[fast,update]=$(wrk_run 16 "$update_secs" "$(url "$fast" admit-pod-update)" "$update_body")
stats=$(curl -s "http://127.0.0.1:$slow_api/__stats" | tr '\n' ' ')
# Measured. On SIGTERM the slow controller would drain its full queue at ~2 interactions/s for up to its 40 s
# shutdown timeout; its queued work is throw-away, so it is stopped at once.
kill -KILL "$slow_pid" 2>/dev/null || true

echo "Decoupling benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): interact queue $queue, enqueue-timeout $timeout, on-queue-full deny,"
echo "  stand-in API delay 0 vs ${delay} ms per request; 16 connections; machine: $(nproc) CPUs, load average before $load_before, after $(loadavg)"
printf '  %-44s %-8s %9s %8s %8s %8s %8s %7s\n' load api requests req/s p50_ms p99_ms max_ms denied
row() {  # wrk cannot end a run early, so a run of a fixed number of requests has no meaningful req/s
  local x=${r[$1,$2]} rps=-
  [ "$2" != fits ] && rps=$(printf '%.0f' "$(field rps "$x")")
  printf '  %-44s %-8s %9s %8s %8s %8s %8s %7s\n' "$3" "$([ "$1" = fast ] && echo 0ms || echo "${delay}ms")" \
    "$(field requests "$x")" "$rps" "$(ms "$(field p50_us "$x")")" "$(ms "$(field p99_us "$x")")" \
    "$(ms "$(field max_us "$x")")" "$(field denied "$x")"
}
row fast fits "queued execs, $fits requests (queue not full)"
row slow fits "queued execs, $fits requests (queue not full)"
row slow full "queued execs, ${secs}s (queue fills)"
row slow update "pod UPDATEs while the queue is full"
row fast update "pod UPDATEs, for comparison"
echo "  slow controller's interact queue after the first $fits: ${depth:-?} of $queue (its worker records ~2 interactions/s)"
echo "  the slow API server saw: $stats"
p99f=$(field p99_us "${r[fast,fits]}"); p99s=$(field p99_us "${r[slow,fits]}")
echo "Goals:"
awk -v f="$p99f" -v s="$p99s" 'BEGIN { printf "  p99 before the queue is full, slow API / fast API: %.2f ms / %.2f ms = %.2fx: %s\n", s/1000, f/1000, (f > 0 ? s/f : 0), (s <= 2 * f + 1000 ? "MET (unchanged within noise)" : "NOT MET") }'
max=$(field max_us "${r[slow,full]}"); p99=$(field p99_us "${r[slow,full]}"); den=$(field denied "${r[slow,full]}")
t_ms=$(awk -v t="$timeout" 'BEGIN { if (t ~ /ms$/) print t + 0; else print (t + 0) * 1000 }')
awk -v m="$max" -v p="$p99" -v t="$t_ms" -v d="$den" 'BEGIN { printf "  once full: %d denied, p99 %.0f ms, max %.0f ms, bound = enqueue-timeout %d ms (+250 ms): %s\n", d, p/1000, m/1000, t, (d > 0 && m/1000 <= t + 250 ? "MET" : "NOT MET") }'
