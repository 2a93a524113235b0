#!/usr/bin/env bash
# Builds stratoflow-node (dev/node, the test kubelet that runs Pods as local processes) into
# the cache, unless the binary there was built from the same sources.
#
#   dev/build-node.sh            # build if dev/node changed
#   FORCE=1 dev/build-node.sh    # rebuild
#
# Environment (all optional):
#   STRATOFLOW_CACHE  cache root (default: $HOME/.cache/stratoflow)
#   FORCE             1 to rebuild even if the sources did not change
#
# Produces $CACHE/bin/stratoflow-node and $CACHE/bin/stratoflow-node.sha256 (the hash of
# dev/node's go.mod, go.sum and non-test .go files it was built from). Prints the binary's path.
set -euo pipefail

DEV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$DEV_DIR/node"
CACHE="${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}"
BIN_DIR="$CACHE/bin"
BIN="$BIN_DIR/stratoflow-node"
STAMP="$BIN.sha256"
FORCE="${FORCE:-0}"

log() { printf '[build-node] %s\n' "$*" >&2; }

mkdir -p "$BIN_DIR"
if ! command -v go >/dev/null; then
  if [[ -x "$BIN" ]]; then
    log "WARNING: go is not on PATH: using $BIN as it is"
    echo "$BIN"
    exit 0
  fi
  log "ERROR: go is not on PATH"
  exit 1
fi

sources_hash() {
  (cd "$SRC" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) ! -name '*_test.go' -print0 |
    LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

hash="$(sources_hash)"
if [[ "$FORCE" != 1 && -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$hash" ]]; then
  log "stratoflow-node is up to date: $BIN"
  echo "$BIN"
  exit 0
fi
t0=$SECONDS
log "building stratoflow-node from $SRC (nice 19)"
# a temporary name of its own: two clusters may start (and build) at once
tmp="$BIN.tmp.$$"
(cd "$SRC" && CGO_ENABLED=0 GOFLAGS="-buildvcs=false" nice -n 19 go build -trimpath -ldflags "-s -w" -o "$tmp" .)
mv -f "$tmp" "$BIN"
echo "$hash" >"$STAMP.$$" && mv -f "$STAMP.$$" "$STAMP"
log "stratoflow-node built in $((SECONDS - t0))s: $BIN"
echo "$BIN"
