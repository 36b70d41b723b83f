#!/bin/bash
# Turns a root-filesystem directory into an OCI image-layout tarball (one gzip layer) for
# `ctr -n k8s.io images import`. No registry, daemon or build tool: tar, gzip and sha256sum.
# Every file in the image is owned by 0:0 with its mode kept; a non-root --user reads, not writes, the image.
# Deterministic: entries sorted, owned by 0:0, mtime fixed (SOURCE_DATE_EPOCH, default 0), gzip -n, so the same
# directory and options give the same image digest, and a cache keyed on it stays valid.
#
#   tools/oci-image.sh [options] ROOTFS NAME:TAG OUT.tar
#     --entrypoint JSON   e.g. '["/bin/sleep"]'            (JSON array of strings)
#     --cmd JSON          e.g. '["3600"]'
#     --env KEY=VALUE     repeatable; default PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
#     --user USER         e.g. 65532 or 65532:65532
#     --workdir DIR
# Prints the manifest digest (sha256:...) on stdout.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
die() { echo "oci-image.sh: $*" >&2; exit 1; }

entrypoint="" cmd="" user="" workdir="" envs=()
while [ $# -gt 0 ]; do
  case $1 in
    --entrypoint) entrypoint=${2:?}; shift 2 ;;
    --cmd) cmd=${2:?}; shift 2 ;;
    --env) envs+=("${2:?}"); shift 2 ;;
    --user) user=${2:?}; shift 2 ;;
    --workdir) workdir=${2:?}; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
[ $# -eq 3 ] || usage
rootfs=$1 name=$2 out=$3
[ -d "$rootfs" ] || die "$rootfs is not a directory"
case $name in
  *:*) tag=${name##*:}; [[ $tag != */* ]] || die "$name: give NAME:TAG (the tag must not contain '/')" ;;
  *) die "$name: give NAME:TAG, e.g. kec.local/busybox:1.35" ;;
esac
for j in "$entrypoint" "$cmd"; do
  [[ -z $j || $j =~ ^\[.*\]$ ]] || die "--entrypoint/--cmd take a JSON array, e.g. '[\"/bin/sh\",\"-c\"]', got: $j"
done
[ ${#envs[@]} -gt 0 ] || envs=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)

json_string() { # a shell string as a JSON string; control characters have no business in these fields
  local s=$1
  [[ $s != *[[:cntrl:]]* ]] || die "control character in '$s'"
  s=${s//\\/\\\\}; s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

epoch=${SOURCE_DATE_EPOCH:-0}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
work=$(mktemp -d "${TMPDIR:-/tmp}/oci-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
blobs="$work/layout/blobs/sha256"
mkdir -p "$blobs"

# The layer. --sort=name and the pax options drop everything that varies between two runs over the same files.
tar -C "$rootfs" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime --format=posix \
  -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n -6 < "$work/layer.tar" > "$work/layer.tar.gz"
rm "$work/layer.tar"
layer=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
layer_size=$(stat -c %s "$work/layer.tar.gz")
mv "$work/layer.tar.gz" "$blobs/$layer"

blob() { # stdin -> a blob; prints "digest size"
  cat > "$work/blob"
  local d; d=$(sha256sum "$work/blob" | cut -d' ' -f1)
  mv "$work/blob" "$blobs/$d"
  echo "$d $(stat -c %s "$blobs/$d")"
}

env_json=$(for e in "${envs[@]}"; do json_string "$e"; echo; done | paste -sd, -)
config_fields="\"Env\":[$env_json]"
[ -z "$entrypoint" ] || config_fields+=",\"Entrypoint\":$entrypoint"
[ -z "$cmd" ] || config_fields+=",\"Cmd\":$cmd"
[ -z "$user" ] || config_fields+=",\"User\":$(json_string "$user")"
[ -z "$workdir" ] || config_fields+=",\"WorkingDir\":$(json_string "$workdir")"
read -r config config_size < <(printf '%s' \
  "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"$created\",\"config\":{$config_fields},\
\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$diff_id\"]},\
\"history\":[{\"created\":\"$created\",\"created_by\":\"tools/oci-image.sh\"}]}" | blob)

read -r manifest manifest_size < <(printf '%s' \
  "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\
\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$config\",\"size\":$config_size},\
\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$layer\",\"size\":$layer_size}]}" | blob)

printf '{"imageLayoutVersion":"1.0.0"}' > "$work/layout/oci-layout"
printf '%s' "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\
\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$manifest\",\"size\":$manifest_size,\
\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"},\
\"annotations\":{\"io.containerd.image.name\":$(json_string "$name"),\"org.opencontainers.image.ref.name\":$(json_string "$tag")}}]}" \
  > "$work/layout/index.json"

mkdir -p "$(dirname "$out")"
tar -C "$work/layout" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf "$out.partial" .
mv "$out.partial" "$out"
echo "sha256:$manifest"
