#!/bin/bash
# `make deploy`: the controller's image on the local one-node cluster of tools/cluster.sh, installed the way users
# install it: `kubectl apply -k` of a kustomization (default kustomize/overlays/demo). Starts the cluster if needed,
# imports the image built by `make image`, applies, and waits for the rollout. No certificates to make: the
# controller makes its own and writes the webhooks' caBundle (readiness waits for both).
#   OVERLAY    the kustomization to apply (default kustomize/overlays/demo)
#   IMAGE_TAR  the image tarball (default target/jib-image.tar)
#   CLUSTER_NAME, CLUSTER_DIR as tools/cluster.sh
# Afterwards: tools/cluster.sh shell (kubectl, kubectl pi) or tools/cluster.sh exec kubectl ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
overlay=${OVERLAY:-$root/kustomize/overlays/demo}
image=${IMAGE_TAR:-$root/target/jib-image.tar}
say() { printf 'deploy: %s\n' "$*" >&2; }
[ -f "$image" ] || { say "no image at $image: build it with 'make image'"; exit 1; }
[ -f "$overlay/kustomization.yaml" ] || { say "$overlay has no kustomization.yaml"; exit 1; }

"$here/cluster.sh" up >/dev/null
say "importing $image"
"$here/cluster.sh" import "$image" >/dev/null
say "kubectl apply -k $overlay"
"$here/cluster.sh" exec kubectl apply -k "$overlay" >&2
"$here/cluster.sh" exec kubectl -n kube-exec-controller rollout status deployment/kube-exec-controller \
  --timeout=180s >&2
say "ready: tools/cluster.sh shell   (kubectl and kubectl pi against the cluster)"
