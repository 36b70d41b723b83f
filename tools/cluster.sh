#!/bin/bash
# A one-node Kubernetes v1.20.2 cluster on this machine: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, containerd and a real kubelet, all inside a network namespace of their own, so `kubectl exec`
# really runs in a container, ReplicaSets recreate evicted pods and PodDisruptionBudgets get a status.
# Needs Debian (or Ubuntu) and root: it apt-get installs containerd, runc and the CNI plugins when missing.
#
#   tools/cluster.sh up              start; prints the kubeconfig path on its last line (progress goes to stderr)
#   tools/cluster.sh down            stop everything it started and remove what it made (logs stay in CLUSTER_DIR/logs)
#   tools/cluster.sh status          one line per component; exit 0 when all run
#   tools/cluster.sh exec CMD ARGS   CMD inside the cluster's network namespace, KUBECONFIG set, the repo's bin/ on PATH
#   tools/cluster.sh shell           an interactive shell, the same way
#   tools/cluster.sh import IMG.tar  an OCI or docker image tarball into the cluster's containerd
#
#   CLUSTER_NAME (kec)               names the network namespace, the node and the cgroups; clusters with
#                                    different names run side by side
#   CLUSTER_DIR (/tmp/kube-exec-cluster-$CLUSTER_NAME)   everything it writes, but the image cache
#   CLUSTER_IMAGE_CACHE (/var/cache/kube-exec-images)    images built from Debian packages, reused by the next `up`
#
# Managed-cluster traps, emulated on request (both off by default; `up` refuses a running cluster set otherwise):
#   CLUSTER_QUOTA_ADMISSION=gke      the API server's ResourceQuota admission configured as GKE configures it: a pod of
#                                    priority class system-node-critical or system-cluster-critical is refused
#                                    ("insufficient quota to match these scopes") unless its namespace holds a
#                                    ResourceQuota scoped to that PriorityClass
#   CLUSTER_APISERVER_TO_PODS=PORTS  the API server reaches pod IPs only on these TCP ports, e.g. 443,10250 (the
#                                    firewall of a GKE private cluster), or `none` (EKS with a custom CNI); the
#                                    kubelet (probes) and everything else are not restricted
#
# Inside the namespace: the node is 10.250.0.1 on bridge nodebr, pods get 10.244.0.0/24 on bridge cni0, nothing
# routes out. There is no kube-proxy: the `kubernetes` Service's ClusterIP (10.96.0.1) is an address of the node
# and kube-apiserver serves on :443 there, and the API server calls webhook Services straight at their endpoints
# (--enable-aggregator-routing). No DNS either: workloads use `dnsPolicy: Default` and the KUBERNETES_SERVICE_*
# variables. Images: kec.local/busybox:1.35 (busybox-static) is imported on `up`; bring others with `import`.
set -eEuo pipefail
trap 'echo "cluster.sh: line $LINENO: \"$BASH_COMMAND\" failed" >&2' ERR

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
name=${CLUSTER_NAME:-kec}
[[ $name =~ ^[a-z0-9]([-a-z0-9]{0,22}[a-z0-9])?$ ]] \
  || { echo "cluster.sh: CLUSTER_NAME must be 1-24 lower-case letters, digits or '-', got '$name'" >&2; exit 2; }
dir=${CLUSTER_DIR:-/tmp/kube-exec-cluster-$name}
dir=$(realpath -m "$dir")
image_cache=${CLUSTER_IMAGE_CACHE:-/var/cache/kube-exec-images}
netns=$name
netns_path=/var/run/netns/$netns
node=$name-node
node_ip=10.250.0.1
service_range=10.96.0.0/24
service_ip=10.96.0.1 # the first address of the range: what the `kubernetes` Service gets
pod_subnet=10.244.0.0/24
cni_network=kube-exec-$name # names libcni's cache files under /var/lib/cni, so `down` finds its own
cgroup_root=/kube-exec-$name
busybox_image=kec.local/busybox:1.35
pause_image=kec.local/pause:3.6
sock=$dir/containerd/containerd.sock
logs=$dir/logs
run=$dir/run
registry=/run/kube-exec-clusters # one file per running cluster, and the kernel settings the kubelet changes
# The kubelet sets these host-wide (protectKernelDefaults=false); `down` of the last cluster puts them back.
kernel_tunables="vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys kernel/keys/root_maxbytes"
components="etcd kube-apiserver containerd kube-controller-manager kube-scheduler kubelet"
quota_admission=${CLUSTER_QUOTA_ADMISSION:-}
apiserver_to_pods=${CLUSTER_APISERVER_TO_PODS:-}
# The firewall matches the API server's sockets by this cgroup (cgroup v2: the kubelet's probes come from the same
# network namespace and the same node address, only the process tells them apart).
apiserver_cgroup=kube-exec-$name-apiserver
options="quota-admission=${quota_admission:-off} apiserver-to-pods=${apiserver_to_pods:-all}"

