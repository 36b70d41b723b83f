#!/bin/sh
# Generates the demo's TLS material with nothing but openssl: a throw-away CA and a serving certificate
# for the webhook Service, written as certs/{ca.crt,tls.crt,tls.key} next to this script (or into DIR).
# kustomization.yaml turns them into the Secret kube-exec-controller-tls and copies ca.crt into the
# webhook configuration's caBundle.
#
# Portable on purpose: POSIX sh and openssl only (OpenSSL 1.1+/3.x or LibreSSL, so Linux, macOS, WSL and
# Git Bash on Windows); no downloaded binaries, no cluster CSR API, no -addext, no -subj (Git Bash
# rewrites arguments that start with '/'). Everything the certificates need is in a config file.
#
# Usage: gen-certs.sh [--force] [DIR]
#   Reuses a valid certificate (more than 30 days left, same DNS names) unless --force is given.
#   SERVICE and NAMESPACE (environment) name the webhook Service; both default to kube-exec-controller.
set -eu

force=false
if [ "${1:-}" = "--force" ]; then force=true; shift; fi
dir=${1:-"$(cd "$(dirname "$0")" && pwd)/certs"}
service=${SERVICE:-kube-exec-controller}
namespace=${NAMESPACE:-kube-exec-controller}
days=${DAYS:-365}

command -v openssl >/dev/null 2>&1 || { echo "gen-certs: openssl is required" >&2; exit 1; }
mkdir -p "$dir"
umask 077

# The API server calls the Service as <service>.<namespace>.svc; the other names cover other clients.
dns1="$service"
dns2="$service.$namespace"
dns3="$service.$namespace.svc"
dns4="$service.$namespace.svc.cluster.local"

if ! $force && [ -f "$dir/ca.crt" ] && [ -f "$dir/tls.crt" ] && [ -f "$dir/tls.key" ] \
   && openssl x509 -in "$dir/tls.crt" -noout -checkend 2592000 >/dev/null 2>&1 \
   && openssl x509 -in "$dir/tls.crt" -noout -text 2>/dev/null | grep -q "DNS:$dns3"; then
  echo "gen-certs: reusing the certificate in $dir (valid for 30 days or more)"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/gen-certs.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

cat > "$work/openssl.cnf" <<CNF
[ req ]
prompt             = no
distinguished_name = dn
[ dn ]
CN = $dns3
O  = kube-exec-controller demo
[ ca_dn ]
CN = kube-exec-controller demo CA
[ v3_ca ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ v3_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:$dns1, DNS:$dns2, DNS:$dns3, DNS:$dns4
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
CNF
# A second config whose distinguished name is the CA's.
sed -e 's/^distinguished_name = dn$/distinguished_name = ca_dn/' "$work/openssl.cnf" > "$work/ca.cnf"

# 1. The CA: a self-signed certificate; its key never leaves the scratch directory.
openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days "$days" \
  -config "$work/ca.cnf" -extensions v3_ca \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
# 2. The serving key (PKCS#8 with OpenSSL 1.1+, 3.x and LibreSSL) and its signing request.
openssl req -new -newkey rsa:2048 -nodes -sha256 \
  -config "$work/openssl.cnf" \
  -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
# 3. The serving certificate, signed by the CA, with the Service's DNS names.
serial="0x$(openssl rand -hex 16)"
openssl x509 -req -sha256 -days "$days" -in "$work/tls.csr" \
  -CA "$work/ca.crt" -CAkey "$work/ca.key" -set_serial "$serial" \
  -extfile "$work/openssl.cnf" -extensions v3_server -out "$work/tls.crt" 2>/dev/null

openssl verify -CAfile "$work/ca.crt" "$work/tls.crt" >/dev/null
cp "$work/ca.crt" "$work/tls.crt" "$work/tls.key" "$dir/"
echo "gen-certs: wrote ca.crt, tls.crt and tls.key for $dns3 into $dir"
