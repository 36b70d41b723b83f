#!/bin/bash
# Start-up benchmark of the controller: time from launch until /health/readiness answers 200 (routes up, TLS
# listening, API server reachable), and resident memory at that moment. Baseline measured in the same run:
# a bare JVM start (`java -version`) with the same options, so the ratio survives a noisy, shared machine.
#
#   bench/controller-startup.sh [-n RUNS] [--smoke] [--self-managed]
#
# --smoke: one run, to check that the script works (make test).
# --self-managed: -certificate-secret instead of certificate files: the controller reads its certificate from a
#   Secret and writes the caBundle of a webhook configuration (failurePolicy Ignore, matching nothing that runs) before
#   it is ready. The first run fills the empty Secret; the later ones find it filled, as a restart does.
# Uses its own throw-away control plane (tools/control-plane.sh) and the built jar (make build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
runs=5
self_managed=false
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    --smoke) runs=1; shift ;;
    --self-managed) self_managed=true; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
jar=${KEC_JAR:-$root/target/kube-exec-controller.jar}
[ -f "$jar" ] || { echo "build first: make build" >&2; exit 1; }
dir=$(mktemp -d /tmp/kec-bench.XXXXXX)
trap '"$root/tools/control-plane.sh" stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
export KUBECONFIG=$("$root/tools/control-plane.sh" start "$dir")
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/tls.key" -out "$dir/tls.crt" -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
health_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tls=(-cert-path "$dir/tls.crt" -key-path "$dir/tls.key")
if $self_managed; then
  kubectl create namespace kube-exec-controller >/dev/null
  kubectl -n kube-exec-controller create secret generic kube-exec-controller-certificate >/dev/null
  kubectl apply -f - >/dev/null <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: kube-exec-controller}
webhooks:
  - name: bench.kube-exec-controller.kubeexec.io
    admissionReviewVersions: [v1]
    sideEffects: None
    failurePolicy: Ignore
    clientConfig: {url: "https://localhost:$port/admit-pod-interaction"}
    namespaceSelector: {matchLabels: {bench: never}}
    rules: [{apiGroups: [""], apiVersions: [v1], operations: [CONNECT], resources: [pods/exec]}]
YAML
  tls=(-certificate-secret kube-exec-controller-certificate -controller-namespace kube-exec-controller
    -service-name localhost)
fi
now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

jvm=() ready=() rss=()
for i in $(seq 1 "$runs"); do
  t0=$(now); java -XX:+UseSerialGC -version >/dev/null 2>&1; t1=$(now)
  jvm+=($(( (t1 - t0) / 1000000 )))
  t0=$(now)
  KEC_JAR=$jar "$root/bin/kube-exec-controller" "${tls[@]}" -port "$port" \
    -bind-address 127.0.0.1 -health-port "$health_port" -health-bind-address 127.0.0.1 -shutdown-delay 0s \
    >"$dir/controller.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$health_port/health/readiness" >/dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || { cat "$dir/controller.log" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(now)
  ready+=($(( (t1 - t0) / 1000000 )))
  java_pid=$(pgrep -P $pid java || echo $pid)
  rss+=($(awk '/VmRSS/ {print int($2/1024)}' /proc/$java_pid/status))
  kill $pid; wait $pid 2>/dev/null || true
  echo "run $i: ready ${ready[-1]} ms, RSS ${rss[-1]} MiB, bare JVM ${jvm[-1]} ms"
done
r=$(printf '%s\n' "${ready[@]}" | median); j=$(printf '%s\n' "${jvm[@]}" | median); m=$(printf '%s\n' "${rss[@]}" | median)
echo "median: controller ready in $r ms, RSS $m MiB; bare JVM start $j ms; ratio $(awk "BEGIN {printf \"%.1f\", $r/$j}")x"
