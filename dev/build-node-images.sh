#!/usr/bin/env bash
# Builds the images a real node of the dev stack (dev/kubelet-node) needs besides the project's,
# into the cache (the kubelet itself is built with the control plane, dev/build-control-plane.sh):
#   - a pause image: a tiny static Go program that sleeps until SIGINT/SIGTERM, packed by hand
#     as an OCI image archive (one uncompressed tar layer, config, manifest, index);
#   - a busybox image from Debian's busybox-static package (downloaded with apt-get download,
#     unpacked under the cache, never installed on the host), for trivial test Pods.
#
#   dev/build-node-images.sh            # build what is missing
#   FORCE=1 dev/build-node-images.sh    # rebuild everything
#
# Environment (all optional):
#   STRATOFLOW_CACHE  cache root          (default: $HOME/.cache/stratoflow)
#   BUILD_BUSYBOX     1 (default) to pack the busybox image too; 0 to skip it
#   FORCE             1 to rebuild even if the outputs are there
#
# Layout produced:
#   $CACHE/kubelet-images/pause.oci.tar              image docker.io/stratoflow/pause:1.0
#   $CACHE/kubelet-images/busybox.oci.tar            image docker.io/stratoflow/busybox:1.0
set -euo pipefail

BUILD_BUSYBOX="${BUILD_BUSYBOX:-1}"
FORCE="${FORCE:-0}"
CACHE="${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}"
BUILD_ROOT="$CACHE/build"
IMAGE_DIR="$CACHE/kubelet-images"
PAUSE_REF="docker.io/stratoflow/pause:1.0"
BUSYBOX_REF="docker.io/stratoflow/busybox:1.0"

log() { printf '[build-node-images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$BUILD_ROOT" "$IMAGE_DIR"
export CGO_ENABLED=0
NICE=(nice -n 19)

# ---------------------------------------------------------------- OCI archives
# oci_archive OUT REF ROOTFS_DIR ENTRYPOINT_JSON CMD_JSON
# Packs ROOTFS_DIR as the single layer of an OCI image named REF, written as an archive of an
# OCI image layout (what 'ctr images import' reads).
oci_archive() {
  local out="$1" ref="$2" rootfs="$3" entrypoint="$4" cmd="$5" work layer_sha layer_size
  local cfg cfg_sha cfg_size man man_sha man_size
  work="$(mktemp -d "$IMAGE_DIR/.oci.XXXXXX")"
  mkdir -p "$work/blobs/sha256"
  # reproducible layer: sorted names, root-owned, mtime 0
  tar -C "$rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
      -cf "$work/layer.tar" .
  layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  layer_size="$(stat -c %s "$work/layer.tar")"
  mv "$work/layer.tar" "$work/blobs/sha256/$layer_sha"

  cfg="$(printf '{"architecture":"%s","os":"linux","config":{"Entrypoint":%s,"Cmd":%s,"Env":["PATH=/bin:/usr/bin:/sbin:/usr/sbin"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$(go env GOARCH)" "$entrypoint" "$cmd" "$layer_sha")"
  printf '%s' "$cfg" >"$work/config.json"
  cfg_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
  cfg_size="$(stat -c %s "$work/config.json")"
  mv "$work/config.json" "$work/blobs/sha256/$cfg_sha"

  man="$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
    "$cfg_sha" "$cfg_size" "$layer_sha" "$layer_size")"
  printf '%s' "$man" >"$work/manifest.json"
  man_sha="$(sha256sum "$work/manifest.json" | cut -d' ' -f1)"
  man_size="$(stat -c %s "$work/manifest.json")"
  mv "$work/manifest.json" "$work/blobs/sha256/$man_sha"

  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
    "$man_sha" "$man_size" "$ref" "${ref##*:}" >"$work/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"
  tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
      -cf "$out.tmp.$$" oci-layout index.json blobs
  mv -f "$out.tmp.$$" "$out"
  rm -rf "$work"
  log "image $ref: $out ($(stat -c %s "$out") bytes, manifest sha256:$man_sha)"
}

build_pause() {
  local src="$BUILD_ROOT/pause" root
  rm -rf "$src"; mkdir -p "$src"
  printf 'module stratoflow.dev/build/pause\n\ngo 1.22\n' >"$src/go.mod"
  cat >"$src/main.go" <<'GO'
// pause: the sandbox process of a Pod. Sleeps until SIGINT or SIGTERM, and reaps
// children (it is PID 1 of the Pod's PID namespace when that is shared).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s == syscall.SIGCHLD {
			for {
				var ws syscall.WaitStatus
				pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
			continue
		}
		os.Exit(0)
	}
}
GO
  root="$src/rootfs"
  mkdir -p "$root"
  (cd "$src" && GOFLAGS="-buildvcs=false" go build -trimpath -ldflags "-s -w" -o "$root/pause" .)
  oci_archive "$IMAGE_DIR/pause.oci.tar" "$PAUSE_REF" "$root" '["/pause"]' 'null'
}

build_busybox() {
  local work deb root applet
  work="$BUILD_ROOT/busybox"
  rm -rf "$work"; mkdir -p "$work/deb"
  log "busybox: fetching Debian's busybox-static package (not installed, only unpacked)"
  (cd "$work/deb" && apt-get download busybox-static >/dev/null 2>&1) ||
    { apt-get update >/dev/null 2>&1 && (cd "$work/deb" && apt-get download busybox-static >/dev/null); } ||
    die "apt-get download busybox-static failed"
  deb="$(ls "$work"/deb/busybox-static_*.deb | head -n 1)"
  dpkg-deb -x "$deb" "$work/x"
  root="$work/rootfs"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  cp "$work/x/bin/busybox" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  oci_archive "$IMAGE_DIR/busybox.oci.tar" "$BUSYBOX_REF" "$root" 'null' '["/bin/sh"]'
}

# ---------------------------------------------------------------- main
T_ALL=$SECONDS
if [[ "$FORCE" != 1 && -s "$IMAGE_DIR/pause.oci.tar" ]]; then
  log "pause image: present, skipping"
else
  build_pause
fi
if [[ "$BUILD_BUSYBOX" == 1 ]]; then
  if [[ "$FORCE" != 1 && -s "$IMAGE_DIR/busybox.oci.tar" ]]; then
    log "busybox image: present, skipping"
  else
    build_busybox
  fi
fi
log "done in $((SECONDS - T_ALL))s"
