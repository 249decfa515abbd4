#!/usr/bin/env bash
# Builds Go programs into a cache keyed by their sources and the Go version, and
# prints where they are. Two kinds of source:
#   - a module directory of ours (node-plugin/shim/, devcluster/go/<tool>/,
#     bench/go/<tool>/: each with its own go.mod and go.sum), keyed by the
#     content of every file under it;
#   - an upstream module at a pinned version, fetched through the Go module
#     proxy and built in its own module root (its go.mod and go.sum decide the
#     dependencies, as upstream's own build does), keyed by module@version.
#
#   scripts/build-go.sh [--paths] [--ldflags FLAGS] NAME DIR|MODULE@VERSION [PACKAGE...]
#   scripts/build-go.sh [--paths] cni-plugins
#
# NAME (a-z, 0-9, -) names the cache dir and the variables printed. PACKAGEs are
# relative to the module root; the default "." builds one binary called NAME,
# anything else puts every main package's binary in the dir under its own name.
# Presets: cni-plugins = the CNI reference plugins (plugins/main, ipam, meta) of
# github.com/containernetworking/plugins ${PLEXUS_CNI_PLUGINS_VERSION:-v1.9.1}.
#
# Stdout carries only NAME=value lines (VAR = NAME upper-cased, - as _):
#   VAR_DIR=<dir of the binaries>   VAR_BIN=<dir>/NAME (one-binary builds only)
#   VAR_FROM=env|cache|built        (--paths: env|cache|missing; --paths never builds)
# VAR_DIR or VAR_BIN set in the environment is used as is (for binaries you have).
# Progress goes to stderr. Idempotent: a cached build is reused; a build runs in
# a temp dir renamed into place only when complete; concurrent runs for the same
# NAME wait for each other (flock). Dirs of NAME unused for 14 days are removed.
# Exit status: 0 done, 1 the build (or download) failed, 2 bad arguments.
set -euo pipefail

RECIPE=1 # bump to rebuild everything when the way of building changes
CNI_PLUGINS_VERSION="${PLEXUS_CNI_PLUGINS_VERSION:-v1.9.1}"
CACHE_ROOT="${PLEXUS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/plexus}"
BIN_ROOT="$CACHE_ROOT/bin"

log() { echo "[build-go] $*" >&2; }
fail() { log "$*"; exit 1; }
die() { log "$*"; exit 2; } # usage errors
usage() { die "usage: scripts/build-go.sh [--paths] [--ldflags FLAGS] NAME DIR|MODULE@VERSION [PACKAGE...] | [--paths] cni-plugins"; }

