#!/usr/bin/env bash
# Builds Karpenter's KWOK provider (the `kwok` main package of the Go module sigs.k8s.io/karpenter)
# at a pinned version into a cache directory outside the repository, and extracts the CRDs it
# needs (NodePool, NodeClaim, NodeOverlay, CapacityBuffer and KWOKNodeClass) from that module.
# It is the autoscaler for the dev cluster's fake nodes (work in progress: dev/cluster does not
# start it yet; see dev/README.md, "Karpenter").
#
#   dev/build-karpenter.sh            # build it unless the right version is already there
#   FORCE=1 dev/build-karpenter.sh    # rebuild
#   eval "$(dev/build-karpenter.sh)"  # sets KARPENTER_KWOK (the binary) and KARPENTER_CRDS (the CRD dir)
#
# Environment (all optional):
#   STRATOFLOW_CACHE       cache root          (default: $HOME/.cache/stratoflow)
#   KARPENTER_VERSION      Karpenter release   (default: v1.15.0; v1.14.3 is also served)
#   KARPENTER_GOTOOLCHAIN  Go toolchain used when the local Go is older than the one Karpenter's
#                          go.mod asks for (default: go1.27.3; v1.15.0 asks for Go >= 1.26.9). The
#                          go command fetches it from the Go module proxy like a module (~76 MB to download,
#                          253 MB unpacked; once).
#   FORCE                  1 to rebuild even if the stamp names the right version
#
# Produces:
#   $STRATOFLOW_CACHE/bin/karpenter-kwok            (and karpenter-kwok.version) -- installed under
#       this name because Karpenter's binary is called `kwok`, like KWOK's own
#   $STRATOFLOW_CACHE/karpenter/<version>/crds/*.yaml
# A cold build took 293 s here on 2 cores (toolchain fetch, module downloads and a full
# compile with that toolchain); nothing is downloaded but Go modules.
set -euo pipefail

KARPENTER_VERSION="${KARPENTER_VERSION:-v1.15.0}"
KARPENTER_GOTOOLCHAIN="${KARPENTER_GOTOOLCHAIN:-go1.27.3}"
FORCE="${FORCE:-0}"
CACHE="${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}"
BIN_DIR="$CACHE/bin"
BIN="$BIN_DIR/karpenter-kwok"
STAMP="$BIN_DIR/karpenter-kwok.version"
CRD_DIR="$CACHE/karpenter/$KARPENTER_VERSION/crds"
MODULE=sigs.k8s.io/karpenter
# The CRDs the KWOK provider needs, as paths inside the module. kwok/charts/crds holds the kwok
# flavour of the core CRDs (they also reserve the karpenter.kwok.sh label domain).
CRD_SOURCES=(
  kwok/charts/crds/karpenter.sh_nodepools.yaml
  kwok/charts/crds/karpenter.sh_nodeclaims.yaml
  kwok/charts/crds/karpenter.sh_nodeoverlays.yaml
  kwok/charts/crds/autoscaling.x-k8s.io_capacitybuffers.yaml
  kwok/apis/crds/karpenter.kwok.sh_kwoknodeclasses.yaml
)

