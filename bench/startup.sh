#!/bin/bash
# Start-up benchmark of the plugin: `kubectl pi get` against `kubectl get pods`, same API server, same namespace,
# interleaved in one run, and prints the medians and their ratio (the goal is a ratio of 2 or less).
#
#   bench/startup.sh [-n RUNS] [--kubeconfig FILE] [--namespace NS] [--baseline DIR] [--smoke]
#
# --baseline DIR: also time DIR/bin/kubectl-pi get, interleaved (DIR: a worktree of an earlier commit, its plugin
#   built, e.g. git worktree add /tmp/pi-base cfa91fc && make -C /tmp/pi-base build); may be given several times.
# --smoke: one warm-up and one run, to check that the script works (make test).
# Without --kubeconfig it starts its own control plane (etcd + kube-apiserver v1.20.2, see tools/control-plane.sh) with
# three pods labelled as the controller labels them, and stops it afterwards. It also times `kubectl-pi get`
# called directly (without kubectl's plugin dispatch in front) and `kubectl version --client`, for context.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
runs=15 warmups=3
kubeconfig=""
namespace=pi-bench
baselines=()
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    --kubeconfig) kubeconfig=$2; shift 2 ;;
    --namespace) namespace=$2; shift 2 ;;
    --baseline) baselines+=("$(cd "$2" && pwd)"); shift 2 ;;
    --smoke) runs=1 warmups=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

export PATH="$root/bin:$PATH"
if [ ! -f "$root/pi-cli/target/kubectl-pi.jar" ]; then
  echo "building the plugin..." >&2
  mvn -B -ntp -q -f "$root/pi-cli/pom.xml" package -DskipTests
fi
kubectl-pi --build-cache || echo "warning: no start-up cache; measuring without it" >&2
for baseline in "${baselines[@]}"; do
  "$baseline/bin/kubectl-pi" --build-cache || echo "warning: no start-up cache for $baseline" >&2
done

cleanup() { rm -f "${times_file:-}"; }
if [ -z "$kubeconfig" ]; then
  work=$(mktemp -d /tmp/kubectl-pi-bench.XXXXXX)
  cleanup() { "$root/tools/control-plane.sh" stop "$work"; rm -rf "$work" "${times_file:-}"; }
  trap cleanup EXIT
  echo "starting etcd + kube-apiserver in $work..." >&2
  kubeconfig=$("$root/tools/control-plane.sh" start "$work")
  pod() {  # name [interactor [extension]]
    printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: %s\n' "$1" "$namespace"
    if [ -n "${2:-}" ]; then
      printf '  labels:\n    box.com/podInitialInteractionTimestamp: "1634407604"\n'
      printf '    box.com/podInteractorUsername: %s\n    box.com/podTTLDuration: 10m0s\n' "$2"
      printf '  annotations:\n    box.com/podTerminationTime: "2021-10-16 18:16:44 +0000 UTC"\n'
      [ -n "${3:-}" ] && printf '    box.com/podExtendedDuration: "%s"\n    box.com/podExtensionRequester: bob\n' "$3"
    fi
    printf 'spec:\n  containers:\n  - name: c\n    image: nginx\n---\n'
  }
  { printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n---\n' "$namespace"
    pod web-0 alice; pod web-1 alice 30m; pod db; } | kubectl --kubeconfig "$kubeconfig" apply -f - >/dev/null
fi
export KUBECONFIG=$kubeconfig
times_file=$(mktemp /tmp/kubectl-pi-bench-times.XXXXXX)
trap cleanup EXIT

ms() {  # "WALL CPU" of one command in ms (CPU: user + sys, from bash's times); fails the benchmark if it fails
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  local end=$EPOCHREALTIME
  times > "$times_file"  # the builtin, in this (sub)shell: its children are the command alone
  echo "$(( (${end/./} - ${start/./}) / 1000 )) $(tail -1 "$times_file" | awk '{ t = 0; for (i = 1; i <= 2; i++) {
    split($i, a, /[ms]/); t += a[1] * 60 + a[2] } print int(t * 1000) }')"
}
run() {  # ARRAY COMMAND...: appends the wall time to ARRAY and the CPU time to ARRAY_cpu
  local -n wall=$1 cpu=${1}_cpu
  local w c
  read -r w c < <(ms "${@:2}") || exit 1
  wall+=("$w"); cpu+=("$c")
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

for _ in $(seq 1 "$warmups"); do  # warm-up: file caches, the API server's own caches
  ms kubectl get pods -n "$namespace" >/dev/null; ms kubectl pi get -n "$namespace" >/dev/null
  for baseline in "${baselines[@]}"; do ms "$baseline/bin/kubectl-pi" get -n "$namespace" >/dev/null; done
done
declare -a k=() p=() d=() v=() k_cpu=() p_cpu=() d_cpu=() v_cpu=()
for i in "${!baselines[@]}"; do declare -a "b$i=()" "b${i}_cpu=()"; done
for _ in $(seq 1 "$runs"); do
  run k kubectl get pods -n "$namespace"
  run p kubectl pi get -n "$namespace"
  run d kubectl-pi get -n "$namespace"
  run v kubectl version --client
  for i in "${!baselines[@]}"; do run "b$i" "${baselines[$i]}/bin/kubectl-pi" get -n "$namespace"; done
done
mk=$(median "${k[@]}"); mp=$(median "${p[@]}"); md=$(median "${d[@]}"); mv=$(median "${v[@]}")
java_used=$(KUBECTL_PI_TRACE=1 kubectl-pi --version 2>&1 >/dev/null | sed -n "s/.*launcher: java \([^ ]*\) (major \([0-9]*\)), cache \([^ ]*\).*/Java \2 (\1), cache \3/p")
echo "kubectl pi start-up benchmark: $runs interleaved runs each, medians: wall time [CPU time, user + sys]"
echo "  machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); plugin: $java_used"
row() {  # LABEL ARRAY
  local -n wall=$2 cpu=${2}_cpu
  printf '  %-36s %6s ms [%4s ms]   (all: %s)\n' "$1" "$(median "${wall[@]}")" "$(median "${cpu[@]}")" \
    "$(printf '%s ' $(printf '%s\n' "${wall[@]}" | sort -n))"
}
row "kubectl get pods" k
row "kubectl pi get" p
row "kubectl-pi get (no kubectl in front)" d
row "kubectl version --client (dispatch)" v
for i in "${!baselines[@]}"; do
  name=$(git -C "${baselines[$i]}" rev-parse --short HEAD 2>/dev/null || basename "${baselines[$i]}")
  row "$name kubectl-pi get" "b$i"
done
awk -v p="$mp" -v k="$mk" 'BEGIN { r = p / k; printf "  ratio kubectl pi get / kubectl get pods: %.2f (goal <= 2: %s)\n", r, (r <= 2 ? "MET" : "NOT MET") }'
