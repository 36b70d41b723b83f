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
  "admission|^Admission benchmark|^  p99 <= 5 ms at 16 connections, exec-queued"
  "decoupling|^Decoupling benchmark|^  once full: "
  "scan-cost|^Scan cost benchmark|^  slowest median scan "
  "eviction-lag|^Eviction lag benchmark|^Goal: p99 <= scan interval"
  "footprint|^Footprint benchmark|^Goals: ready <= 3 s"
  "controller-startup|^run 1: ready|^median: controller ready"
  "startup|^kubectl pi start-up benchmark|^  ratio kubectl pi get / kubectl get pods"
)
wanted=("$@")
passed=0 failed=0 failures=""
start_all=$SECONDS
for check in "${checks[@]}"; do
  IFS='|' read -r name first last <<<"$check"
  if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $name "* ]]; then continue; fi
  echo "--- bench/$name.sh --smoke"
  start=$SECONDS
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
    passed=$((passed + 1)); echo "--- bench/$name.sh --smoke: ok ($((SECONDS - start)) s)"
  else
    failed=$((failed + 1)); failures+=" $name"; echo "--- bench/$name.sh --smoke: FAILED, $problem ($((SECONDS - start)) s)"
  fi
done
echo "bench smoke runs took $((SECONDS - start_all)) s${failures:+; failed:$failures}"
echo "smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
