#!/usr/bin/env bash
# Installs what the e2e tests need: Debian packages (iproute2, iptables, the CNI
# reference plugins, openssl) and kube-apiserver/kubectl/etcd built from the Go
# modules (scripts/build-k8s-binaries.sh, cached). Safe to run again: installed
# packages and cached binaries are left alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

packages=(iproute2 iptables iputils-ping containernetworking-plugins openssl ca-certificates)
missing=()
for p in "${packages[@]}"; do
  # dpkg -s succeeds for removed-but-configured packages too; check the status line.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if (( ${#missing[@]} > 0 )); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "[install-test-deps] missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "[install-test-deps] installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "[install-test-deps] Debian packages present: ${packages[*]}" >&2
fi

# The plugins must be where the tests look for them.
[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] \
  || { echo "[install-test-deps] /usr/lib/cni/bridge or host-local missing after install" >&2; exit 1; }

"$here/build-k8s-binaries.sh" >/dev/null
