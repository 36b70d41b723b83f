#!/bin/bash
# Runs every benchmark script with --smoke (a few seconds each) and checks that it ends with exit 0 and prints its
# table: `make test` calls it, so a benchmark that no longer runs fails the build. The figures are not checked (a
# run of one or two seconds on a shared machine means nothing); each script's own table is printed as it comes.
#
#   bench/smoke.sh [SCRIPT...]      (default: all of them; e.g. bench/smoke.sh admission scan-cost)
#
# Needs the built jars (make build); the scripts on a real API server find it as tools/control-plane.sh does.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# script, then the line its output must contain: the title of its table and its last line.
checks=(
  "admission|^Admission benchmark|^  p99 at 16 connections <= baseline + 1 ms, pod-update"
  "decoupling|^Decoupling benchmark|^  once full: "
  "scan-cost|^Scan cost benchmark|^  slowest median scan "
  "eviction-lag|^Eviction lag benchmark|^Goal: p99 <= scan interval"
  "footprint|^Footprint benchmark|^  RSS at 64 connections <= 200 MiB"
  "controller-startup|^run 1: ready|^median: controller ready"
  "startup|^kubectl pi start-up benchmark|^  ratio kubectl pi get / kubectl get pods"
)
# cpu_children sets $cpu_now: CPU seconds (user + system) of every finished child so far, the scripts' JVMs included
# (not the control planes, which outlive the script that starts them). On a shared machine the wall time says more
# about the neighbours than about the script. `times` runs in this shell: a subshell has no children of its own.
cpu_file=$(mktemp)
trap 'rm -f "$cpu_file"' EXIT
cpu_children() {
  times >"$cpu_file"
  cpu_now=$(tail -1 "$cpu_file" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] }
    printf "%.0f", t }')
}
wanted=("$@")
passed=0 failed=0 failures=""
start_all=$SECONDS
for check in "${checks[@]}"; do
  IFS='|' read -r name first last <<<"$check"
  if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then continue; fi
  echo "--- bench/$name.sh --smoke"
  start=$SECONDS
  cpu_children; cpu=$cpu_now
  out=$(mktemp)
  # The scripts stop what they started on SIGTERM too (their EXIT trap), so a hung one is ended cleanly.
  timeout 300 "$here/$name.sh" --smoke 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  problem=""
  if [ "$status" != 0 ]; then problem="exit $status"
  elif ! grep -q -- "$first" "$out"; then problem="no line matching '$first'"
  elif ! grep -q -- "$last" "$out"; then problem="no line matching '$last'"
  fi
  rm -f "$out"
  if [ -z "$problem" ]; then
    cpu_children
    passed=$((passed + 1)); echo "--- bench/$name.sh --smoke: ok ($((SECONDS - start)) s, $((cpu_now - cpu)) s of CPU)"
  else
    failed=$((failed + 1)); failures+=" $name"; echo "--- bench/$name.sh --smoke: FAILED, $problem ($((SECONDS - start)) s)"
  fi
done
cpu_children
echo "bench smoke runs took $((SECONDS - start_all)) s, $cpu_now s of CPU; load average now $(cut -d' ' -f1-3 /proc/loadavg)${failures:+; failed:$failures}"
echo "smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