log() { printf '[build-karpenter] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

report() {
  printf 'KARPENTER_KWOK=%s\nKARPENTER_CRDS=%s\n' "$BIN" "$CRD_DIR"
}

crds_complete() {
  local f
  for f in "${CRD_SOURCES[@]}"; do [[ -s "$CRD_DIR/$(basename "$f")" ]] || return 1; done
}

if [[ "$FORCE" != 1 && -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$KARPENTER_VERSION" ]] && crds_complete; then
  log "karpenter kwok provider $KARPENTER_VERSION is up to date: $BIN, CRDs in $CRD_DIR"
  report
  exit 0
fi

command -v go >/dev/null || die "go is not on PATH (needed once, to build Karpenter's KWOK provider)"
mkdir -p "$BIN_DIR" "$(dirname "$CRD_DIR")"
# a private GOBIN and CRD dir, then moves: an interrupted build never leaves half a result behind
work="$(mktemp -d "$BIN_DIR/.karpenter-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# ------------------------------------------------------------ the Go toolchain
# Run the go command outside any module, so that no go.mod around us steers it. `go list -m`
# fetches only the module's go.mod, which says which Go it needs.
if ! info="$(cd "$work" && GOTOOLCHAIN=local go list -m -json "$MODULE@$KARPENTER_VERSION" 2>&1)"; then
  printf '%s\n' "$info" >&2
  die "$MODULE@$KARPENTER_VERSION does not resolve on the Go module proxy (list the served versions with: go list -m -versions $MODULE)"
fi
mod_file="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$info" | head -n 1)"
[[ -f "$mod_file" ]] || die "go list -m gave no go.mod for $MODULE@$KARPENTER_VERSION: $info"
# version_lt A B: true when Go version A (1.26.8) is older than B (1.26.9 / 1.27)
version_lt() {
  [[ "$1" != "$2" && "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" == "$1" ]]
}
need_go="$(awk '$1=="go"{print $2; exit}' "$mod_file")"
have_go="$(GOTOOLCHAIN=local go env GOVERSION)"; have_go="${have_go#go}"
if [[ -n "$need_go" ]] && version_lt "$have_go" "$need_go"; then
  version_lt "${KARPENTER_GOTOOLCHAIN#go}" "$need_go" &&
    die "Karpenter $KARPENTER_VERSION needs Go >= $need_go; KARPENTER_GOTOOLCHAIN=$KARPENTER_GOTOOLCHAIN is older"
  log "Karpenter $KARPENTER_VERSION needs Go >= $need_go, the local Go is $have_go: using GOTOOLCHAIN=$KARPENTER_GOTOOLCHAIN"
  export GOTOOLCHAIN="$KARPENTER_GOTOOLCHAIN"
else
  log "Karpenter $KARPENTER_VERSION needs Go >= ${need_go:-?}: the local Go $have_go will do"
  export GOTOOLCHAIN=local
fi

# ------------------------------------------------------------ the module and its CRDs
log "downloading $MODULE@$KARPENTER_VERSION"
if ! dl="$(cd "$work" && go mod download -json "$MODULE@$KARPENTER_VERSION" 2>&1)"; then
  printf '%s\n' "$dl" >&2
  die "go mod download $MODULE@$KARPENTER_VERSION failed (GOTOOLCHAIN=$GOTOOLCHAIN)"
fi
mod_dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$dl" | head -n 1)"
[[ -d "$mod_dir" ]] || die "go mod download gave no module directory for $MODULE@$KARPENTER_VERSION"

mkdir -p "$work/crds"
for f in "${CRD_SOURCES[@]}"; do
  [[ -f "$mod_dir/$f" ]] || die "$MODULE@$KARPENTER_VERSION has no $f (its CRDs moved: update CRD_SOURCES)"
  cp "$mod_dir/$f" "$work/crds/"
done
chmod u+w "$work"/crds/*.yaml   # the module cache is read-only
rm -rf "$CRD_DIR"
mv "$work/crds" "$CRD_DIR"
log "CRDs: $(cd "$CRD_DIR" && echo *.yaml) -> $CRD_DIR"

# ------------------------------------------------------------ the binary
log "building $MODULE/kwok@$KARPENTER_VERSION (nice 19; several minutes when cold)"
t_build=$SECONDS
# The machine is shared with other builds: be polite.
if ! (cd "$work" && CGO_ENABLED=0 GOBIN="$work" GOFLAGS="${GOFLAGS:-} -buildvcs=false" \
      nice -n 19 go install -trimpath \
        -ldflags "-s -w -X sigs.k8s.io/karpenter/pkg/operator.Version=$KARPENTER_VERSION" \
        "$MODULE/kwok@$KARPENTER_VERSION"); then
  die "go install $MODULE/kwok@$KARPENTER_VERSION failed (GOTOOLCHAIN=$GOTOOLCHAIN; output above)"
fi
[[ -x "$work/kwok" ]] || die "go install finished but produced no kwok binary in $work"
# a smoke test: it parses its flags before it looks for a cluster, so --help needs none
help="$("$work/kwok" --help 2>&1)" || die "the built binary fails on --help: $help"
grep -q -- '-instance-types-file-path' <<<"$help" || die "the built binary's --help lacks --instance-types-file-path: $help"
mv -f "$work/kwok" "$BIN"
printf '%s\n' "$KARPENTER_VERSION" > "$STAMP"
size="$(du -m "$BIN" | cut -f1)"
log "built $BIN ($KARPENTER_VERSION, ${size} MB) in $((SECONDS - t_build)) s; $((SECONDS - start)) s in all"
report
