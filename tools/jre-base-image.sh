#!/bin/bash
# The base of the controller's image when no registry can be reached: a Java 17 runtime jlinked from Debian's OpenJDK
# with only the modules the controller needs, on a root filesystem made of the few Debian packages a JVM loads.
# No shell, no package manager; the user kec (10001:10001) with no home and no login shell; /tmp writable by all.
# The controller's image adds its jars on top with Jib (`make image`), which reads this tarball as a tar:// base.
#
#   tools/jre-base-image.sh      prints the path of the tarball, built once and cached outside the repository
#                                (KEC_IMAGE_CACHE, default /var/cache/kube-exec-images), keyed on this script
#
# Needs root and apt-get the first time (a Debian bookworm machine, like CI): about 1 minute, 120 MB of packages.
# The same packages give the same tarball, byte for byte. It carries no CDS archive: JDK 17's -Xshare:dump is not
# deterministic, so the image build makes it in its own last layer (tools/image-cds.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${KEC_IMAGE_CACHE:-/var/cache/kube-exec-images}

# `jdeps --print-module-deps` over the controller's jars (Quartz's bean introspection is what needs java.desktop), plus
# jdk.crypto.ec, which jdeps cannot see because TLS finds it as a security provider: without it there are no EC keys
# and no ECDHE. ImageIT fails when the jars need a module that is not here.
# java.compiler and java.scripting: mchange-commons-java, which Quartz brings with c3p0.
modules=java.base,java.compiler,java.desktop,java.management,java.naming,java.net.http,java.rmi,java.scripting
modules+=,java.security.jgss,java.security.sasl,java.sql
modules+=,jdk.jfr,jdk.unsupported,jdk.crypto.ec
# What libjvm and the JDK's own native libraries link against (ldd), nothing else.
libraries="libc6 libgcc-s1 libstdc++6 zlib1g"
# Bookworm ships the jmods in the JDK package; jlink must be the very build the jmods come from.
jdk="openjdk-17-jdk-headless openjdk-17-jre-headless"
java_home=/opt/java/openjdk

key=$(cat "$0" "$here/oci-image.sh" | sha256sum | cut -c1-12)
out="$cache/jre17-$key.tar"
if [ -s "$out" ]; then echo "$out"; exit 0; fi

die() { echo "jre-base-image.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "the first build needs root (apt-get, chroot); then $out is reused"
command -v apt-get >/dev/null || die "needs a Debian machine (apt-get, dpkg-deb)"
command -v jq >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq --no-install-recommends jq >/dev/null; }

work=$(mktemp -d "${TMPDIR:-/tmp}/jre-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debs" "$work/jdk" "$work/rootfs"
# apt drops privileges to _apt for downloads; let it write here.
! id _apt >/dev/null 2>&1 || chown _apt "$work/debs"
download() { (cd "$work/debs" && apt-get download -qq "$@" >/dev/null 2>&1); }
# shellcheck disable=SC2086
download $libraries libc-bin $jdk || { apt-get update -qq >/dev/null; download $libraries libc-bin $jdk; } \
  || die "apt-get download $libraries libc-bin $jdk failed"

# The JDK that runs jlink, unpacked; its configuration links point into /etc, which is in the same packages.
for p in $jdk; do dpkg-deb -x "$work/debs/${p}"_*.deb "$work/jdk"; done
find "$work/jdk" -type l -lname '/*' | while read -r link; do ln -sfn "$work/jdk$(readlink "$link")" "$link"; done
host_jdk="$work/jdk/usr/lib/jvm/java-17-openjdk-amd64"

root="$work/rootfs"
for p in $libraries; do dpkg-deb -x "$work/debs/${p}"_*.deb "$root"; done
# From libc-bin only the C.UTF-8 locale: without it the JVM's default charset would be ASCII.
dpkg-deb --fsys-tarfile "$work/debs"/libc-bin_*.deb | tar -x -C "$root" ./usr/lib/locale/C.utf8
# iconv modules (the JVM has its own charsets), documentation, gdb helpers.
rm -rf "$root"/usr/lib/x86_64-linux-gnu/gconv "$root"/usr/share/{doc,lintian,gcc,gdb}
# What the image holds, where scanners (trivy, grype, syft) look for it in a distroless image.
mkdir -p "$root/var/lib/dpkg/status.d"
for p in $libraries libc-bin openjdk-17-jdk-headless; do
  { dpkg-deb -f "$work/debs/${p}"_*.deb Package Source Version Architecture Maintainer Homepage; echo "Status: install ok installed"; } \
    > "$root/var/lib/dpkg/status.d/$p"
done

"$host_jdk/bin/jlink" --module-path "$host_jdk/jmods" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --output "$root$java_home"
rm -f "$root$java_home"/lib/server/classes*.jsa

mkdir -p "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nkec:x:10001:10001:kube-exec-controller:/nonexistent:/usr/sbin/nologin\n' \
  > "$root/etc/passwd"
printf 'root:x:0:\nkec:x:10001:\n' > "$root/etc/group"
# glibc's default without this file asks DNS before /etc/hosts.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"

# The runtime must start inside the root filesystem alone, not just on this machine.
mkdir "$root/proc" "$root/dev"
unshare --mount --pid --fork --mount-proc="$root/proc" sh -c \
  'mount --rbind /dev "$1/dev" && exec chroot "$1" '"$java_home"'/bin/java -Xshare:off -version' sh "$root" \
  >"$work/version" 2>&1 || { cat "$work/version" >&2; die "java -version fails inside the root filesystem"; }
rmdir "$root/proc" "$root/dev"

mkdir -p "$cache"
"$here/oci-image.sh" --env "PATH=$java_home/bin:/usr/sbin:/usr/bin:/sbin:/bin" --env "JAVA_HOME=$java_home" \
  --env LANG=C.UTF-8 "$root" "kube-exec-controller-base:jre17-$key" "$work/oci.tar" >/dev/null

# Jib's tar:// base reads `docker save` archives (manifest.json), not OCI layouts: add one beside the OCI index, as
# Docker 25+ does, pointing at the same blobs. The result imports into containerd as well. The members are named, not
# ".": Jib refuses an archive with a "./" entry.
mkdir "$work/layout"
tar -xf "$work/oci.tar" -C "$work/layout"
manifest=$(jq -r '.manifests[0].digest | sub(":"; "/")' "$work/layout/index.json")
jq -c --arg tag "kube-exec-controller-base:jre17-$key" \
  '[{Config: ("blobs/" + (.config.digest | sub(":"; "/"))), RepoTags: [$tag],
     Layers: [.layers[].digest | "blobs/" + sub(":"; "/")]}]' "$work/layout/blobs/$manifest" \
  > "$work/layout/manifest.json"
epoch=${SOURCE_DATE_EPOCH:-0}
tar -C "$work/layout" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf "$work/base.tar" oci-layout index.json manifest.json blobs
mv "$work/base.tar" "$out.partial"
rm -f "$cache"/jre17-*.tar
mv "$out.partial" "$out"
sed -n 1p "$work/version" | sed "s|^|jre-base-image.sh: |" >&2
echo "$out"
