#!/bin/bash
# The local sandbox: a one-node Kubernetes cluster with a real kubelet (tools/cluster.sh), the controller's image
# deployed on it with `kubectl apply -k` as users do (tools/deploy.sh), and a Deployment to exec into. Then either
# waits (make sandbox: paste the printed session into `tools/cluster.sh shell`; Ctrl-C stops everything) or plays
# that session itself (make sandbox-tour).
#
#   tools/sandbox.sh [--tour]
#   SANDBOX_TTL (60)        seconds before an interacted pod is evicted
#   CLUSTER_NAME (kec)      the cluster's name, as tools/cluster.sh
#   SANDBOX_NO_BUILD=1      use the image and the plugin as they are (IMAGE_TAR, KUBECTL_PI_JAR): the test suite
# Needs root on Debian or Ubuntu (network namespace, containerd, cgroups; tools/README.md).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
tour=false
[ "${1:-}" = "--tour" ] && tour=true
ttl=${SANDBOX_TTL:-60}
ns=demo
image=${IMAGE_TAR:-$root/target/jib-image.tar}
workload=kec.local/busybox:1.35

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf 'sandbox: %s\n' "$*" >&2; exit 1; }

# --- Preconditions, each with what to do about it -------------------------------------------------------
for tool in java mvn kubectl openssl; do
  command -v "$tool" >/dev/null || fail "$tool is not installed. Install it (a JDK 17, Maven, kubectl and openssl) and retry."
done
[ "$(id -u)" = 0 ] || fail "the sandbox runs a one-node cluster (network namespace, containerd, cgroups): run it as root"
command -v apt-get >/dev/null || fail "the sandbox builds its cluster and images from Debian packages: it needs Debian or Ubuntu"
case $ttl in ''|*[!0-9]*) fail "SANDBOX_TTL must be a whole number of seconds, got '$ttl'";; esac

stale() { # $1 = built file; the rest: sources it is built from
  local built=$1; shift
  [ ! -f "$built" ] || [ -n "$(find "$@" -newer "$built" -type f -print -quit 2>/dev/null)" ]
}
if [ "${SANDBOX_NO_BUILD:-}" = 1 ]; then
  [ -f "$image" ] || fail "the image is not built: run 'make image'"
  [ -f "${KUBECTL_PI_JAR:-$root/pi-cli/target/kubectl-pi.jar}" ] || fail "kubectl pi is not built: run 'make build'"
else
  if stale "$root/pi-cli/target/kubectl-pi.jar" "$root/pi-cli/pom.xml" "$root/pi-cli/src/main" \
       "$root/pi-cli/src/training" "$root/contract/src"; then
    say "Building kubectl pi"
    make -C "$root" --no-print-directory build >/dev/null || fail "the build failed: run 'make build' to see why"
  fi
  if stale "$image" "$root/pom.xml" "$root/src/main" "$root/routes" "$root/contract/src"; then
    say "Building the controller's image (make image)"
    make -C "$root" --no-print-directory image >/dev/null || fail "the image build failed: run 'make image' to see why"
  fi
fi

# --- Start, and stop everything on any exit ----------------------------------------------------------------
dir=$(mktemp -d /tmp/kube-exec-sandbox.XXXXXX)
cleanup() {
  trap - EXIT INT TERM
  "$here/cluster.sh" down >/dev/null 2>&1
  rm -rf "$dir"
  echo "sandbox: stopped; nothing left running."
}
trap cleanup EXIT
trap 'exit 130' INT TERM
k() { "$here/cluster.sh" exec kubectl "$@"; }

say "Starting a one-node cluster: etcd, kube-apiserver, controller-manager, scheduler, containerd, kubelet (v1.20.2)"
"$here/cluster.sh" up >/dev/null || fail "the cluster did not start; see its logs under ${CLUSTER_DIR:-/tmp/kube-exec-cluster-${CLUSTER_NAME:-kec}}/logs"

# The demo overlay as `make deploy` applies it, with the sandbox's TTL.
mkdir -p "$dir/overlay"
cat > "$dir/overlay/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$dir/overlay" "$root/kustomize/overlays/demo")
patches:
  - target: {kind: Deployment, name: kube-exec-controller}
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: kube-exec-controller}
      spec:
        template:
          spec:
            containers:
              - name: controller
                env:
                  - {name: KEC_TTL_SECONDS, value: "$ttl"}
                  - {name: KEC_SCAN_INTERVAL, value: 2s}
YAML
say "Deploying the controller's image with kubectl apply -k (TTL ${ttl}s)"
OVERLAY="$dir/overlay" IMAGE_TAR="$image" "$here/deploy.sh" 2>"$dir/deploy.log" \
  || fail "the deployment failed: $(tail -n 5 "$dir/deploy.log")"

