#!/bin/bash
# `make release`: what a version ships, in one directory (default dist/, which git ignores).
#
#   tools/release.sh manifests DIR   DIR/install.yaml (the base: `kubectl apply -f` of this one file is the whole
#                                    install, certificates included) and DIR/install-production.yaml (the production
#                                    overlay), both naming the image RELEASE_IMAGE:VERSION
#   tools/release.sh image DIR       the image, built with that name (`make image`'s recipe, docs/image.md):
#                                    DIR/kube-exec-controller-VERSION-image.tar and its digest in ...-image.digest.
#                                    Needs root, as `make image` does
#   tools/release.sh checksums DIR   DIR/SHA256SUMS of every other file in DIR (run it last: whatever another step
#                                    put there, the plugin's archive say, is covered)
#   tools/release.sh version         prints VERSION
#
#   VERSION        the controller's Maven version, read from pom.xml
#   RELEASE_IMAGE  the image's name without its tag (default kube-exec-controller): REGISTRY/kube-exec-controller
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
image_name=${RELEASE_IMAGE:-kube-exec-controller}
say() { printf 'release: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The project's own <version>: the first one in pom.xml, before <properties> (no parent, so no other comes first).
version() {
  local v
  v=$(sed -n '1,/<properties>/s|^  <version>\([^<]*\)</version>.*|\1|p' "$root/pom.xml" | head -n 1)
  [[ $v =~ ^[0-9A-Za-z][0-9A-Za-z._-]*$ ]] || die "no project version in $root/pom.xml (found '$v')"
  echo "$v"
}

# A name, with a registry (and its port) if any, but no tag or digest: the tag is the version.
[[ $image_name =~ ^[a-z0-9][a-z0-9._:/-]*$ && ${image_name##*/} != *:* ]] \
  || die "RELEASE_IMAGE must be an image name without a tag, e.g. registry.example.com/kube-exec-controller; got '$image_name'"

render() { # $1 = kustomization (relative to the repo), $2 = output file, $3 = its description
  local work=$root/target/release/${1//\//-} rel
  mkdir -p "$work"
  rel=$(realpath --relative-to="$work" "$root/$1")
  cat > "$work/kustomization.yaml" <<EOF
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $rel
images:
  - name: kube-exec-controller
    newName: $image_name
    newTag: "$VERSION"
EOF
  {
    printf '# kube-exec-controller %s: %s\n' "$VERSION" "$3"
    printf '# Image %s:%s. Install or upgrade: kubectl apply -f %s; uninstall: kubectl delete -f %s\n---\n' \
      "$image_name" "$VERSION" "$(basename "$2")" "$(basename "$2")"
    kubectl kustomize "$work"
  } > "$2.tmp"
  mv "$2.tmp" "$2"
  say "$2 ($1)"
}

cmd_manifests() {
  local out=$1
  mkdir -p "$out"
  render kustomize/base "$out/install.yaml" "the controller with its own certificates (Kubernetes 1.20+)"
  render kustomize/overlays/production "$out/install-production.yaml" \
    "two replicas, disruption budget, metrics, NetworkPolicy (kustomize/README.md)"
}

cmd_image() {
  local out=$1 base tar=kube-exec-controller-$VERSION-image
  mkdir -p "$out"
  base=$("$here/jre-base-image.sh")
  say "building $image_name:$VERSION"
  (cd "$root" && mvn -B -ntp -q pre-integration-test -DskipTests -Pimage -Dimage="$image_name:$VERSION" \
    -Dimage.base="tar://$base" -Dimage.revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)")
  # Moved, not copied: target/jib-image.tar is what `make deploy` imports as kube-exec-controller:local.
  mv "$root/target/jib-image.tar" "$out/$tar.tar"
  mv "$root/target/jib-image.digest" "$out/$tar.digest"
  say "$out/$tar.tar: $image_name:$VERSION $(cat "$out/$tar.digest")"
}

cmd_checksums() {
  local out=$1
  [ -d "$out" ] || die "no directory $out"
  (cd "$out" && find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name '*.tmp' -printf '%f\n' | LC_ALL=C sort \
    | xargs -r sha256sum > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
  say "$out/SHA256SUMS: $(wc -l < "$out/SHA256SUMS") files"
}

VERSION=$(version)
case ${1:-} in
  manifests|image|checksums) [ $# -eq 2 ] || die "usage: tools/release.sh $1 DIR"; "cmd_$1" "$2" ;;
  version) echo "$VERSION" ;;
  *) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