say() { printf 'cluster.sh: [%3d s] %s\n' "$SECONDS" "$*" >&2; }
die() { say "$*"; exit 1; }
[[ $quota_admission =~ ^(gke)?$ ]] || { echo "cluster.sh: CLUSTER_QUOTA_ADMISSION must be gke or empty, got '$quota_admission'" >&2; exit 2; }
[[ $apiserver_to_pods =~ ^(none|[0-9]{1,5}(,[0-9]{1,5}){0,14})?$ ]] \
  || { echo "cluster.sh: CLUSTER_APISERVER_TO_PODS must be none or ports like 443,10250, got '$apiserver_to_pods'" >&2; exit 2; }
log_tail() { # $1 = component: its last errors and last lines (before a Go stack dump), for an error message
  local f=$logs/$1.log
  [ -f "$f" ] || return 0
  printf -- '--- %s: last errors ---\n' "$f" >&2
  { grep -E '^[EF][0-9]{4} |level=(error|fatal)|^(Error|error|panic)' "$f" || true; } | tail -n 5 >&2
  printf -- '--- %s: last lines ---\n' "$f" >&2
  sed '/^goroutine [0-9]* \[/,$d' "$f" | tail -n 15 >&2
}
in_ns() { nsenter --net="$netns_path" "$@"; }
kubectl_() { in_ns env KUBECONFIG="$dir/kubeconfig" kubectl --request-timeout=10s "$@"; }

# ---------------------------------------------------------------------------------------------------------------
# Processes. Each one is ours when its pid file says so AND its command line names our directory (pids get reused).
pid_of() { # $1 = component; prints its pid if it is alive and ours
  local f=$run/$1.pid pid state cmdline
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$state" != Z ] || return 1
  cmdline=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"$dir/"* ]] || return 1
  echo "$pid"
}

gone() { # $1 = pid: exited (or a zombie nobody reaped yet)
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
  [ "$state" = Z ]
}

wait_gone() { # $1 = pid, $2 = tenths of a second
  local i
  for ((i = 0; i < $2; i++)); do gone "$1" && return 0; sleep 0.1; done
  gone "$1"
}

stop_pid() { # $1 = pid, $2 = what, $3 = seconds of grace before SIGKILL
  kill -TERM "$1" 2>/dev/null || return 0
  wait_gone "$1" $(($3 * 10)) && return 0
  say "$2 (pid $1) did not exit within $3 s of SIGTERM; sending SIGKILL"
  kill -KILL "$1" 2>/dev/null || true
  wait_gone "$1" 100 || say "$2 (pid $1) is still there 10 s after SIGKILL"
}

stop_component() { # $1 = component, $2 = grace seconds
  local pid
  if pid=$(pid_of "$1"); then stop_pid "$pid" "$1" "$2"; fi
  rm -f "$run/$1.pid"
}

started=""
start() { # $1 = component, then its command line; runs it in the namespace, detached, logging to logs/$1.log
  local c=$1 i; shift
  started+=" $c"
  # setsid: a Ctrl-C in the caller's terminal does not reach the cluster. 9>&-: the lock stays with this script.
  setsid sh -c 'echo $$ > "$0"; exec "$@"' "$run/$c.pid" nsenter --net="$netns_path" "$@" \
    </dev/null >>"$logs/$c.log" 2>&1 9>&- &
  for ((i = 0; i < 50; i++)); do [ -s "$run/$c.pid" ] && return 0; sleep 0.1; done
  die "$c did not start"
}

wait_for() { # $1 = component, $2 = seconds, $3... = a command that succeeds once it is usable
  local c=$1 t=$2 i s; shift 2
  for ((i = 0; i < t * 2; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    for s in $started; do # any of them dying fails `up` at once, not at the end of somebody else's wait
      pid_of "$s" >/dev/null || { log_tail "$s"; die "$s exited while starting; see $logs/$s.log"; }
    done
    sleep 0.5
  done
  log_tail "$c"
  die "$c was not ready within $t s; see $logs/$c.log"
}

# ---------------------------------------------------------------------------------------------------------------
# Prerequisites
need_root() { [ "$(id -u)" = 0 ] || die "needs root (network namespace, containerd, cgroups)"; }

apt_install() { # $@ = packages, installed only if some is missing
  local missing=() p
  for p in "$@"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) == *"ok installed" ]] || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]}, and this is not a Debian-like machine with apt-get"
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
    || die "apt-get install ${missing[*]} failed"
}

