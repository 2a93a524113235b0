#!/usr/bin/env bash
# Builds a local Kubernetes control plane (kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl), etcd (+ etcdctl) and KWOK from Go modules at pinned
# versions, into a cache directory outside the repository.
#
#   dev/build-control-plane.sh            # build what is missing
#   FORCE=1 dev/build-control-plane.sh    # rebuild everything
#
# Environment (all optional):
#   STRATOFLOW_CACHE  cache root            (default: $HOME/.cache/stratoflow)
#   K8S_VERSION       Kubernetes release    (default: v1.33.13)
#   ETCD_VERSION      etcd release          (default: v3.5.35)
#   KWOK_VERSION      KWOK release          (default: v0.8.0)
#   BUILD_ETCDCTL     1 to build etcdctl    (default: 1)
#   FORCE             1 to rebuild even if the binary reports the right version
#   BUILD_KUBELET     1 to build the kubelet too, and the nodes' pause and busybox images
#                     (dev/build-node-images.sh) (default: 1)
#
# Layout produced:
#   $CACHE/k8s/$K8S_VERSION/bin/{kube-apiserver,kube-controller-manager,kube-scheduler,kubectl,etcd,etcdctl,kwok}
#   $CACHE/kubeapitest/k8s/<K8S_VERSION without v>-<goos>-<goarch>/{kube-apiserver,etcd,kubectl}
#       (what io.fabric8:kube-api-test looks for; point KUBE_API_TEST_DIR at $CACHE/kubeapitest)
#   $CACHE/build/<tool>/go.mod   one generated wrapper module per tool
#   $CACHE/k8s/$K8S_VERSION/bin/kubelet, $CACHE/kubelet-images/{pause,busybox}.oci.tar   (dev/build-node-images.sh)
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.33.13}"
ETCD_VERSION="${ETCD_VERSION:-v3.5.35}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
BUILD_ETCDCTL="${BUILD_ETCDCTL:-1}"
BUILD_KUBELET="${BUILD_KUBELET:-1}"
FORCE="${FORCE:-0}"
DEV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

CACHE="${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}"
BIN_DIR="$CACHE/k8s/$K8S_VERSION/bin"
BUILD_ROOT="$CACHE/build"
GOOS_="$(go env GOOS)"
GOARCH_="$(go env GOARCH)"
KAT_DIR="$CACHE/kubeapitest/k8s/${K8S_VERSION#v}-${GOOS_}-${GOARCH_}"

# v1.33.13 -> major 1, minor 33, staging modules v0.33.13
k8s_core="${K8S_VERSION#v}"
K8S_MAJOR="${k8s_core%%.*}"
k8s_rest="${k8s_core#*.}"
K8S_MINOR="${k8s_rest%%.*}"
STAGING_VERSION="v0.${k8s_rest}"

log() { printf '[build-control-plane] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$BIN_DIR" "$BUILD_ROOT" "$KAT_DIR"

export CGO_ENABLED=0
# The machine is shared with Java builds: be polite.
NICE=(nice -n 19)

# has_version BINARY EXPECTED ARGS... : true when BINARY exists and ARGS print EXPECTED
has_version() {
  local bin="$1" want="$2"; shift 2
  [[ -x "$bin" ]] || return 1
  # Capture first: with pipefail, grep -q closing the pipe early would fail the check (SIGPIPE).
  local out
  out="$("$bin" "$@" 2>&1)" || true
  grep -qF -- "$want" <<<"$out"
}

# new_wrapper TOOL GO_VERSION: prints the (fresh) wrapper module dir
new_wrapper() {
  local dir="$BUILD_ROOT/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  printf 'module stratoflow.dev/build/%s\n\ngo %s\n' "$1" "$2" >"$dir/go.mod"
  printf '%s\n' "$dir"
}

# gomod_file MODULE@VERSION: downloads the module's go.mod, prints its path in the module cache
# (empty when that version does not resolve)
gomod_file() {
  (cd "$BUILD_ROOT" && go mod download -json "$1" 2>/dev/null) |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' | head -n 1
}

TIMINGS=()
record() { TIMINGS+=("$(printf '%-26s %s' "$1" "$2")"); }

# ---------------------------------------------------------------- Kubernetes
K8S_TOOLS=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
[[ "$BUILD_KUBELET" == 1 ]] && K8S_TOOLS+=(kubelet)

k8s_version_ok() {
  case "$1" in
    kubectl) has_version "$BIN_DIR/kubectl" "Client Version: $K8S_VERSION" version --client ;;
    *)       has_version "$BIN_DIR/$1" "Kubernetes $K8S_VERSION" --version ;;
  esac
}

