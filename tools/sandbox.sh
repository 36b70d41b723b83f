#!/bin/bash
# The local sandbox: a real control plane (etcd + kube-apiserver v1.20.2, no kubelet), the controller on loopback
# registered as the ValidatingWebhook, and a few demo pods. Then either waits (make sandbox: paste the printed
# session into another terminal; Ctrl-C stops everything) or plays that session itself (make sandbox-tour).
#
#   tools/sandbox.sh [--tour]
#   SANDBOX_PORT (18443)   the controller's HTTPS (webhook) port on 127.0.0.1
#   SANDBOX_HEALTH_PORT (18080)  its plain-HTTP port of the probes and /metrics, on 127.0.0.1
#   SANDBOX_TTL (60)       seconds before an interacted pod is evicted
#   SANDBOX_DIR            where the state goes (default: a new temporary directory, removed on exit)
#   SANDBOX_NO_BUILD=1     use the jars as they are (KEC_JAR, KUBECTL_PI_JAR or the default paths): the test suite
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
tour=false
[ "${1:-}" = "--tour" ] && tour=true
port=${SANDBOX_PORT:-18443}
health_port=${SANDBOX_HEALTH_PORT:-18080}
ttl=${SANDBOX_TTL:-60}
ns=demo

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf 'sandbox: %s\n' "$*" >&2; exit 1; }

# --- Preconditions, each with what to do about it -------------------------------------------------------
for tool in java mvn kubectl openssl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed. Install it (a JDK 17, Maven, kubectl and openssl) and retry."
done
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  fail "port $port is busy (another sandbox?). Stop what uses it, or pick another: SANDBOX_PORT=18444 make sandbox"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$health_port") 2>/dev/null; then
  fail "port $health_port is busy (another sandbox?). Stop what uses it, or pick another: SANDBOX_HEALTH_PORT=18081 make sandbox"
fi
case $ttl in ''|*[!0-9]*) fail "SANDBOX_TTL must be a whole number of seconds, got '$ttl'";; esac

kube_dir=$("$root/tools/kube-api-test-dir.sh")
if [ -z "$kube_dir" ] || [ ! -x "$kube_dir/k8s/1.20.2-linux-amd64/kube-apiserver" ]; then
  fail "no kube-apiserver binary. On Debian or Ubuntu, run as root: tools/kube-api-test-dir.sh (builds it once from
Debian's packages). Elsewhere, put kube-apiserver v1.20.2 and etcd under \$KUBE_API_TEST_DIR/k8s/1.20.2-linux-amd64/."
fi
export KUBE_API_TEST_DIR=$kube_dir

