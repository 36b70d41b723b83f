#!/bin/bash
# Starts a throw-away real control plane (etcd + kube-apiserver v1.20.2) for the sandbox and the benchmarks,
# and trying kubectl pi by hand. Writes a kubeconfig like kind/kubeadm ones: embedded CA, RSA-2048 client certificate.
#   tools/control-plane.sh start DIR   -> prints the kubeconfig path; processes keep running, pids in DIR
#   tools/control-plane.sh stop DIR
# The binaries come from tools/kube-api-test-dir.sh (KUBE_API_TEST_DIR), the same ones the tests use.
set -euo pipefail
cmd=${1:?usage: control-plane.sh start|stop DIR}
dir=${2:?usage: control-plane.sh start|stop DIR}
here=$(cd "$(dirname "$0")" && pwd)

exited() { # $1 = pid: gone, or a zombie nobody has reaped yet
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 0
  [ "$state" = Z ]
}

# Returns once the processes are gone, so the caller may delete DIR or start another control plane at once:
# 15 s after SIGTERM, then SIGKILL.
stop() {
  local name pid i
  for name in kube-apiserver etcd; do
    [ -f "$dir/$name.pid" ] || continue
    pid=$(cat "$dir/$name.pid")
    rm -f "$dir/$name.pid"
    [ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null)")" = "$name" ] || continue # a recycled pid is not ours
    kill -TERM "$pid" 2>/dev/null || continue
    for ((i = 0; i < 150; i++)); do exited "$pid" && break; sleep 0.1; done
    if ! exited "$pid"; then
      echo "control-plane.sh: $name (pid $pid) still runs 15 s after SIGTERM; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do exited "$pid" && break; sleep 0.1; done
    fi
  done
}

if [ "$cmd" = stop ]; then stop; exit 0; fi

root=${KUBE_API_TEST_DIR:-$("$here/kube-api-test-dir.sh")}
bin="$root/k8s/1.20.2-linux-amd64"
[ -x "$bin/kube-apiserver" ] || { echo "no kube-apiserver under $bin (run tools/kube-api-test-dir.sh)" >&2; exit 1; }
mkdir -p "$dir/pki" "$dir/etcd"
pki="$dir/pki"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [ ! -f "$pki/client.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 30 \
    -subj "/CN=local-ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$pki/server.key" -out "$pki/server.csr" -subj "/CN=kube-apiserver" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes\nextendedKeyUsage=serverAuth\n' > "$pki/server.ext"
  openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -out "$pki/server.crt" -days 30 -extfile "$pki/server.ext" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$pki/client.key" -out "$pki/client.csr" \
    -subj "/O=system:masters/CN=admin" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > "$pki/client.ext"
  openssl x509 -req -in "$pki/client.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -out "$pki/client.crt" -days 30 -extfile "$pki/client.ext" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
fi

etcd_port=$(free_port); peer_port=$(free_port); api_port=$(free_port)
"$bin/etcd" --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
  --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$peer_port" \
  >"$dir/etcd.log" 2>&1 &
echo $! > "$dir/etcd.pid"
"$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" --bind-address 127.0.0.1 \
  --secure-port "$api_port" --insecure-port 0 --tls-cert-file "$pki/server.crt" --tls-private-key-file "$pki/server.key" \
  --client-ca-file "$pki/ca.crt" --authorization-mode RBAC --service-cluster-ip-range 10.0.0.0/24 \
  --service-account-issuer https://localhost --service-account-key-file "$pki/sa.key" \
  --service-account-signing-key-file "$pki/sa.key" --disable-admission-plugins ServiceAccount \
  --cert-dir "$dir/pki" >"$dir/kube-apiserver.log" 2>&1 &
echo $! > "$dir/kube-apiserver.pid"

b64() { base64 -w0 < "$1"; }
cat > "$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority-data: $(b64 "$pki/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$pki/client.crt")
    client-key-data: $(b64 "$pki/client.key")
contexts:
- name: local
  context:
    cluster: local
    user: admin
    namespace: default
current-context: local
EOF

for _ in $(seq 1 120); do
  if kubectl --kubeconfig "$dir/kubeconfig" get --raw /readyz >/dev/null 2>&1; then
    echo "$dir/kubeconfig"; exit 0
  fi
  sleep 0.5
done
echo "kube-apiserver did not become ready; see $dir/kube-apiserver.log" >&2
stop
exit 1
