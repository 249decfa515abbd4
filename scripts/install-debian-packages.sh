#!/usr/bin/env bash
# Installs the Debian packages the dev cluster and its tests need, and only
# those missing: as root with apt-get; as another user through sudo (for the
# apt-get commands only); without root or sudo it stops and says how to go on.
# Safe to run again: with everything installed it changes nothing.
set -euo pipefail

# ip/bridge, iptables, ping, the CNI reference plugins (/usr/lib/cni), openssl
# (the test PKI), sysctl, setpriv/flock.
packages=(iproute2 iptables iputils-ping containernetworking-plugins openssl ca-certificates procps util-linux)

log() { echo "[setup] $*" >&2; }

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  log "no dpkg-query/apt-get here: this setup knows Debian (and Ubuntu) only."
  log "Install the equivalents of these Debian packages yourself: ${packages[*]}"
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  # dpkg -s succeeds for removed-but-configured packages too; check the status itself.
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done
if (( ${#missing[@]} == 0 )); then
  log "Debian packages present: ${packages[*]}"
  exit 0
fi

if [[ "$(id -u)" == 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
  log "not root: installing the Debian packages through sudo (it may ask for your password)"
else
  log "missing Debian packages: ${missing[*]}"
  log "Installing them needs root, and sudo is not installed. Either run the setup as root"
  log "(su -c 'npm run setup' or, as root, bash scripts/setup.sh), or install them as root first:"
  log "  su -c 'apt-get update && apt-get install -y ${missing[*]}'"
  exit 1
fi

log "installing: ${missing[*]}"
apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
if ! "${apt[@]}" update -qq >&2 || ! "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2; then
  log "apt-get failed (see above); install these packages and run the setup again: ${missing[*]}"
  exit 1
fi
log "installed: ${missing[*]}"