say "Creating namespace '$ns' with the Deployment 'web' (2 replicas of $workload)"
k create namespace "$ns" >/dev/null
k apply -f - >/dev/null <<YAML || fail "could not create the Deployment"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: $ns}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      dnsPolicy: Default
      terminationGracePeriodSeconds: 1
      containers:
        - name: app
          image: $workload
          imagePullPolicy: IfNotPresent
          command: [sh, -c, "trap 'exit 0' TERM; sleep 3600 & wait"]
YAML
k -n "$ns" rollout status deployment/web --timeout=120s >/dev/null || fail "the Deployment did not become ready"

session=$(cat <<TXT
kubectl -n $ns run test --image=$workload -- sleep 3600
kubectl -n $ns exec test -- sh -c 'touch new-file; ls -l new-file'
kubectl -n $ns get pods --show-labels
kubectl -n $ns describe pod test | sed -n '/^Events:/,\$p'
kubectl -n $ns exec deploy/web -- sh -c 'echo hello from \$(hostname)'
kubectl pi get -n $ns
kubectl pi extend -n $ns -d 5m -y POD     # a web pod you exec'd into
kubectl -n $ns label pod test box.com/podTTLDuration-
kubectl -n $ns get pods -w
TXT
)

if ! $tour; then
  say "Ready. In another terminal, enter the cluster with 'tools/cluster.sh shell' and paste:"
  echo "$session"
  echo
  echo "'test' (a pod without an owner, as in the original's walkthrough) is evicted ${ttl}s after its exec, for good;"
  echo "a web pod is evicted too, and its ReplicaSet brings a clean one. Controller log:"
  echo "  tools/cluster.sh exec kubectl -n kube-exec-controller logs deploy/kube-exec-controller"
  echo "Ctrl-C stops everything."
  while "$here/cluster.sh" status >/dev/null 2>&1; do sleep 2; done
  fail "the cluster stopped"
fi

# --- The tour: the same session, played with each step's output --------------------------------------------
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$here/cluster.sh" exec bash -c "$*" 2>&1; true; }
step "kubectl -n $ns run test --image=$workload -- sleep 3600"
k -n "$ns" wait --for=condition=Ready pod/test --timeout=60s >/dev/null
step "kubectl -n $ns exec test -- sh -c 'touch new-file; ls -l new-file'"
web=$(k -n "$ns" get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
other=$(k -n "$ns" get pods -l app=web -o jsonpath='{.items[1].metadata.name}')
step "kubectl -n $ns exec $web -- sh -c 'echo hello from \$(hostname)'"
step "kubectl -n $ns exec $other -- true"
sleep 2
step "kubectl -n $ns get pods --show-labels"
step "kubectl -n $ns describe pod test | sed -n '/^Events:/,\$p'"
step "kubectl pi get -n $ns"
step "kubectl pi extend -n $ns -d 5m -y $other"
sleep 2
step "kubectl pi get -n $ns"
step "kubectl -n $ns describe pod $other | sed -n '/^Events:/,\$p'"
step "kubectl -n $ns label pod test box.com/podTTLDuration-"
printf '\n\033[1m$ kubectl -n %s get pods --show-labels   # after up to %ss: test and %s evicted\033[0m\n' "$ns" "$((ttl + 60))" "$web"
# Evicted means deleted: gone, or Terminating for its grace period (sleep, as PID 1, ignores SIGTERM: 30 s).
evicted() {
  local state
  state=$(k -n "$ns" get pod "$1" --ignore-not-found -o jsonpath='{.metadata.name}/{.metadata.deletionTimestamp}') \
    || return 1
  [ -z "$state" ] || [ "${state#*/}" != "" ]
}
for _ in $(seq 1 $((ttl + 60))); do
  evicted test && evicted "$web" && break
  sleep 1
done
for _ in $(seq 1 60); do # the ReplicaSet's new pod, Running (a Terminating pod is still Running: not counted)
  [ "$(k -n "$ns" get pods -l app=web --field-selector=status.phase=Running \
        -o jsonpath='{range .items[*]}{.metadata.name}/{.metadata.deletionTimestamp}{"\n"}{end}' 2>/dev/null \
        | grep -c '/$')" -ge 2 ] && break
  sleep 1
done
k -n "$ns" get pods --show-labels 2>&1
evicted test && echo "test was evicted, for good: nothing owns it." || echo "test was NOT evicted"
evicted "$web" && echo "$web was evicted; its ReplicaSet replaced it with a clean pod." \
  || echo "$web was NOT evicted"
printf '\n\033[1m$ kubectl -n kube-exec-controller logs deploy/kube-exec-controller | grep -E "decision=|: evicted"\033[0m\n'
# head stops reading after 14 lines: the pipe's SIGPIPE (141) must not end the script (set -o pipefail).
k -n kube-exec-controller logs deploy/kube-exec-controller 2>/dev/null | grep -E "decision=|: evicted" \
  | sed -E 's/^[^ ]+ +[A-Z]+ +\[[^]]+\] //' | head -n 14 || true