k8s_ldflags() {
  local build_date f=()
  build_date="$(date ${SOURCE_DATE_EPOCH:+--date=@$SOURCE_DATE_EPOCH} -u +%Y-%m-%dT%H:%M:%SZ)"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    f+=("-X" "$pkg.gitVersion=$K8S_VERSION"
        "-X" "$pkg.gitMajor=$K8S_MAJOR"
        "-X" "$pkg.gitMinor=$K8S_MINOR"
        "-X" "$pkg.gitTreeState=clean"
        "-X" "$pkg.buildDate=$build_date")
  done
  printf '%s ' -s -w "${f[@]}"
}

build_k8s_tool() {
  local tool="$1" dir kmod godebug go_directive staging t0
  t0=$SECONDS
  log "$tool: generating wrapper module for k8s.io/kubernetes $K8S_VERSION"
  # Kubernetes' own go.mod gives the go and godebug lines and the list of staging modules.
  kmod="$(gomod_file "k8s.io/kubernetes@$K8S_VERSION")" || true
  [[ -f "$kmod" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION"
  go_directive="$(awk '$1=="go"{print $2; exit}' "$kmod")"
  godebug="$(awk '$1=="godebug"{ $1=""; sub(/^ /,""); print; exit}' "$kmod")"
  # Staging modules = requirements at v0.0.0 (replaced by ./staging/src/... in Kubernetes' go.mod)
  mapfile -t staging < <(awk '$1 ~ /^k8s\.io\// && $2=="v0.0.0" {print $1}' "$kmod" | sort -u)
  [[ ${#staging[@]} -gt 0 ]] || die "no staging modules found in $kmod"
  dir="$(new_wrapper "$tool" "$go_directive")"
  (
    cd "$dir"
    go mod edit -require="k8s.io/kubernetes@$K8S_VERSION"
    for m in "${staging[@]}"; do
      go mod edit -require="$m@$STAGING_VERSION" -replace="$m=$m@$STAGING_VERSION"
    done
    if [[ -n "$godebug" ]]; then
      for kv in ${godebug//,/ }; do go mod edit -godebug="$kv"; done
    fi
  )
  log "$tool: ${#staging[@]} staging modules pinned to $STAGING_VERSION${godebug:+, godebug $godebug}"
  # No blanket 'go mod download': some modules of the graph that no binary needs
  # (e.g. k8s.io/sample-apiserver) may have no downloadable zip. 'go build -mod=mod'
  # fetches only what the package graph needs and records it in go.sum.
  log "$tool: downloading needed modules and compiling (nice 19)"
  local ldflags
  ldflags="$(k8s_ldflags)"
  (cd "$dir" && GOFLAGS="-mod=mod -buildvcs=false" "${NICE[@]}" go build -trimpath \
      -ldflags "$ldflags" -o "$BIN_DIR/$tool.tmp" "k8s.io/kubernetes/cmd/$tool")
  mv -f "$BIN_DIR/$tool.tmp" "$BIN_DIR/$tool"
  k8s_version_ok "$tool" || die "$tool built but does not report $K8S_VERSION"
  record "$tool" "$((SECONDS - t0))s (built)"
  log "$tool: done in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- etcd
etcd_version_ok() { has_version "$BIN_DIR/etcd" "etcd Version: ${ETCD_VERSION#v}" --version; }
etcdctl_version_ok() { has_version "$BIN_DIR/etcdctl" "etcdctl version: ${ETCD_VERSION#v}" version; }

# build_go_module TOOL MODULE VERSION PACKAGE [LDFLAGS...]
# The wrapper's go directive is the one of MODULE's own go.mod.
build_go_module() {
  local tool="$1" module="$2" version="$3" pkg="$4" dir t0 modfile go_directive
  shift 4
  t0=$SECONDS
  log "$tool: generating wrapper module for $module $version"
  modfile="$(gomod_file "$module@$version")" || true
  if [[ ! -f "$modfile" ]]; then
    log "$tool: $module@$version does not resolve on the module proxy"
    return 1
  fi
  go_directive="$(awk '$1=="go"{print $2; exit}' "$modfile")"
  dir="$(new_wrapper "$tool" "$go_directive")"
  (cd "$dir" && go mod edit -require="$module@$version")
  log "$tool: downloading needed modules and compiling (nice 19)"
  (cd "$dir" && GOFLAGS="-mod=mod -buildvcs=false" "${NICE[@]}" go build -trimpath \
      -ldflags "-s -w $*" -o "$BIN_DIR/$tool.tmp" "$pkg")
  mv -f "$BIN_DIR/$tool.tmp" "$BIN_DIR/$tool"
  record "$tool" "$((SECONDS - t0))s (built)"
  log "$tool: done in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------- KWOK
kwok_version_ok() { has_version "$BIN_DIR/kwok" "${KWOK_VERSION#v}" --version; }

# ---------------------------------------------------------------- main
T_ALL=$SECONDS
log "cache: $CACHE"
log "versions: kubernetes $K8S_VERSION (staging $STAGING_VERSION), etcd $ETCD_VERSION, kwok $KWOK_VERSION; $(go version)"

for tool in "${K8S_TOOLS[@]}"; do
  if [[ "$FORCE" != 1 ]] && k8s_version_ok "$tool"; then
    log "$tool: up to date ($K8S_VERSION), skipping"; record "$tool" "cached"
  else
    build_k8s_tool "$tool"
  fi
done

if [[ "$FORCE" != 1 ]] && etcd_version_ok; then
  log "etcd: up to date ($ETCD_VERSION), skipping"; record etcd cached
else
  build_go_module etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3 \
    || die "etcd build failed"
  etcd_version_ok || die "etcd built but does not report $ETCD_VERSION"
fi

if [[ "$BUILD_ETCDCTL" == 1 ]]; then
  if [[ "$FORCE" != 1 ]] && etcdctl_version_ok; then
    log "etcdctl: up to date ($ETCD_VERSION), skipping"; record etcdctl cached
  else
    # optional: not every etcd patch release of etcdctl is on the module proxy
    if build_go_module etcdctl go.etcd.io/etcd/etcdctl/v3 "$ETCD_VERSION" go.etcd.io/etcd/etcdctl/v3; then
      etcdctl_version_ok || die "etcdctl built but does not report $ETCD_VERSION"
    else
      log "etcdctl: skipped (optional)"; record etcdctl "skipped"
    fi
  fi
fi

if [[ "$FORCE" != 1 ]] && kwok_version_ok; then
  log "kwok: up to date ($KWOK_VERSION), skipping"; record kwok cached
else
  build_go_module kwok sigs.k8s.io/kwok "$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok \
    "-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" || die "kwok build failed"
  kwok_version_ok || die "kwok built but does not report $KWOK_VERSION"
fi

# the real nodes' own images (their kubelet is among K8S_TOOLS)
if [[ "$BUILD_KUBELET" == 1 ]]; then
  t_node=$SECONDS
  FORCE="$FORCE" STRATOFLOW_CACHE="$CACHE" "$DEV_DIR/build-node-images.sh" || die "the nodes' images could not be built"
  record "node images" "$((SECONDS - t_node))s"
fi

# kube-api-test layout: hard links (same file system) or copies, so the folder
# stays valid if copied elsewhere.
for b in kube-apiserver etcd kubectl; do
  ln -f "$BIN_DIR/$b" "$KAT_DIR/$b" 2>/dev/null || cp -f "$BIN_DIR/$b" "$KAT_DIR/$b"
done

log "timings:"
for t in "${TIMINGS[@]}"; do log "  $t"; done
log "  total                      $((SECONDS - T_ALL))s"
log "kube-api-test dir: $KAT_DIR  (export KUBE_API_TEST_DIR=$CACHE/kubeapitest)"
log "bin dir:"
echo "$BIN_DIR"
