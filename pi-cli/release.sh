#!/bin/bash
# The kubectl pi release: the archive krew installs and its krew manifest.
#
#   pi-cli/release.sh [-o DIR] [--version X.Y.Z] [--base-url URL] [--index]
#
# Writes DIR/kubectl-pi-vX.Y.Z.tar.gz (the launcher, kubectl_complete-pi, kubectl-pi.jar, the start-up cache's
# training jar and LICENSE, flat) and DIR/pi.yaml (krew's Plugin manifest: linux and darwin, amd64 and arm64, the
# archive's sha256). DIR defaults to dist/ at the repository root, the version to pi-cli/pom.xml's without -SNAPSHOT,
# the base URL (where the archive is published) to KUBECTL_PI_RELEASE_URL; the manifest's uri is
# BASE-URL/vX.Y.Z/ARCHIVE. --index also copies the manifest to plugins/pi.yaml, which makes the repository a custom
# krew index (kubectl krew index add). The archive is byte-for-byte the same for the same jars (sorted entries, fixed
# times and owners, gzip -n). The jars are built (without tests) when missing. No start-up cache is shipped: the
# launcher builds it on first use, at low priority.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/dist
version=""
base_url=${KUBECTL_PI_RELEASE_URL:-https://example.invalid/kubectl-pi/releases}  # set it (or --base-url) to publish
index=""
while [ $# -gt 0 ]; do
  case $1 in
    -o) out=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --base-url) base_url=$2; shift 2 ;;
    --index) index=1; shift ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$version" ]; then
  version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pi-cli/pom.xml" | head -1)
  version=${version%-SNAPSHOT}
fi
version=${version#v}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "not a semantic version: $version" >&2; exit 2; }
target=$root/pi-cli/target
if [ ! -f "$target/kubectl-pi.jar" ] || [ ! -f "$target/kubectl-pi-training.jar" ]; then
  mvn -B -ntp -q -f "$root/pi-cli/pom.xml" package -DskipTests
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
archive=kubectl-pi-v$version.tar.gz
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -m 755 "$root/bin/kubectl-pi" "$root/bin/kubectl_complete-pi" "$stage/"
install -m 644 "$target/kubectl-pi.jar" "$target/kubectl-pi-training.jar" "$root/LICENSE" "$stage/"
tar -C "$stage" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - \
  LICENSE kubectl-pi kubectl-pi-training.jar kubectl-pi.jar kubectl_complete-pi | gzip -n -9 > "$out/$archive"
sha=$(sha256sum "$out/$archive" | cut -d' ' -f1)

{
  cat <<YAML
apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: pi
spec:
  version: v$version
  homepage: https://github.com/box/kube-exec-controller
  shortDescription: See and extend pods that kube-exec-controller will evict
  description: |
    Shows which pods someone ran kubectl exec, attach or cp against (who, when, the recorded history) and when
    kube-exec-controller evicts them, and asks for more time (kubectl pi extend). Compatible with the original Go
    plugin of box/kube-exec-controller: same commands, flags and table; adds kubectl's -l, -o name, jsonpath,
    custom-columns and --watch.
  caveats: |
    kubectl pi runs on Java: it needs Java 17 or newer (java on the PATH, JAVA_HOME or KUBECTL_PI_JAVA_HOME), and
    prefers an installed JDK 25 or newer. Its first run builds a start-up cache next to it, in the background.
    For completion of kubectl pi <TAB> (kubectl 1.26+), put kubectl_complete-pi on your PATH:
      ln -s "\$(dirname "\$(readlink -f ~/.krew/bin/kubectl-pi)")/kubectl_complete-pi" ~/.krew/bin/
  platforms:
YAML
  for os in linux darwin; do
    for arch in amd64 arm64; do
      cat <<YAML
  - selector:
      matchLabels:
        os: $os
        arch: $arch
    uri: $base_url/v$version/$archive
    sha256: $sha
    files:
    - from: "*"
      to: "."
    bin: kubectl-pi
YAML
    done
  done
} > "$out/pi.yaml"
if [ -n "$index" ]; then
  mkdir -p "$root/plugins"
  cp "$out/pi.yaml" "$root/plugins/pi.yaml"
fi
echo "$out/$archive"
echo "$out/pi.yaml"
