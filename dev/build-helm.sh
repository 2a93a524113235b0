#!/usr/bin/env bash
# Builds the Helm CLI from its Go module at a pinned version, into a cache directory outside
# the repository. dev/cluster installs the chart with it (the operator then runs from its
# image on an executing node, as on a real cluster).
#
#   dev/build-helm.sh            # build it unless the right version is already there
#   FORCE=1 dev/build-helm.sh    # rebuild
#
# Environment (all optional):
#   STRATOFLOW_CACHE   cache root      (default: $HOME/.cache/stratoflow)
#   HELM_VERSION       Helm release    (default: v3.19.0)
#   FORCE              1 to rebuild even if the stamp names the right version
#
# Produces: $STRATOFLOW_CACHE/bin/helm (and $STRATOFLOW_CACHE/bin/helm.version). A cold build
# takes a few minutes on 2 cores; nothing is downloaded but Go modules.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.19.0}"
FORCE="${FORCE:-0}"
CACHE="${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}"
BIN_DIR="$CACHE/bin"
BIN="$BIN_DIR/helm"
STAMP="$BIN_DIR/helm.version"

log() { printf '[build-helm] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [[ "$FORCE" != 1 && -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$HELM_VERSION" ]]; then
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || die "go is not on PATH (needed once, to build the Helm CLI)"
mkdir -p "$BIN_DIR"
# a private GOBIN, then a move: an interrupted build never leaves half a binary behind
work="$(mktemp -d "$BIN_DIR/.helm-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log "building helm $HELM_VERSION from its Go module"
start=$SECONDS
CGO_ENABLED=0 GOBIN="$work" GOFLAGS="${GOFLAGS:-} -buildvcs=false" \
  nice -n 19 go install -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
[[ -x "$work/helm" ]] || die "go install finished but produced no helm binary in $work"
mv -f "$work/helm" "$BIN"
printf '%s\n' "$HELM_VERSION" > "$STAMP"
log "built $BIN in $((SECONDS - start)) s"
echo "$BIN"