stale() { # $1 = jar; the rest: sources it is built from
  local jar=$1; shift
  [ ! -f "$jar" ] || [ -n "$(find "$@" -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}
if [ "${SANDBOX_NO_BUILD:-}" = 1 ]; then
  [ -f "${KEC_JAR:-$root/target/kube-exec-controller.jar}" ] || fail "the controller is not built: run 'make build'"
  [ -f "${KUBECTL_PI_JAR:-$root/pi-cli/target/kubectl-pi.jar}" ] || fail "kubectl pi is not built: run 'make build'"
elif stale "$root/target/kube-exec-controller.jar" "$root/pom.xml" "$root/src/main" "$root/routes" "$root/contract/src" \
   || stale "$root/pi-cli/target/kubectl-pi.jar" "$root/pi-cli/pom.xml" "$root/pi-cli/src/main" "$root/contract/src"; then
  say "Building the controller and kubectl pi"
  make -C "$root" --no-print-directory build >/dev/null || fail "the build failed: run 'make build' to see why"
fi

# --- Start, and stop everything on any exit ----------------------------------------------------------------
dir=${SANDBOX_DIR:-$(mktemp -d /tmp/kube-exec-sandbox.XXXXXX)}
mkdir -p "$dir"
controller_pid=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$controller_pid" ] && kill "$controller_pid" 2>/dev/null && wait "$controller_pid" 2>/dev/null
  "$root/tools/control-plane.sh" stop "$dir" >/dev/null 2>&1
  [ -z "${SANDBOX_DIR:-}" ] && rm -rf "$dir"
  echo "sandbox: stopped; nothing left running."
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "Starting etcd and kube-apiserver v1.20.2 (no scheduler, no kubelet)"
kubeconfig=$("$root/tools/control-plane.sh" start "$dir") || fail "the control plane did not start; see $dir/*.log"
export KUBECONFIG=$kubeconfig

say "Starting kube-exec-controller on https://127.0.0.1:$port (TTL ${ttl}s)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/tls.key" -out "$dir/tls.crt" -days 1 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null || fail "openssl could not make a certificate"
"$root/bin/kube-exec-controller" -cert-path "$dir/tls.crt" -key-path "$dir/tls.key" -port "$port" \
  -bind-address 127.0.0.1 -health-port "$health_port" -health-bind-address 127.0.0.1 \
  -ttl-seconds "$ttl" -scan-interval 2s -shutdown-delay 0s >"$dir/controller.log" 2>&1 &
controller_pid=$!
for _ in $(seq 1 120); do
  kill -0 "$controller_pid" 2>/dev/null || fail "the controller exited: $(tail -n 5 "$dir/controller.log")"
  curl -sf "http://127.0.0.1:$health_port/health/readiness" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$health_port/health/readiness" >/dev/null || fail "the controller is not ready; see $dir/controller.log"

say "Registering it as the ValidatingWebhook, and creating namespace '$ns' with pods demo-1, demo-2, demo-3"
ca=$(base64 -w0 < "$dir/tls.crt")
kubectl apply -f - >/dev/null <<YAML || fail "could not register the webhook"
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: kube-exec-controller-sandbox
webhooks:
- name: pod-interaction.kube-exec-controller.io
  clientConfig: {url: "https://127.0.0.1:$port/admit-pod-interaction", caBundle: "$ca"}
  rules: [{operations: [CONNECT], apiGroups: [""], apiVersions: [v1], resources: [pods/exec, pods/attach, pods/portforward]}]
  failurePolicy: Fail
  sideEffects: NoneOnDryRun
  timeoutSeconds: 5
  admissionReviewVersions: [v1, v1beta1]
- name: pod-update.kube-exec-controller.io
  clientConfig: {url: "https://127.0.0.1:$port/admit-pod-update", caBundle: "$ca"}
  rules: [{operations: [UPDATE], apiGroups: [""], apiVersions: [v1], resources: [pods, pods/status, pods/ephemeralcontainers]}]
  failurePolicy: Fail
  sideEffects: NoneOnDryRun
  timeoutSeconds: 5
  admissionReviewVersions: [v1, v1beta1]
YAML
kubectl create namespace "$ns" >/dev/null
for i in 1 2 3; do
  kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: demo-$i
  labels: {app: demo}
spec:
  containers: [{name: app, image: busybox}]
YAML
done

session=$(cat <<TXT
export KUBECONFIG=$kubeconfig
export PATH=$root/bin:\$PATH
kubectl -n $ns exec demo-1 -- ls
kubectl -n $ns get pods --show-labels
kubectl -n $ns describe pod demo-1 | sed -n '/^Events:/,\$p'
kubectl pi get -n $ns
kubectl pi extend -n $ns -d 5m -y demo-1
kubectl pi get -n $ns
kubectl -n $ns exec demo-2 -- ls
kubectl -n $ns get pods -w
TXT
)

if ! $tour; then
  say "Ready. In another terminal, paste:"
  echo "$session"
  echo
  echo "The exec itself fails ('does not have a host assigned': no kubelet runs here), but the API server admits it"
  echo "through the webhook first, and that is what the controller records. demo-2 is evicted ${ttl}s after its exec."
  echo "Controller log: $dir/controller.log.  Ctrl-C stops everything."
  while kill -0 "$controller_pid" 2>/dev/null; do sleep 1; done
  fail "the controller stopped; see $dir/controller.log"
fi

# --- The tour: the same session, played with each step's output --------------------------------------------
export PATH=$root/bin:$PATH
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; bash -c "$*" 2>&1; true; }
step "kubectl -n $ns exec demo-1 -- ls"
sleep 2
step "kubectl -n $ns get pods --show-labels"
step "kubectl -n $ns describe pod demo-1 | sed -n '/^Events:/,\$p'"
step "kubectl pi get -n $ns"
step "kubectl pi extend -n $ns -d 5m -y demo-1"
sleep 2
step "kubectl pi get -n $ns"
step "kubectl -n $ns describe pod demo-1 | sed -n '/^Events:/,\$p'"
step "kubectl -n $ns label pod demo-1 box.com/podTTLDuration-"
step "kubectl -n $ns exec demo-2 -- ls"
printf '\n\033[1m$ kubectl -n %s get pods   # waiting up to %ss for demo-2 to be evicted\033[0m\n' "$ns" "$((ttl + 30))"
for _ in $(seq 1 $((ttl + 30))); do
  kubectl -n "$ns" get pod demo-2 >/dev/null 2>&1 || break
  sleep 1
done
kubectl -n "$ns" get pods 2>&1
kubectl -n "$ns" get pod demo-2 >/dev/null 2>&1 && echo "demo-2 was NOT evicted" || echo "demo-2 was evicted."
printf '\n\033[1m$ grep decision= controller.log\033[0m\n'
grep -E "decision=|evicted" "$dir/controller.log" | sed -E 's/^[^ ]+ +[A-Z]+ +\[[^]]+\] //' | head -n 12
