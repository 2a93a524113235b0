#!/usr/bin/env bash
# Builds versitygw, an S3-compatible server with a POSIX backend, from its Go module at a
# pinned version, into a cache directory outside the repository. The datastore's S3 tests and
# its S3 benchmark start it on a loopback port.
#
#   dev/build-s3-server.sh            # build it unless the right version is already there
#   FORCE=1 dev/build-s3-server.sh    # rebuild
#
# Environment (all optional):
#   STRATOFLOW_CACHE    cache root          (default: $HOME/.cache/stratoflow)
#   VERSITYGW_VERSION   versitygw release   (default: v1.8.0, the only one served here)
#   FORCE               1 to rebuild even if the binary reports the right version
#
# Produces: $STRATOFLOW_CACHE/bin/versitygw (and $STRATOFLOW_CACHE/bin/versitygw.version).
# A cold build takes about 80 s on 2 idle cores; nothing is downloaded but Go modules.
set -euo pipefail

VERSITYGW_VERSION="${VERSITYGW_VERSION:-v1.8.0}"
FORCE="${FORCE:-0}"
CACHE="${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}"
BIN_DIR="$CACHE/bin"
BIN="$BIN_DIR/versitygw"
STAMP="$BIN_DIR/versitygw.version"

log() { printf '[build-s3-server] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

if [[ "$FORCE" != 1 && -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$VERSITYGW_VERSION" ]]; then
  log "versitygw $VERSITYGW_VERSION is already built: $BIN"
  exit 0
fi

command -v go >/dev/null || die "go is not on PATH (Go 1.24 or newer is needed to build versitygw)"
mkdir -p "$BIN_DIR"

# Build into a private GOBIN, then move the binary into place, so that a build interrupted
# half-way never leaves a broken binary where the tests look for it.
work="$(mktemp -d "$BIN_DIR/.versitygw-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log "building versitygw $VERSITYGW_VERSION from its Go module (about 80 s on 2 idle cores)"
start=$SECONDS
# The machine is shared with other builds: be polite.
CGO_ENABLED=0 GOBIN="$work" GOFLAGS="${GOFLAGS:-} -buildvcs=false" \
  nice -n 19 go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
[[ -x "$work/versitygw" ]] || die "go install finished but produced no versitygw binary in $work"
mv -f "$work/versitygw" "$BIN"
printf '%s\n' "$VERSITYGW_VERSION" > "$STAMP"
log "built $BIN in $((SECONDS - start)) s"
