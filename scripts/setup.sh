#!/usr/bin/env bash
# `npm run setup`: prepares a Debian machine for the dev cluster and the tests.
# Idempotent, and fast once done (everything is checked, then reused):
#   1. Debian packages (install-debian-packages.sh: as root, or through sudo);
#   2. kube-apiserver, kubectl and etcd built from the Go modules, cached
#      (build-k8s-binaries.sh; KUBE_APISERVER_BIN / KUBECTL_BIN / ETCD_BIN win);
#   3. the CNI reference plugins v1.9.x built from the Go module proxy, cached
#      (build-go.sh cni-plugins; CNI_PLUGINS_DIR wins).
# The builds run as the calling user into ${PLEXUS_CACHE_DIR:-~/.cache/plexus};
# only apt-get ever runs through sudo. Stdout: where the binaries are (NAME=value).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[setup] $*" >&2; }
fail() { log "$*"; exit 1; }

GO_MIN_MINOR=26 # etcd v3.6.16's go.mod asks for go 1.26.0, and GOTOOLCHAIN=local fetches no other

"$BASH" "$here/install-debian-packages.sh"

# Go is needed unless every binary is given.
if [[ -z "${KUBE_APISERVER_BIN:-}" || -z "${KUBECTL_BIN:-}" || -z "${ETCD_BIN:-}" || -z "${CNI_PLUGINS_DIR:-}" ]]; then
  command -v go >/dev/null || fail "Go is not on PATH. Install Go 1.$GO_MIN_MINOR or later from https://go.dev/dl" \
    "(Debian's golang-go is too old), or set KUBE_APISERVER_BIN, KUBECTL_BIN, ETCD_BIN and CNI_PLUGINS_DIR."
  go_version="$(GOTOOLCHAIN=local go env GOVERSION)"
  minor="$(echo "$go_version" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  [[ -n "$minor" && "$minor" -ge $GO_MIN_MINOR ]] \
    || fail "$go_version found; the builds need Go 1.$GO_MIN_MINOR or later: install it from https://go.dev/dl"
fi

"$BASH" "$here/build-k8s-binaries.sh"
"$BASH" "$here/build-go.sh" cni-plugins

if [[ "$(id -u)" == 0 ]]; then
  log "done. Next: npm run dev (the main job, as root), npm test (unit and e2e tests)"
else
  log "done. The e2e tests need root (network namespaces): run npm test as root,"
  log "or PLEXUS_SKIP_E2E=1 npm test for the rest; npx plexus validate examples needs no root"
fi
