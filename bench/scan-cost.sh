#!/bin/bash
# Scan cost (issue 8, benchmark 3). On a real API server (etcd + kube-apiserver v1.20.2, tools/control-plane.sh),
# creates 500, then 1 000, then 5 000 pods with 50 labelled as interacted (none due), then 5 000
# with 5 and 500 interacted, and runs the controller's own EvictionScan (bench/src/.../ScanCost.java) against each:
# API requests it made (apiserver_request_total for pods), LISTs, bytes of its LIST, and its time.
# For contrast, the same LIST as a quorum read from etcd (no resourceVersion=0), and an unfiltered LIST of all pods: what a scan without the server-side label selector would cost.
#
#   bench/scan-cost.sh [-n RUNS_PER_POINT] [--smoke]
#
# --smoke: a tenth of the pods and 2 scans per point, to check that the script works (make test).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=15 divisor=1
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    --smoke) runs=2 divisor=10; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
build_helpers
setup_workdir
control_plane=$work/control-plane
load_before=$(loadavg)
kubeconfig=$("$root/tools/control-plane.sh" start "$control_plane")
out=$(java -XX:+UseSerialGC -cp "$cp_bench" io.kubeexec.bench.ScanCost "$kubeconfig" "$runs" "$divisor" 2>"$work/scan.err") \
  || { cat "$work/scan.err" >&2; exit 1; }
echo "Scan cost benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): the controller's EvictionScan.scan() on kube-apiserver v1.20.2,"
echo "  $runs scans per point; machine: $(nproc) CPUs, load average before $load_before, after $(loadavg)"
echo "$out"
grep -h "created" "$work/scan.err" | sed 's/^/  /'
echo "  requests/LISTs: the scan's API requests on pods, counted by the API server; bytes: its LIST's response body."
echo "  The scan LISTs with resourceVersion=0 (the API server's watch cache). etcd_LIST_ms: the same LIST without it"
echo "  (a quorum read of every pod from etcd, filtered afterwards), as the scan did before: it grows with the cluster."
echo "Goal: scan under 50 ms, growing with interacted pods, not with cluster size:"
awk '$1 ~ /^[0-9]+$/ { if ($6 > worst) worst = $6 } END { printf "  slowest median scan %.1f ms: %s\n", worst, (worst < 50 ? "MET" : "NOT MET") }' <<<"$out"