find_binaries() {
  local root
  root=${KUBE_API_TEST_DIR:-$("$here/kube-api-test-dir.sh")}
  bin=$root/k8s/1.20.2-linux-amd64
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet; do
    [ -x "$bin/$b" ] || die "no $b under $bin: run tools/kube-api-test-dir.sh as root (it builds them from Debian's source)"
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Images, built from Debian's busybox-static (no registry is reachable) and cached outside the repo.
# The pause image is the same layer with `sleep infinity`: containerd stops sandboxes with SIGKILL (in well under a
# second here), and pods here do not share a PID namespace, so it needs neither signal handling nor zombie reaping.
IMAGE_RECIPE=1 # bump when the recipe below changes: the cache key

build_images() {
  local version work key cached
  mkdir -p "$image_cache"
  # A cached build of this recipe wins over asking apt for the newest version: apt-cache alone takes seconds.
  cached=$(ls -t "$image_cache"/busybox-*-r"$IMAGE_RECIPE".tar 2>/dev/null | head -n 1 || true)
  if [ -n "$cached" ] && [ -f "$image_cache/pause-${cached#"$image_cache"/busybox-}" ]; then
    busybox_tar=$cached
    pause_tar=$image_cache/pause-${cached#"$image_cache"/busybox-}
    return 0
  fi
  version=$(apt-cache policy busybox-static 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [ -z "$version" ] || [ "$version" = "(none)" ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    version=$(apt-cache policy busybox-static 2>/dev/null | awk '/Candidate:/ {print $2}')
  fi
  [ -n "$version" ] && [ "$version" != "(none)" ] || die "apt knows no busybox-static package (apt-get update?)"
  key="${version//[^A-Za-z0-9.+-]/_}-r$IMAGE_RECIPE"
  busybox_tar=$image_cache/busybox-$key.tar
  pause_tar=$image_cache/pause-$key.tar
  [ -f "$busybox_tar" ] && [ -f "$pause_tar" ] && return 0
  say "building $busybox_image and $pause_image from busybox-static $version into $image_cache"
  work=$(mktemp -d /tmp/kube-exec-image.XXXXXX)
  (
    set -e
    trap 'rm -rf "$work"' EXIT
    cd "$work"
    apt-get -o APT::Sandbox::User=root download "busybox-static=$version" >/dev/null 2>&1 \
      || die "apt-get download busybox-static=$version failed"
    mkdir deb rootfs
    dpkg-deb -x busybox-static_*.deb deb
    mkdir -p rootfs/bin rootfs/sbin rootfs/usr/bin rootfs/usr/sbin rootfs/etc rootfs/tmp rootfs/root rootfs/proc \
      rootfs/sys rootfs/dev rootfs/var/run
    install -m755 deb/bin/busybox rootfs/bin/busybox
    # One process for ~400 links (a fork per link costs seconds on a busy machine); perl-base is always there.
    rootfs/bin/busybox --list-full \
      | perl -ne 'chomp; my $l = "rootfs/$_"; -e $l or -l $l or symlink("/bin/busybox", $l) or die "$l: $!\n"'
    chmod 1777 rootfs/tmp
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > rootfs/etc/passwd
    printf 'root:x:0:\nnogroup:x:65534:\n' > rootfs/etc/group
    "$here/oci-image.sh" --cmd '["sh"]' rootfs "$busybox_image" busybox.tar >/dev/null
    "$here/oci-image.sh" --entrypoint '["/bin/sleep","infinity"]' rootfs "$pause_image" pause.tar >/dev/null
    mv busybox.tar "$busybox_tar"
    mv pause.tar "$pause_tar"
  )
}

# ---------------------------------------------------------------------------------------------------------------
# PKI: one CA; the API server's serving certificate; a client certificate per component, named the way RBAC's
# bootstrap roles and the Node authorizer expect them.
make_pki() {
  local pki=$dir/pki umask_was
  umask_was=$(umask)
  umask 077 # keys and kubeconfigs: CLUSTER_DIR may be in /tmp
  mkdir -p "$pki"
  openssl ecparam -name prime256v1 -out "$pki/ec.param"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 30 \
    -subj "/CN=kube-exec-cluster-ca" 2>/dev/null
  cert() { # $1 = file name, $2 = subject, $3 = extensions, $4 = key type (RSA where a user's client meets it)
    openssl req -newkey "${4:-ec:$pki/ec.param}" -nodes -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "$2" 2>/dev/null
    printf '%s\n' "$3" > "$pki/$1.ext"
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
      -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
      -out "$pki/$1.crt" -days 30 -extfile "$pki/$1.ext" 2>/dev/null
    rm -f "$pki/$1.csr" "$pki/$1.ext"
  }
  local jobs=() job
  cert apiserver /CN=kube-apiserver "subjectAltName=IP:$service_ip,IP:$node_ip,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,\
DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth" rsa:2048 & jobs+=($!)
  # In parallel: RSA key generation is the slow part of `up` on a busy machine.
  cert admin "/O=system:masters/CN=kubernetes-admin" extendedKeyUsage=clientAuth rsa:2048 & jobs+=($!)
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" extendedKeyUsage=clientAuth \
    & jobs+=($!)
  cert controller-manager /CN=system:kube-controller-manager extendedKeyUsage=clientAuth & jobs+=($!)
  cert scheduler /CN=system:kube-scheduler extendedKeyUsage=clientAuth & jobs+=($!)
  cert kubelet "/O=system:nodes/CN=system:node:$node" extendedKeyUsage=clientAuth & jobs+=($!)
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null & jobs+=($!)
  for job in "${jobs[@]}"; do wait "$job" || die "openssl failed to make the certificates in $pki"; done
  local who
  for who in admin controller-manager scheduler kubelet; do
    cat > "$dir/$who.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $name
  cluster:
    server: https://$node_ip:443
    certificate-authority-data: $(base64 -w0 < "$pki/ca.crt")
users:
- name: $who
  user:
    client-certificate-data: $(base64 -w0 < "$pki/$who.crt")
    client-key-data: $(base64 -w0 < "$pki/$who.key")
contexts:
- name: $name
  context:
    cluster: $name
    user: $who
    namespace: default
current-context: $name
EOF
  done
  mv "$dir/admin.kubeconfig" "$dir/kubeconfig"
  umask "$umask_was"
}

# ---------------------------------------------------------------------------------------------------------------
# Configuration files of containerd, CNI and the kubelet.
write_configs() {
  mkdir -p "$dir/cni/net.d" "$dir/containerd" "$dir/kubelet"
  cat > "$dir/cni/net.d/10-pods.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "$cni_network",
  "plugins": [{
    "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
    "ipam": {"type": "host-local", "ranges": [[{"subnet": "$pod_subnet"}]], "routes": [{"dst": "0.0.0.0/0"}],
             "dataDir": "$dir/cni/ipam"}
  }]
}
EOF
  # Own root, state, socket and runc root: never touches a system containerd, nor another cluster's.
  cat > "$dir/containerd/config.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # Without it every sandbox fails with "can't get final child's PID from pipe: EOF" (runc's log: "failed to
  # update /proc/self/oom_score_adj: Permission denied"); with it, no container asks for less than containerd has.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      Root = "$dir/containerd/runc"
EOF
  if [ "$quota_admission" = gke ]; then
    # As GKE's API server has it: pods of the critical classes outside kube-system need a quota scoped to their class.
    cat > "$dir/admission.yaml" <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: ResourceQuota
    configuration:
      apiVersion: apiserver.config.k8s.io/v1
      kind: ResourceQuotaConfiguration
      limitedResources:
        - resource: pods
          matchScopes:
            - scopeName: PriorityClass
              operator: In
              values: [system-node-critical, system-cluster-critical]
EOF
  fi
  printf '# no DNS server in this cluster\n' > "$dir/kubelet/resolv.conf"
  cat > "$dir/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
# A throw-away test node: anyone who reaches it inside the namespace may use its API. Never do this elsewhere.
authentication:
  anonymous: {enabled: true}
  webhook: {enabled: false}
authorization: {mode: AlwaysAllow}
readOnlyPort: 0
cgroupDriver: cgroupfs
cgroupRoot: $cgroup_root
failSwapOn: false
resolvConf: $dir/kubelet/resolv.conf
volumePluginDir: $dir/kubelet/volume-plugins
# The disk and memory are shared with other work: neither may evict our pods nor delete the imported images.
evictionHard: {memory.available: 50Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
nodeStatusUpdateFrequency: 4s
EOF
}

# ---------------------------------------------------------------------------------------------------------------
# The network namespace and the cgroup root
make_netns() {
  ip netns add "$netns"
  in_ns ip link set lo up
  in_ns ip link add nodebr type bridge
  in_ns ip addr add "$node_ip/24" dev nodebr
  in_ns ip addr add "$service_ip/32" dev nodebr
  in_ns ip link set nodebr up
  [ -n "$apiserver_to_pods" ] || return 0
  local cg2 ports=()
  cg2=$(cgroup2_mount) || die "CLUSTER_APISERVER_TO_PODS needs a cgroup v2 hierarchy (unified or hybrid): found none"
  mkdir -p "$cg2/$apiserver_cgroup"
  [ "$apiserver_to_pods" = none ] || ports=(-m multiport ! --dports "$apiserver_to_pods")
  # The connections the API server opens (--syn: its answers to pods that call it pass). DROP, as a cloud firewall
  # does: the call waits for its timeout, it is not refused.
  in_ns iptables -w -A OUTPUT -p tcp --syn -d "$pod_subnet" -m cgroup --path "$apiserver_cgroup" "${ports[@]}" -j DROP \
    || die "iptables could not add the rule for CLUSTER_APISERVER_TO_PODS (needs the kernel's cgroup match)"
}

cgroup2_mount() { # the cgroup v2 hierarchy: /sys/fs/cgroup/unified on a hybrid host, /sys/fs/cgroup on a v2 one
  local m
  for m in /sys/fs/cgroup/unified /sys/fs/cgroup; do
    [ "$(stat -fc %T "$m" 2>/dev/null)" != cgroup2fs ] || { echo "$m"; return 0; }
  done
  return 1
}

cgroup_hierarchies() { # every hierarchy: the kubelet and runc use each v1 one, and runc the v2 one of a hybrid host
  local m
  for m in /sys/fs/cgroup /sys/fs/cgroup/*; do
    case $(stat -fc %T "$m" 2>/dev/null) in cgroupfs|cgroup2fs) echo "$m" ;; esac
  done
  return 0
}

make_cgroups() {
  local h
  for h in $(cgroup_hierarchies); do
    mkdir -p "$h$cgroup_root"
    if [ -f "$h/cpuset.cpus" ]; then # an empty cpuset admits no task
      cat "$h/cpuset.cpus" > "$h$cgroup_root/cpuset.cpus"
      cat "$h/cpuset.mems" > "$h$cgroup_root/cpuset.mems"
    fi
  done
}

# ---------------------------------------------------------------------------------------------------------------
cmd_up() {
  need_root
  if running; then
    local was # a cluster started before these options existed has no file: the defaults
    was=$(cat "$dir/options" 2>/dev/null || echo "quota-admission=off apiserver-to-pods=all")
    [ "$was" = "$options" ] || die "cluster '$name' runs with $was, not $options: 'tools/cluster.sh down' first"
    say "cluster '$name' already runs"
    echo "$dir/kubeconfig"
    return 0
  fi
  other_owner_check
  if leftovers; then say "cleaning up what an earlier run of '$name' left"; do_down; fi
  apt_install containerd runc containernetworking-plugins iptables openssl
  find_binaries
  SECONDS=0
  build_images
  rm -rf "$logs"
  mkdir -p "$dir" "$logs" "$run"
  registry_add
  trap 'say "up failed; stopping what it started (logs stay in $logs)"; do_down >/dev/null 2>&1 || true' EXIT
  echo "$options" > "$dir/options"
  make_pki
  write_configs
  make_netns
  make_cgroups

  local apiserver=("$bin/kube-apiserver")
  if [ -n "$apiserver_to_pods" ]; then # in its cgroup from the start: a socket keeps the cgroup it was made in
    apiserver=(sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$(cgroup2_mount)/$apiserver_cgroup" "${apiserver[@]}")
  fi
  [ "$quota_admission" != gke ] || apiserver+=(--admission-control-config-file "$dir/admission.yaml")
  say "starting etcd and kube-apiserver ($options)"
  start etcd "$bin/etcd" --name "$name" --data-dir "$dir/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster "$name=http://127.0.0.1:2380" --log-level warn
  start kube-apiserver "${apiserver[@]}" --etcd-servers http://127.0.0.1:2379 \
    --advertise-address "$node_ip" --bind-address 0.0.0.0 --secure-port 443 --insecure-port 0 \
    --cert-dir "$dir/pki" --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
    --client-ca-file "$dir/pki/ca.crt" \
    --kubelet-client-certificate "$dir/pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$dir/pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
    --service-cluster-ip-range "$service_range" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$dir/pki/sa.key" --service-account-signing-key-file "$dir/pki/sa.key" \
    --enable-aggregator-routing=true
  say "starting containerd"
  start containerd containerd --config "$dir/containerd/config.toml"
  wait_for containerd 30 ctr --address "$sock" version
  in_ns ctr --address "$sock" -n k8s.io images import "$pause_tar" >/dev/null
  in_ns ctr --address "$sock" -n k8s.io images import "$busybox_tar" >/dev/null
  # The kubelet takes seconds to initialise and retries its registration by itself: started with the API server.
  # Not so kube-controller-manager: it gives up when the API server is not healthy within 10 s.
  say "starting the kubelet"
  kernel_tunables_save
  start kubelet "$bin/kubelet" --config "$dir/kubelet/config.yaml" --kubeconfig "$dir/kubelet.kubeconfig" \
    --root-dir "$dir/kubelet/root" --cert-dir "$dir/kubelet/pki" \
    --container-runtime remote --container-runtime-endpoint "unix://$sock" \
    --containerd "$sock" \
    --hostname-override "$node" --node-ip "$node_ip"

  wait_for etcd 30 in_ns bash -c 'exec 3<>/dev/tcp/127.0.0.1/2379'
  wait_for kube-apiserver 90 kubectl_ get --raw /readyz

  say "starting kube-controller-manager and kube-scheduler"
  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$dir/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$dir/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$dir/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --port 0 --leader-elect=false --controllers '*' \
    --use-service-account-credentials --service-account-private-key-file "$dir/pki/sa.key" \
    --root-ca-file "$dir/pki/ca.crt" --flex-volume-plugin-dir "$dir/kube-controller-manager/volume-plugins" \
    --cluster-signing-cert-file "$dir/pki/ca.crt" --cluster-signing-key-file "$dir/pki/ca.key"
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$dir/scheduler.kubeconfig" \
    --authentication-kubeconfig "$dir/scheduler.kubeconfig" --authorization-kubeconfig "$dir/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --port 0 --leader-elect=false
  say "waiting for node $node to be Ready"
  wait_for kubelet 120 node_ready
  # Until the tokens controller gave the namespace's `default` ServiceAccount its secret, pods are refused there.
  wait_for kube-controller-manager 60 sa_has_token kube-system
  wait_for kube-controller-manager 60 sa_has_token default
  smoke_test
  trap - EXIT
  say "up; use: tools/cluster.sh exec kubectl get pods -A   (or: tools/cluster.sh shell)"
  echo "$dir/kubeconfig"
}

node_ready() {
  [ "$(kubectl_ get node "$node" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

sa_has_token() { [ -n "$(kubectl_ -n "$1" get serviceaccount default -o 'jsonpath={.secrets[0].name}')" ]; }

# A pod really runs, has its ServiceAccount token, and reaches the API server at the ClusterIP (a TCP connect:
# busybox-static's wget crashes on https).
smoke_test() {
  local phase="" i s
  kubectl_ -n kube-system apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: cluster-smoke-test}
spec:
  restartPolicy: Never
  dnsPolicy: Default
  containers:
  - name: check
    image: $busybox_image
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'test -s /var/run/secrets/kubernetes.io/serviceaccount/token
      && nc -w 5 \$KUBERNETES_SERVICE_HOST \$KUBERNETES_SERVICE_PORT </dev/null']
EOF
  for ((i = 0; i < 120; i++)); do
    phase=$(kubectl_ -n kube-system get pod cluster-smoke-test -o 'jsonpath={.status.phase}' 2>/dev/null || true)
    case $phase in Succeeded|Failed) break ;; esac
    for s in $started; do
      pid_of "$s" >/dev/null || { log_tail "$s"; die "$s exited; see $logs/$s.log"; }
    done
    sleep 0.5
  done
  if [ "$phase" != Succeeded ]; then
    kubectl_ -n kube-system describe pod cluster-smoke-test >&2 || true
    kubectl_ -n kube-system logs cluster-smoke-test >&2 || true
    log_tail kubelet
    die "the smoke-test pod did not succeed (phase '${phase:-none}'); see $logs/kubelet.log and $logs/containerd.log"
  fi
  kubectl_ -n kube-system delete pod cluster-smoke-test --wait=true --timeout=60s >/dev/null
}

# ---------------------------------------------------------------------------------------------------------------
# down: processes first (workloads, then the node, then the control plane), then mounts, namespaces, cgroups, files.
do_down() {
  local pid netns_list="" f i
  # Best effort: a step that fails (the ERR trap names it) must not leave the later ones undone; what is left
  # over is checked at the end.
  set +e
  say "stopping the kubelet, kube-scheduler and kube-controller-manager"
  stop_component kubelet 15
  stop_component kube-scheduler 10
  stop_component kube-controller-manager 10

  # The pods' network namespaces: named in our containerd's task bundles and its metadata (the sandboxes' specs).
  if [ -d "$dir/containerd" ]; then
    netns_list=$(grep -rhoa '/var/run/netns/cni-[0-9a-f-]*' "$dir/containerd/state" \
      "$dir/containerd/root/io.containerd.metadata.v1.bolt" 2>/dev/null || true)
  fi
  say "stopping the pods"
  kill_cgroup_tree
  if pid_of containerd >/dev/null && [ -S "$sock" ]; then
    # Deleting the tasks lets each shim clean up (its socket under /run/containerd/s) and exit by itself.
    local deletes=()
    for i in $(timeout 20 ctr --address "$sock" -n k8s.io tasks ls -q 2>/dev/null || true); do
      timeout 20 ctr --address "$sock" -n k8s.io tasks delete -f "$i" >/dev/null 2>&1 &
      deletes+=($!)
    done
    # Only these: when a failed `up` cleans up, the components are this shell's children too.
    [ ${#deletes[@]} -eq 0 ] || wait "${deletes[@]}" || true
  fi
  say "stopping containerd, kube-apiserver and etcd"
  stop_component containerd 15
  kill_shims
  stop_component kube-apiserver 20
  stop_component etcd 15
  say "removing mounts, network namespaces, cgroups and files"

  unmount_under "$dir"
  for f in $(printf '%s\n' "$netns_list" | sort -u); do
    umount "$f" 2>/dev/null || true
    rm -f "$f"
  done
  if [ -e "$netns_path" ]; then ip netns del "$netns" 2>/dev/null || { umount "$netns_path" 2>/dev/null; rm -f "$netns_path"; }; fi
  remove_cgroups
  remove_pod_logs
  remove_cni_cache
  registry_remove

  set -e
  local left=() c h
  for c in $components; do if pid=$(pid_of "$c"); then left+=("$c (pid $pid)"); fi; done
  [ ! -e "$netns_path" ] || left+=("network namespace $netns")
  for h in $(cgroup_hierarchies); do [ ! -d "$h$cgroup_root" ] || left+=("cgroup $h$cgroup_root"); done
  h=$(cgroup2_mount) && [ -d "$h/$apiserver_cgroup" ] && left+=("cgroup $h/$apiserver_cgroup")
  if [ -n "$(mounts_under "$dir")" ]; then
    left+=("mounts under $dir: $(mounts_under "$dir" | head -n 3 | tr '\n' ' ')")
  elif [ -d "$dir" ]; then
    find "$dir" -mindepth 1 -maxdepth 1 ! -name logs ! -name .lock -exec rm -rf --one-file-system {} +
  fi
  [ ${#left[@]} -eq 0 ] || die "left behind: $(printf '%s; ' "${left[@]}")run 'tools/cluster.sh down' again"
}

kill_cgroup_tree() { # SIGKILL whatever runs in our cgroups: the pods' processes, nothing else is there
  local h procs i
  # runc puts a container in every hierarchy, so one holds them all: the first one found of these.
  for h in /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/unified /sys/fs/cgroup ""; do
    [ -n "$h" ] || return 0
    [ -d "$h$cgroup_root" ] && break
  done
  for ((i = 0; i < 50; i++)); do
    # `|| true`: find fails when a cgroup vanishes under it, which is the point
    procs=$(find "$h$cgroup_root" -name cgroup.procs -exec cat {} + 2>/dev/null | tr '\n' ' ' || true)
    [ -n "${procs// /}" ] || return 0
    kill -KILL $procs 2>/dev/null || true
    sleep 0.1
  done
  say "processes remain in $h$cgroup_root: $procs"
}

kill_shims() { # shims whose containerd was ours: their command line names our socket
  local pid sockets f
  sockets=$(cat "$dir"/containerd/state/io.containerd.runtime.v2.task/*/*/address 2>/dev/null | sed 's|^unix://||' || true)
  for pid in $(pgrep -f -- "-address $sock" || true); do
    [ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" = containerd-shim-runc-v2 ] || continue
    stop_pid "$pid" containerd-shim-runc-v2 5
  done
  for f in $sockets; do rm -f "$f"; done
}

mounts_under() { findmnt -rn -o TARGET | grep -F "$1/" || true; }

unmount_under() { # deepest first
  local m i
  for ((i = 0; i < 3; i++)); do
    for m in $(mounts_under "$1" | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-); do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    [ -n "$(mounts_under "$1")" ] || return 0
  done
}

remove_cgroups() {
  local h i cg2
  if cg2=$(cgroup2_mount) && [ -d "$cg2/$apiserver_cgroup" ]; then
    rmdir "$cg2/$apiserver_cgroup" 2>/dev/null || say "could not remove cgroup $cg2/$apiserver_cgroup"
  fi
  for h in $(cgroup_hierarchies); do
    [ -d "$h$cgroup_root" ] || continue
    for ((i = 0; i < 50; i++)); do
      find "$h$cgroup_root" -depth -type d -print0 | xargs -0 rmdir 2>/dev/null || true
      [ -d "$h$cgroup_root" ] || break
      sleep 0.1
    done
    [ ! -d "$h$cgroup_root" ] || say "could not remove cgroup $h$cgroup_root"
  done
}

# The kubelet keeps pod logs in /var/log/pods/NAMESPACE_POD_UID whatever its root dir, and removes those of deleted
# pods only a minute or so later. Ours: the pods our kubelet still knows, and every sandbox our containerd started.
remove_pod_logs() {
  local uid d dirs=""
  if [ -d "$dir/kubelet/root/pods" ]; then
    for uid in $(ls "$dir/kubelet/root/pods"); do dirs+=" $(echo /var/log/pods/*_"$uid")"; done
  fi
  if [ -f "$logs/containerd.log" ]; then
    dirs+=" $(grep -o 'RunPodSandbox for &PodSandboxMetadata{Name:[^,]*,Uid:[^,]*,Namespace:[^,]*' "$logs/containerd.log" \
      | sed 's/.*{Name:\([^,]*\),Uid:\([^,]*\),Namespace:\(.*\)/\/var\/log\/pods\/\3_\1_\2/' | sort -u | tr '\n' ' ' || true)"
  fi
  for d in $dirs; do
    [ -d "$d" ] || continue
    find /var/log/containers -maxdepth 1 -lname "$d/*" -delete 2>/dev/null || true
    rm -rf "$d"
  done
}

remove_cni_cache() { # libcni caches each attachment under /var/lib/cni/results, keyed by network and sandbox
  local f sandbox
  for f in /var/lib/cni/results/"$cni_network"-*; do
    [ -e "$f" ] || continue
    sandbox=${f#/var/lib/cni/results/"$cni_network"-}
    sandbox=${sandbox%-*}
    rm -f "$f" /var/lib/cni/results/cni-loopback-"$sandbox"-lo
  done
}

# ---------------------------------------------------------------------------------------------------------------
# Which clusters run, what the first one found on the machine, and what the last one to stop restores.
# Directories outside CLUSTER_DIR that the kubelet, containerd, libcni and `ip netns` create whatever they are told
# (the pod log directories, the device-plugin socket, libcni's cache, the shims' sockets, the namespaces' mount
# point). Ours to remove when we created them.
host_dirs="/var/log/pods /var/log/containers /var/lib/kubelet /var/lib/cni /run/containerd /run/netns"

registry_add() {
  local d
  if [ ! -d "$registry" ]; then
    mkdir -p "$registry"
    for d in $host_dirs; do [ -e "$d" ] || echo "$d"; done > "$registry/host-dirs"
  fi
  echo "$dir" > "$registry/$name"
}
registry_remove() {
  local d
  rm -f "$registry/$name"
  [ -d "$registry" ] || return 0
  [ -z "$(ls "$registry" | grep -vx -e kernel-tunables -e host-dirs || true)" ] || return 0
  kernel_tunables_restore
  while read -r d; do
    [ -d "$d" ] || continue
    [ "$d" != /var/lib/kubelet ] || rm -f "$d/device-plugins/kubelet.sock" "$d/device-plugins/DEPRECATION"
    if [ "$d" = /run/netns ] && [ -z "$(ls -A "$d")" ]; then # `ip netns add` bind-mounts it onto itself
      while mountpoint -q "$d"; do umount "$d" || break; done
    fi
    find "$d" -depth -type d -empty -delete 2>/dev/null || true
    [ ! -e "$d" ] || say "$d was not there before the first cluster started, and is not empty now; left it"
  done < "$registry/host-dirs"
  rm -rf "$registry"
}
kernel_tunables_save() {
  local t
  [ ! -f "$registry/kernel-tunables" ] || return 0 # another cluster saved the machine's own values already
  for t in $kernel_tunables; do echo "$t $(cat "/proc/sys/$t")"; done > "$registry/kernel-tunables"
}
kernel_tunables_restore() {
  local t v
  [ -f "$registry/kernel-tunables" ] || return 0
  while read -r t v; do echo "$v" > "/proc/sys/$t" 2>/dev/null || say "could not restore /proc/sys/$t to $v"; done \
    < "$registry/kernel-tunables"
}

other_owner_check() {
  local owner
  owner=$(cat "$registry/$name" 2>/dev/null || true)
  if [ -n "$owner" ] && [ "$owner" != "$dir" ]; then
    die "a cluster named '$name' runs from $owner; stop it (CLUSTER_DIR=$owner tools/cluster.sh down) or pick another CLUSTER_NAME"
  fi
  if [ -z "$owner" ] && [ -e "$netns_path" ]; then
    die "network namespace '$netns' exists and is not this script's; pick another CLUSTER_NAME"
  fi
}

running() {
  local c
  [ -e "$netns_path" ] || return 1
  for c in $components; do pid_of "$c" >/dev/null || return 1; done
}

leftovers() {
  local c
  [ -e "$netns_path" ] && [ "$(cat "$registry/$name" 2>/dev/null)" = "$dir" ] && return 0
  for c in $components; do [ -f "$run/$c.pid" ] && return 0; done
  [ -d "$dir/containerd" ] || [ -d "$dir/kubelet" ]
}

# ---------------------------------------------------------------------------------------------------------------
cmd_down() {
  need_root
  SECONDS=0
  other_owner_check
  do_down
  say "down (logs stay in $logs)"
}

cmd_status() {
  local c pid ok=0 ready
  if [ -e "$netns_path" ]; then echo "network namespace $netns: present"; else echo "network namespace $netns: absent"; ok=1; fi
  for c in $components; do
    if pid=$(pid_of "$c"); then echo "$c: running (pid $pid)"; else echo "$c: not running"; ok=1; fi
  done
  if [ $ok = 0 ]; then
    ready=$(kubectl_ get node "$node" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
    echo "node $node: Ready=${ready:-unknown}"
    echo "kubeconfig: $dir/kubeconfig"
  fi
  exit $ok # not `return`: a function failing on purpose would set off the ERR trap
}

enter() { # $@ = command; replaces this process. Needs only the namespace, to look into a half-broken cluster too.
  [ -e "$netns_path" ] && [ "$(cat "$registry/$name" 2>/dev/null)" = "$dir" ] \
    || die "cluster '$name' is not running (tools/cluster.sh up)"
  exec nsenter --net="$netns_path" env KUBECONFIG="$dir/kubeconfig" PATH="$repo/bin:$PATH" \
    CONTAINERD_ADDRESS="$sock" CONTAINERD_NAMESPACE=k8s.io KUBE_EXEC_CLUSTER="$name" "$@"
}

cmd_shell() {
  local rc=$dir/shellrc
  printf '[ -f ~/.bashrc ] && . ~/.bashrc\nPS1="(cluster %s) $PS1"\necho "kubectl, kubectl pi and ctr talk to cluster %s; exit leaves."\n' \
    "$name" "$name" > "$rc"
  enter bash --rcfile "$rc" -i
}

cmd_import() {
  local f=${1:?usage: tools/cluster.sh import IMAGE.tar}
  [ -f "$f" ] || die "$f: no such file"
  pid_of containerd >/dev/null || die "cluster '$name' is not running (its containerd is not)"
  local out ref full
  out=$(ctr --address "$sock" -n k8s.io images import "$f") || die "ctr could not import $f"
  printf '%s\n' "$out" >&2
  # The kubelet asks for "name:tag" as "docker.io/library/name:tag" (what a pull would normalise it to), so a
  # short name gets that tag too. Prints each name the image answers to.
  for ref in $(sed -n 's/^unpacking \([^ ]*\) (.*/\1/p' <<<"$out"); do
    echo "$ref"
    if [[ $ref == */* ]]; then
      case ${ref%%/*} in
        *.*|*:*|localhost) continue ;; # already names a registry
      esac
      full=docker.io/$ref
    else
      full=docker.io/library/$ref
    fi
    ctr --address "$sock" -n k8s.io images tag --force "$ref" "$full" >/dev/null || die "cannot tag $ref as $full"
    echo "$full"
  done
}

with_lock() { # one up/down at a time per cluster
  mkdir -p "$dir"
  exec 9>"$dir/.lock"
  flock -w 600 9 || die "another up/down of '$name' holds $dir/.lock"
  "$@"
}

case ${1:-} in
  up) other_owner_check; with_lock cmd_up ;; # checked before the lock: it creates CLUSTER_DIR
  down) if [ -d "$dir" ] || [ -e "$registry/$name" ]; then with_lock cmd_down; else say "cluster '$name' is not running"; fi ;;
  status) cmd_status ;;
  exec) shift; [ $# -gt 0 ] || die "usage: tools/cluster.sh exec CMD [ARGS...]"; enter "$@" ;;
  shell) cmd_shell ;;
  import) shift; cmd_import "$@" ;;
  *) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
