#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd from the upstream Go modules (through
# the Go module proxy) into a cache keyed by version, and prints where they are.
#
#   scripts/build-k8s-binaries.sh            build what is missing, print NAME=value lines
#   scripts/build-k8s-binaries.sh --paths    print the NAME=value lines only (no build)
#
# A binary given by KUBE_APISERVER_BIN / KUBECTL_BIN / ETCD_BIN is used as is.
# Progress goes to stderr; stdout carries only the NAME=value lines, which
# devcluster/binaries.ts reads.
# Idempotent: a cached binary is reused. A build runs in a temp dir and each
# binary is renamed into place only when complete, so an interrupted build is
# never taken as done. Concurrent runs wait for each other (flock).
set -euo pipefail

# Pinned releases. k8s.io/kubernetes' staging modules are published as v0.<minor>.<patch>.
K8S_VERSION="${PLEXUS_K8S_VERSION:-v1.35.4}"
ETCD_VERSION="${PLEXUS_ETCD_VERSION:-v3.6.16}"

CACHE_ROOT="${PLEXUS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/plexus}"
BIN_ROOT="$CACHE_ROOT/bin"

apiserver_path="$BIN_ROOT/kube-apiserver-$K8S_VERSION/kube-apiserver"
kubectl_path="$BIN_ROOT/kubectl-$K8S_VERSION/kubectl"
etcd_path="$BIN_ROOT/etcd-$ETCD_VERSION/etcd"

print_paths() {
  echo "KUBE_APISERVER_BIN=${KUBE_APISERVER_BIN:-$apiserver_path}"
  echo "KUBECTL_BIN=${KUBECTL_BIN:-$kubectl_path}"
  echo "ETCD_BIN=${ETCD_BIN:-$etcd_path}"
  echo "K8S_VERSION=$K8S_VERSION"
  echo "ETCD_VERSION=$ETCD_VERSION"
}

if [[ "${1:-}" == "--paths" ]]; then
  print_paths
  exit 0
fi

log() { echo "[build-k8s-binaries] $*" >&2; }

compute_needs() {
  need_apiserver=0; need_kubectl=0; need_etcd=0
  [[ -z "${KUBE_APISERVER_BIN:-}" && ! -x "$apiserver_path" ]] && need_apiserver=1
  [[ -z "${KUBECTL_BIN:-}" && ! -x "$kubectl_path" ]] && need_kubectl=1
  [[ -z "${ETCD_BIN:-}" && ! -x "$etcd_path" ]] && need_etcd=1
  return 0
}
all_present() {
  compute_needs
  if (( need_apiserver + need_kubectl + need_etcd == 0 )); then
    log "nothing to build: kube-apiserver/kubectl $K8S_VERSION, etcd $ETCD_VERSION given by *_BIN or cached under $BIN_ROOT"
    print_paths
    return 0
  fi
  return 1
}

all_present && exit 0

command -v go >/dev/null || { log "go is not installed; install Go or set KUBE_APISERVER_BIN, KUBECTL_BIN and ETCD_BIN"; exit 1; }

mkdir -p "$BIN_ROOT"
# One build at a time per cache; whoever waited re-checks what is still missing.
exec 9>"$BIN_ROOT/.lock"
if ! flock -n 9; then
  log "another build holds $BIN_ROOT/.lock; waiting for it"
  flock 9
fi
all_present && exit 0
# Holding the lock, nothing else is building: temp dirs left by an interrupted build can go.
rm -rf "$BIN_ROOT"/.build.*

# Use the installed toolchain; never fetch another one. GOMODCACHE/GOCACHE stay
# at their defaults so later builds (and other projects) reuse them.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
work="$(mktemp -d "$BIN_ROOT/.build.XXXXXX")"
# shellcheck source=lib/go-progress.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-progress.sh"
cleanup() {
  stop_ticker
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

go_build() {
  local label="$1"; shift
  run_go "$label" go build -v -p "${PLEXUS_BUILD_JOBS:-2}" -trimpath "$@"
}

# Puts a finished binary at its cache path atomically: a complete dir is renamed into place.
install_atomic() {
  local built="$1" dest="$2"
  local dir; dir="$(dirname "$dest")"
  local staged="$work/install-$(basename "$dir")"
  mkdir -p "$staged"
  cp "$built" "$staged/$(basename "$dest")"
  chmod 0755 "$staged" "$staged/$(basename "$dest")"
  rm -rf "$dir"
  mv "$staged" "$dir"
  log "installed $dest"
}

if (( need_apiserver + need_kubectl > 0 )); then
  minor_patch="${K8S_VERSION#v1.}"          # 35.4
  staging_version="v0.$minor_patch"           # v0.35.4
  k8s_mod="$work/k8s-module"
  mkdir -p "$k8s_mod"
  log "kubernetes $K8S_VERSION: fetching k8s.io/kubernetes through the Go module proxy (large, first time only)"
  (cd "$k8s_mod" && go mod init plexus-k8s-build >/dev/null 2>&1)
  if ! dl_json=$(cd "$k8s_mod" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" 2>&1); then
    log "could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy:"
    echo "$dl_json" >&2
    exit 1
  fi
  gomod_file=$(echo "$dl_json" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  [[ -f "$gomod_file" ]] || { log "no go.mod for k8s.io/kubernetes@$K8S_VERSION in: $dl_json"; exit 1; }
  # k8s.io/kubernetes' go.mod points its staging modules at ./staging/...; a module
  # that depends on it must replace each with the published release instead.
  mapfile -t staging < <(sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$gomod_file" | sort -u)
  (( ${#staging[@]} > 0 )) || { log "no staging modules found in $gomod_file"; exit 1; }
  log "kubernetes $K8S_VERSION: replacing ${#staging[@]} staging modules with $staging_version"
  {
    echo "module plexus-k8s-build"
    echo
    echo "go $(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/')"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    for m in "${staging[@]}"; do echo "	$m => $m $staging_version"; done
    echo ")"
  } >"$k8s_mod/go.mod"
  # Version stamps, as the upstream build sets them (kubectl version, /version, skew checks).
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags="$ldflags -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor_patch%%.*} -X $pkg.gitTreeState=clean"
  done
  mkdir -p "$work/out"
  if (( need_apiserver )); then
    log "building kube-apiserver $K8S_VERSION (the first build takes 10-25 min on 2 cores)"
    (cd "$k8s_mod" && go_build kube-apiserver -ldflags "$ldflags" -o "$work/out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
    install_atomic "$work/out/kube-apiserver" "$apiserver_path"
  fi
  if (( need_kubectl )); then
    log "building kubectl $K8S_VERSION"
    (cd "$k8s_mod" && go_build kubectl -ldflags "$ldflags" -o "$work/out/kubectl" k8s.io/kubernetes/cmd/kubectl)
    install_atomic "$work/out/kubectl" "$kubectl_path"
  fi
fi

if (( need_etcd )); then
  etcd_mod="$work/etcd-module"
  mkdir -p "$etcd_mod" "$work/out"
  log "building etcd $ETCD_VERSION from go.etcd.io/etcd/server/v3"
  (cd "$etcd_mod" && go mod init plexus-etcd-build >/dev/null 2>&1 \
    && run_go etcd-fetch go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" \
    && go_build etcd -ldflags "-s -w" -o "$work/out/etcd" go.etcd.io/etcd/server/v3)
  install_atomic "$work/out/etcd" "$etcd_path"
fi

log "done in $(elapsed)"
print_paths