paths_only=0
ldflags=""
while (( $# > 0 )); do
  case "$1" in
    --paths) paths_only=1; shift ;;
    --ldflags) (( $# >= 2 )) || usage; ldflags="$2"; shift 2 ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
  esac
done
(( $# >= 1 )) || usage
name="$1"; shift
[[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] || die "NAME must be lower-case letters, digits and -, got '$name'"

if (( $# == 0 )); then
  case "$name" in
    cni-plugins)
      set -- "github.com/containernetworking/plugins@$CNI_PLUGINS_VERSION" \
        ./plugins/main/... ./plugins/ipam/... ./plugins/meta/...
      # As upstream's release build stamps it: `<plugin> --version`, VERSION output.
      ldflags="$ldflags -X github.com/containernetworking/plugins/pkg/utils/buildversion.BuildVersion=$CNI_PLUGINS_VERSION" ;;
    *) die "no SOURCE given and '$name' is not a preset (presets: cni-plugins)" ;;
  esac
fi
source_arg="$1"; shift
packages=("$@")
(( ${#packages[@]} > 0 )) || packages=(.)
for p in "${packages[@]}"; do
  [[ "$p" != -* ]] || die "PACKAGE '$p' looks like a flag: packages are paths such as . or ./cmd/..."
done
single=0
[[ "${packages[*]}" == "." ]] && single=1

var="$(echo "$name" | tr 'a-z-' 'A-Z_')"
env_dir_var="${var}_DIR"; env_bin_var="${var}_BIN"

print_vars() { # dir from
  echo "${var}_DIR=$1"
  if (( single )); then echo "${var}_BIN=$1/$name"; fi
  echo "${var}_FROM=$2"
}

# A binary or dir you have wins; nothing is built or checked beyond it existing.
if [[ -n "${!env_bin_var:-}" ]]; then
  [[ -x "${!env_bin_var}" && -f "${!env_bin_var}" ]] || die "$env_bin_var=${!env_bin_var} is not an executable file"
  echo "${var}_DIR=$(dirname "${!env_bin_var}")"; echo "${var}_BIN=${!env_bin_var}"; echo "${var}_FROM=env"
  exit 0
fi
if [[ -n "${!env_dir_var:-}" ]]; then
  [[ -d "${!env_dir_var}" ]] || die "$env_dir_var=${!env_dir_var} is not a directory"
  print_vars "${!env_dir_var}" env
  exit 0
fi

command -v go >/dev/null || fail "go is not installed: install Go (https://go.dev/dl) or set $env_dir_var / $env_bin_var"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false"
go_version="$(go env GOVERSION)"
target="$(go env GOOS)/$(go env GOARCH)"

# Module directory of ours, or module@version from the proxy.
if [[ -d "$source_arg" ]]; then
  kind=local
  module_dir="$(cd "$source_arg" && pwd)"
  [[ -f "$module_dir/go.mod" ]] || die "$source_arg has no go.mod: a Go module directory is needed"
  # Every file under the module (sorted, by relative path), so any change rebuilds.
  sources_sum="$(cd "$module_dir" && find . -type f ! -path '*/.git/*' -print0 | LC_ALL=C sort -z \
    | xargs -0 -r sha256sum | sha256sum | cut -c1-64)"
elif [[ "$source_arg" =~ ^[a-zA-Z0-9._~/-]+@v[0-9][0-9A-Za-z.+-]*$ ]]; then
  kind=upstream
  sources_sum="$source_arg" # the proxy serves immutable, checksummed versions
else
  die "SOURCE must be a directory with a go.mod or MODULE@VERSION (e.g. github.com/x/y@v1.2.3), got '$source_arg'"
fi
key="$(printf '%s\n' "recipe=$RECIPE" "go=$go_version" "target=$target" "sources=$sources_sum" \
  "packages=${packages[*]}" "ldflags=$ldflags" | sha256sum | cut -c1-16)"
dest="$BIN_ROOT/$name-$key"
marker="$dest/.plexus-build"

cached() { [[ -f "$marker" ]]; }
if cached; then
  touch "$marker" 2>/dev/null || true # recently used: kept by the prune below
  log "$name: cached in $dest"
  print_vars "$dest" cache
  exit 0
fi
if (( paths_only )); then
  print_vars "$dest" missing
  exit 0
fi

mkdir -p "$BIN_ROOT"
# One build per NAME at a time; whoever waited finds it cached.
exec 9>"$BIN_ROOT/.lock-go-$name"
if ! flock -n 9; then
  log "$name: another build holds $BIN_ROOT/.lock-go-$name; waiting for it"
  flock 9
fi
if cached; then
  log "$name: built meanwhile, cached in $dest"
  print_vars "$dest" cache
  exit 0
fi
# Holding the lock: temp dirs left by an interrupted build of NAME can go.
rm -rf "$BIN_ROOT/.gobuild-$name".*
work="$(mktemp -d "$BIN_ROOT/.gobuild-$name.XXXXXX")"
# shellcheck source=lib/go-progress.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/go-progress.sh"
cleanup() { stop_ticker; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ "$kind" == upstream ]]; then
  log "$name: fetching $source_arg through the Go module proxy"
  dl_json="$(cd "$work" && go mod download -json "$source_arg" 2>&1)" \
    || fail "could not download $source_arg from the Go module proxy: $dl_json"
  module_dir="$(echo "$dl_json" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  [[ -d "$module_dir" ]] || fail "no module dir for $source_arg in: $dl_json"
fi

out="$work/out"
mkdir -p "$out"
if (( single )); then target_out="$out/$name"; else target_out="$out/"; fi
log "$name: building ${packages[*]} of $source_arg with $go_version"
(cd "$module_dir" && run_go "$name" go build -v -p "${PLEXUS_BUILD_JOBS:-2}" -trimpath \
  -ldflags "-s -w $ldflags" -o "$target_out" "${packages[@]}")
built=("$out"/*)
[[ -e "${built[0]}" ]] || fail "$name: go build produced no binary (are the packages main packages?)"
chmod 0755 "$out" "$out"/*
printf '%s\n' "name=$name" "source=$source_arg" "packages=${packages[*]}" "go=$go_version" \
  "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$out/.plexus-build"
rm -rf "$dest"
mv "$out" "$dest"
log "$name: ${#built[@]} binaries in $dest ($(elapsed))"

# Old builds of NAME nobody has used for 14 days (their marker names NAME).
for old in "$BIN_ROOT/$name"-*/; do
  old="${old%/}"
  [[ "$old" == "$dest" ]] && continue
  if grep -qx "name=$name" "$old/.plexus-build" 2>/dev/null \
    && [[ -n "$(find "$old/.plexus-build" -mtime +14 2>/dev/null)" ]]; then
    log "$name: removing $old (unused for 14 days)"
    rm -rf "$old"
  fi
done

print_vars "$dest" built
