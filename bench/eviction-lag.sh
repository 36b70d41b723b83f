#!/bin/bash
# Eviction lag (issue 8, benchmark 4). On a real API server (tools/control-plane.sh), the controller runs with a
# short scan interval; 200 pods are created already labelled as interacted (the three labels the controller writes), with TTLs staggered
# over SPREAD seconds (bench/src/.../EvictionLag.java). Without a kubelet an evicted pod is deleted at once, so a
# watch sees each eviction. Lag = deletion seen - due time (interaction timestamp + TTL). Goal: p99 <= interval + 1 s.
#
#   bench/eviction-lag.sh [-n PODS] [-i SCAN_INTERVAL_SECONDS] [-s SPREAD_SECONDS] [--smoke]
#
# --smoke: 10 pods due over 2 s, the first 5 s after creation, to check that the script works (make test).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pods=200 interval=2 spread=40 first=15
while [ $# -gt 0 ]; do
  case $1 in
    -n) pods=$2; shift 2 ;;
    -i) interval=$2; shift 2 ;;
    -s) spread=$2; shift 2 ;;
    --smoke) pods=10 spread=2 first=5; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
build_helpers
setup_workdir
control_plane=$work/control-plane
load_before=$(loadavg)
export KUBECONFIG=$("$root/tools/control-plane.sh" start "$control_plane")
port=$(free_port)
controller "$port" "$work/controller.log" -scan-interval "${interval}s" -evict-bare-pods=true
r=$(java -XX:+UseSerialGC -cp "$cp_bench" io.kubeexec.bench.EvictionLag "$KUBECONFIG" "$pods" "$first" "$spread" \
  2>"$work/lag.err") || { cat "$work/lag.err" >&2; tail -20 "$work/controller.log" >&2; exit 1; }
evictions=$(grep -c "evicted, TTL expired" "$work/controller.log" || true)
echo "Eviction lag benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): $pods interacted pods due over ${spread}s, scan every ${interval}s,"
echo "  kube-apiserver v1.20.2; machine: $(nproc) CPUs, load average before $load_before, after $(loadavg)"
cat "$work/lag.err" | sed 's/^/  /'
printf '  %-8s %-8s %-6s %8s %8s %8s %8s %8s\n' pods evicted early min_ms p50_ms p90_ms p99_ms max_ms
printf '  %-8s %-8s %-6s %8s %8s %8s %8s %8s\n' "$(field pods "$r")" "$(field evicted "$r")" "$(field early "$r")" \
  "$(field min_ms "$r")" "$(field p50_ms "$r")" "$(field p90_ms "$r")" "$(field p99_ms "$r")" "$(field max_ms "$r")"
echo "  (the controller logged $evictions evictions; early = deleted before due, which must be 0)"
p99=$(field p99_ms "$r"); bound=$(( interval * 1000 + 1000 ))
echo "Goal: p99 <= scan interval + 1 s = $bound ms: p99 $p99 ms, $( [ "$p99" -le "$bound" ] && [ "$(field early "$r")" = 0 ] && echo MET || echo NOT MET)"
