#!/bin/bash
# Prints the directory to use as KUBE_API_TEST_DIR for io.fabric8:kube-api-test, or nothing.
# On a Debian-like machine it builds (once, then cached outside the repo) a real kube-apiserver + etcd with
# tools/kube-test-bin.sh. Elsewhere it prints nothing, and kube-api-test downloads its own binaries.
# The e2e tests, the pi-cli tests and `make sandbox` all find their control plane through this one script.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KUBE_API_TEST_DIR:-}
if [ -z "$cache" ]; then
  if [ -w /var/cache ] || [ "$(id -u)" = 0 ]; then cache=/var/cache/kube-api-test; else cache="$HOME/.cache/kube-api-test"; fi
fi
if [ -x "$cache/k8s/1.20.2-linux-amd64/kube-apiserver" ] && [ -x "$cache/k8s/1.20.2-linux-amd64/kubelet" ]; then echo "$cache"; exit 0; fi
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Building Kubernetes v1.20.2 (kube-apiserver, kubelet, controller-manager, scheduler) from Debian's packages into $cache (once, about 15-17 minutes)..." >&2
  if out=$("$here/kube-test-bin.sh" "$cache" | tail -n 1); then echo "$out"; exit 0; fi
  echo "kube-test-bin.sh failed; falling back to kube-api-test's own download." >&2
else
  echo "Not a Debian-like machine with root: kube-api-test will download its own binaries (needs internet)." >&2
fi
exit 0
