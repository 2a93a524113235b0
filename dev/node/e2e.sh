#!/usr/bin/env bash
# End-to-end test of stratoflow-node on a running dev cluster (dev/cluster up): applies Pods
# to the executing node and checks what a kubelet would report.
#
#   dev/cluster up && dev/node/e2e.sh
#
# Environment (all optional):
#   KUBECONFIG          the cluster (default: what `dev/cluster env` prints)
#   E2E_NODE            node to run on (default: exec-1)
#   E2E_NAMESPACE       namespace, deleted and made anew (default: node-e2e)
#   E2E_MANY            number of Pods of the "many at once" test (default: 100)
#   E2E_KEEP            1 to keep the namespace afterwards
#   E2E_RESTART         0 to skip the node restart test (it stops the node and runs dev/cluster up)
# Ends with the line "N passed, N failed"; exits 1 if any check failed.
set -uo pipefail

DEV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
eval "$("$DEV_DIR/cluster" env)"
if [[ -n "${E2E_KUBECONFIG:-}" ]]; then export KUBECONFIG="$E2E_KUBECONFIG"; fi
NODE="${E2E_NODE:-exec-1}"
NS="${E2E_NAMESPACE:-node-e2e}"
MANY="${E2E_MANY:-100}"
PASSED=0
FAILED=0

log() { printf '[node-e2e] %s\n' "$*" >&2; }
pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL  %s\n' "$1"; [[ -n "${2:-}" ]] && printf '      %s\n' "$2"; }

k() { kubectl -n "$NS" "$@"; }
jp() { k get pod "$1" -o jsonpath="$2" 2>/dev/null; }
phase() { jp "$1" '{.status.phase}'; }

# wait_until TIMEOUT COMMAND...: true once COMMAND succeeds
wait_until() {
  local limit="$1" t0=$SECONDS; shift
  until "$@" >/dev/null 2>&1; do
    (( SECONDS - t0 < limit )) || return 1
    sleep 0.5
  done
}
is_phase() { [[ "$(phase "$1")" == "$2" ]]; }
terminal() { local p; p="$(phase "$1")"; [[ "$p" == Succeeded || "$p" == Failed ]]; }

# expect NAME ACTUAL EXPECTED
expect() {
  if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
expect_contains() {
  if [[ "$2" == *"$3"* ]]; then pass "$1"; else fail "$1" "'$2' does not contain '$3'"; fi
}

# pod NAME IMAGE SCRIPT [SPEC_YAML] [CONTAINER_YAML]: a restartPolicy Never Pod on $NODE running
# `sh -c SCRIPT` (the extra YAML is indented by the caller for spec / container level)
pod() {
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1, namespace: $NS}
spec:
  restartPolicy: Never
  nodeSelector: {kubernetes.io/hostname: $NODE}
  tolerations: [{operator: Exists}]
  terminationGracePeriodSeconds: 5
${4:-}
  containers:
  - name: main
    image: $2
    command: [sh, -c]
    args: [$(printf '%s' "$3" | sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/')]
${5:-}
EOF
}

# make_image_archive OUT REF: writes an OCI image layout tar holding one image, REF: the probe
# of dev/node/testdata/probe, built static, at /bin/probe (Entrypoint [probe]), a file
# /image-file, an /etc/passwd, a /tmp, and no shell. Prints the manifest digest.
make_image_archive() {
  local out="$1" ref="$2" work layer layer_size config config_size manifest manifest_size digest size
  work="$(mktemp -d)"
  mkdir -p "$work/rootfs/bin" "$work/rootfs/etc" "$work/rootfs/tmp" "$work/layout/blobs/sha256"
  (cd "$DEV_DIR/node" && CGO_ENABLED=0 go build -o "$work/rootfs/bin/probe" ./testdata/probe) || return 1
  printf 'from the image\n' >"$work/rootfs/image-file"
  printf 'root:x:0:0::/root:/bin/probe\napp:x:1000:1000::/home/app:/bin/probe\n' >"$work/rootfs/etc/passwd"
  chmod 1777 "$work/rootfs/tmp"
  tar -C "$work/rootfs" --numeric-owner --owner=0 --group=0 -cf - . | gzip -n >"$work/layer"
  # blob FILE: moves it into the layout's blobs; sets digest and size
  blob() {
    digest="sha256:$(sha256sum "$1" | cut -d' ' -f1)" size="$(stat -c %s "$1")"
    mv "$1" "$work/layout/blobs/sha256/${digest#sha256:}"
  }
  blob "$work/layer"; layer="$digest" layer_size="$size"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["probe"],"Env":["PATH=/bin","FROM_IMAGE=yes"],"WorkingDir":"/tmp"},"rootfs":{"type":"layers","diff_ids":[]}}' >"$work/config"
  blob "$work/config"; config="$digest" config_size="$size"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$config" "$config_size" "$layer" "$layer_size" >"$work/manifest"
  blob "$work/manifest"; manifest="$digest" manifest_size="$size"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest" "$manifest_size" "$ref" >"$work/layout/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$work/layout/oci-layout"
  tar -C "$work/layout" -cf "$out.tmp" oci-layout index.json blobs && mv "$out.tmp" "$out" || return 1
  rm -rf "$work"
  echo "$manifest"
}

log "cluster: $KUBECONFIG, node $NODE"
if ! kubectl get node "$NODE" >/dev/null 2>&1; then
  echo "node $NODE not found: start the cluster with STRATOFLOW_EXEC_NODES=1 dev/cluster up, or set E2E_NODE" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
kubectl delete namespace "$NS" --ignore-not-found --wait=true >/dev/null
kubectl create namespace "$NS" >/dev/null
kubectl -n "$NS" create secret generic e2e-secret --from-literal=password=s3cret >/dev/null
kubectl -n "$NS" create configmap e2e-config --from-literal=MODE=fast >/dev/null
# the ServiceAccount controller makes "default"; Pods are refused until it exists
wait_until 60 kubectl -n "$NS" get serviceaccount default

# a real image: an archive in the directory dev/cluster gives the node (found on first use)
cluster_dir="${STRATOFLOW_CLUSTER_DIR:-${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}/cluster}"
IMAGE_REF="e2e/probe:$$"
image_digest=""
if mkdir -p "$cluster_dir/images" && image_digest="$(make_image_archive "$cluster_dir/images/e2e-probe.oci.tar" "$IMAGE_REF")"; then
  log "image $IMAGE_REF ($image_digest) in $cluster_dir/images/e2e-probe.oci.tar"
else
  fail "build the probe image archive (needs go)"
fi

{
  pod ok busybox:1.36 'echo to the log; printf done-message > /dev/termination-log'
  echo ---
  pod exit3 busybox:1.36 'echo first line; echo last line; exit 3' "" \
    "    terminationMessagePolicy: FallbackToLogsOnError"
  echo ---
  pod init busybox 'echo main >> /data/order; cat /data/order > /dev/termination-log' \
"  volumes: [{name: work, emptyDir: {}}]
  initContainers:
  - name: setup
    image: busybox
    command: [sh, -c, 'test ! -e /data/order && echo init > /data/order']
    volumeMounts: [{name: work, mountPath: /data}]" \
    "    volumeMounts: [{name: work, mountPath: /data}]"
  echo ---
  pod env busybox 'echo "$(GREETING)|$POD_NAME|$POD_NS|$NODE|$POD_IP|$PASSWORD|${ABSENT-unset}|$MODE|$COMBINED|$(pwd)" > /dev/termination-log' "" \
"    workingDir: /tmp
    env:
    - {name: GREETING, value: hello}
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: POD_NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: e2e-secret, key: password}}}
    - {name: ABSENT, valueFrom: {secretKeyRef: {name: no-such-secret, key: x, optional: true}}}
    - {name: MODE, valueFrom: {configMapKeyRef: {name: e2e-config, key: MODE}}}
    - {name: COMBINED, value: '\$(GREETING)-\$(POD_NAME)'}"
  echo ---
  pod oom busybox 'head -c 300m /dev/zero | tail' "" \
    "    resources: {limits: {memory: 64Mi}}"
  echo ---
  pod unknown-image nginx:1.27 'true'
  echo ---
  pod deadline busybox 'sleep 60' "  activeDeadlineSeconds: 2"
  echo ---
  pod sleeper busybox 'exec sleep 3607'
  echo ---
  pod user busybox 'id -u > /dev/termination-log; id -g >> /dev/termination-log; touch /data/mine && stat -c %u /data/mine >> /dev/termination-log' \
"  securityContext: {runAsUser: 1000, runAsGroup: 3000, runAsNonRoot: true}
  volumes: [{name: work, emptyDir: {}}]" \
"    securityContext: {allowPrivilegeEscalation: false}
    volumeMounts: [{name: work, mountPath: /data}]"
  echo ---
  pod start-error busybox 'true'
  echo ---
  # in the image: the probe reads an image file, a host file, the service account files and env
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: image, namespace: $NS}
spec:
  restartPolicy: Never
  nodeSelector: {kubernetes.io/hostname: $NODE}
  tolerations: [{operator: Exists}]
  containers:
  - name: main
    image: $IMAGE_REF
    args: [cat, /image-file, cat, $DEV_DIR/node/e2e.sh, env, FROM_IMAGE, pwd, id, write, /tmp/w, x,
      env, KUBERNETES_SERVICE_HOST, cat, /var/run/secrets/kubernetes.io/serviceaccount/namespace]
    securityContext: {runAsUser: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Pod
metadata: {name: image-ca, namespace: $NS}
spec:
  restartPolicy: Never
  nodeSelector: {kubernetes.io/hostname: $NODE}
  tolerations: [{operator: Exists}]
  containers:
  - name: main
    image: $IMAGE_REF
    args: [cat, /var/run/secrets/kubernetes.io/serviceaccount/ca.crt]
---
apiVersion: v1
kind: Pod
metadata: {name: unknown-archive-image, namespace: $NS}
spec:
  restartPolicy: Never
  nodeSelector: {kubernetes.io/hostname: $NODE}
  tolerations: [{operator: Exists}]
  containers:
  - {name: main, image: "e2e/probe:no-such-tag"}
EOF
  echo ---
  pod java busybox 'java -XshowSettings:system -version 2>&1 | grep -E "Provider|Memory Limit" > /dev/termination-log' "" \
    "    resources: {limits: {memory: 256Mi, cpu: 500m}}"
} >"/tmp/node-e2e-$$.yaml"
# start-error: a command that does not exist
sed -i '/name: start-error/,/^---/ s/command: \[sh, -c\]/command: [no-such-command]/' "/tmp/node-e2e-$$.yaml"
t0=$SECONDS
if ! k apply -f "/tmp/node-e2e-$$.yaml" >/dev/null; then
  fail "apply the test Pods" "see /tmp/node-e2e-$$.yaml"
fi
rm -f "/tmp/node-e2e-$$.yaml"

# --- a Pod that echoes to its termination message succeeds with that message
if wait_until 60 terminal ok; then
  expect "ok: phase" "$(phase ok)" Succeeded
  expect "ok: exit code / reason" "$(jp ok '{.status.containerStatuses[0].state.terminated.exitCode}/{.status.containerStatuses[0].state.terminated.reason}')" "0/Completed"
  expect "ok: termination message" "$(jp ok '{.status.containerStatuses[0].state.terminated.message}')" done-message
  expect "ok: podIP/hostIP" "$(jp ok '{.status.podIP}/{.status.hostIP}')" 127.0.0.1/127.0.0.1
  expect "ok: conditions" "$(jp ok '{range .status.conditions[*]}{.type}={.status} {end}')" \
    "PodReadyToStartContainers=False Initialized=True Ready=False ContainersReady=False PodScheduled=True "
  expect "ok: imageID / restartCount" "$(jp ok '{.status.containerStatuses[0].imageID}/{.status.containerStatuses[0].restartCount}')" \
    "$(jp ok '{.status.containerStatuses[0].imageID}' | grep '^stratoflow-node://busybox@sha256:')/0"
  logfile="$(ls "${STRATOFLOW_CLUSTER_DIR:-${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}/cluster}/nodes/$NODE/pods/${NS}_ok_"*/main.log 2>/dev/null | head -1)"
  expect "ok: output saved to <state>/pods/<ns>_<name>_<uid>/main.log" "$(cat "$logfile" 2>/dev/null)" "to the log"
else
  fail "ok: did not end within 60 s" "phase $(phase ok)"
fi

# --- exit 3 fails the Pod; FallbackToLogsOnError takes the log tail as the message
if wait_until 60 terminal exit3; then
  expect "exit3: phase" "$(phase exit3)" Failed
  expect "exit3: exit code / reason" "$(jp exit3 '{.status.containerStatuses[0].state.terminated.exitCode}/{.status.containerStatuses[0].state.terminated.reason}')" "3/Error"
  expect "exit3: message from the logs" "$(jp exit3 '{.status.containerStatuses[0].state.terminated.message}')" "first line
last line"
else
  fail "exit3: did not end within 60 s" "phase $(phase exit3)"
fi

# --- the init container runs, to its end, before the container (shared emptyDir)
if wait_until 60 terminal init; then
  expect "init: phase" "$(phase init)" Succeeded
  expect "init: order seen through the emptyDir" "$(jp init '{.status.containerStatuses[0].state.terminated.message}')" "init
main"
  expect "init: init container status" "$(jp init '{.status.initContainerStatuses[0].state.terminated.reason}/{.status.initContainerStatuses[0].ready}')" "Completed/true"
  init_end="$(jp init '{.status.initContainerStatuses[0].state.terminated.finishedAt}')"
  main_start="$(jp init '{.status.containerStatuses[0].state.terminated.startedAt}')"
  if [[ ! "$main_start" < "$init_end" ]]; then pass "init: main started ($main_start) after init finished ($init_end)"
  else fail "init: main started before init finished" "$main_start < $init_end"; fi
else
  fail "init: did not end within 60 s" "phase $(phase init)"
fi

# --- environment: value, fieldRef, secretKeyRef (optional absent), configMapKeyRef, $(VAR), workingDir
if wait_until 60 terminal env; then
  expect "env: value/fieldRef/secretKeyRef/configMapKeyRef/\$(VAR)/workingDir" \
    "$(jp env '{.status.containerStatuses[0].state.terminated.message}')" \
    "hello|env|$NS|$NODE|127.0.0.1|s3cret|unset|fast|hello-env|/tmp"
else
  fail "env: did not end within 60 s" "phase $(phase env) $(jp env '{.status.containerStatuses[0].state}')"
fi

# --- memory limit: 300 MB through tail with a 64Mi limit is OOMKilled
if wait_until 60 terminal oom; then
  expect "oom: phase" "$(phase oom)" Failed
  expect "oom: reason / exit code" "$(jp oom '{.status.containerStatuses[0].state.terminated.reason}/{.status.containerStatuses[0].state.terminated.exitCode}')" "OOMKilled/137"
else
  fail "oom: did not end within 60 s" "phase $(phase oom)"
fi

# --- an image the node does not know: ErrImagePull, then ImagePullBackOff, Pod stays Pending
waiting_reason() { jp unknown-image '{.status.containerStatuses[0].state.waiting.reason}'; }
if wait_until 30 test -n "$(waiting_reason)"; then :; fi
reason="$(waiting_reason)"
if [[ "$reason" == ErrImagePull || "$reason" == ImagePullBackOff ]]; then pass "unknown-image: waiting $reason"
else fail "unknown-image: waiting reason" "got '$reason'"; fi
expect_contains "unknown-image: message names the image and the known ones" \
  "$(jp unknown-image '{.status.containerStatuses[0].state.waiting.message}')" '"nginx:1.27" is not known to this node'
backoff() { [[ "$(waiting_reason)" == ImagePullBackOff ]]; }
if wait_until 30 backoff; then pass "unknown-image: ImagePullBackOff after a few seconds"; else fail "unknown-image: no ImagePullBackOff" "$(waiting_reason)"; fi
expect "unknown-image: phase" "$(phase unknown-image)" Pending

# --- a Pod whose image is an archive runs inside the image's root file system
if wait_until 90 terminal image; then
  expect "image: phase / exit code" "$(jp image '{.status.phase}/{.status.containerStatuses[0].state.terminated.exitCode}')" "Succeeded/0"
  expect "image: image file seen, host file not, image env, workingDir, user, writable root, in-cluster env, token volume" \
    "$(jp image '{.status.containerStatuses[0].state.terminated.message}')" \
    "from the image|missing|yes|/tmp|1000:1000|wrote|127.0.0.1|$NS"
  expect "image: imageID names the manifest digest" "$(jp image '{.status.containerStatuses[0].imageID}')" "e2e/probe@$image_digest"
else
  fail "image: did not end within 90 s" "phase $(phase image) $(jp image '{.status.containerStatuses[0].state}')"
fi
if wait_until 60 terminal image-ca; then
  expect_contains "image-ca: the service account volume has the cluster's ca.crt" \
    "$(jp image-ca '{.status.containerStatuses[0].state.terminated.message}')" "BEGIN CERTIFICATE"
else
  fail "image-ca: did not end within 60 s" "phase $(phase image-ca)"
fi
# --- an unknown tag of an archive's image: ErrImagePull naming the reference and where the node looked
archive_waiting() { [[ -n "$(jp unknown-archive-image '{.status.containerStatuses[0].state.waiting.reason}')" ]]; }
wait_until 30 archive_waiting
expect_contains "unknown-archive-image: waiting ErrImagePull or ImagePullBackOff" \
  "$(jp unknown-archive-image '{.status.containerStatuses[0].state.waiting.reason}')" "ImagePull"
expect_contains "unknown-archive-image: message names the reference and the archive directories" \
  "$(jp unknown-archive-image '{.status.containerStatuses[0].state.waiting.message}')" \
  "\"e2e/probe:no-such-tag\" is not known to this node (stratoflow-node runs images from the image archives (*.tar) in "
k delete pod unknown-archive-image --wait=false >/dev/null

# --- activeDeadlineSeconds
if wait_until 30 terminal deadline; then
  expect "deadline: phase / reason" "$(jp deadline '{.status.phase}/{.status.reason}')" "Failed/DeadlineExceeded"
  started="$(jp deadline '{.status.startTime}')"
  log "deadline: started $started, ended $(jp deadline '{.status.containerStatuses[0].state.terminated.finishedAt}')"
else
  fail "deadline: not failed within 30 s" "phase $(phase deadline)"
fi

# --- runAsUser/runAsGroup; the emptyDir is writable by that user
if wait_until 60 terminal user; then
  expect "user: id -u / id -g / owner of a file it wrote" "$(jp user '{.status.containerStatuses[0].state.terminated.message}')" "1000
3000
1000"
else
  fail "user: did not end within 60 s" "phase $(phase user) $(jp user '{.status.containerStatuses[0].state}')"
fi

# --- a command that does not exist: StartError, exit code 128
if wait_until 60 terminal start-error; then
  expect "start-error: phase / reason / exit code" \
    "$(jp start-error '{.status.phase}/{.status.containerStatuses[0].state.terminated.reason}/{.status.containerStatuses[0].state.terminated.exitCode}')" "Failed/StartError/128"
else
  fail "start-error: did not end within 60 s" "phase $(phase start-error)"
fi

# --- a JVM sees the container's memory limit (when java is on the node's PATH)
if command -v java >/dev/null; then
  if wait_until 90 terminal java; then
    msg="$(jp java '{.status.containerStatuses[0].state.terminated.message}')"
    expect_contains "java: -XshowSettings:system sees the 256Mi limit" "$msg" "Memory Limit: 256.00M"
    log "java inside the container: $(tr '\n' ';' <<<"$msg")"
  else
    fail "java: did not end within 90 s" "phase $(phase java)"
  fi
fi

# --- deleting a running Pod kills its process and the Pod goes away
if wait_until 60 is_phase sleeper Running; then
  pid="$(jp sleeper '{.status.containerStatuses[0].containerID}')"; pid="${pid##*/}"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q 3607 "/proc/$pid/cmdline"; then pass "sleeper: process $pid runs"
  else fail "sleeper: process of containerID not found" "pid '$pid'"; fi
  t1=$SECONDS
  k delete pod sleeper --wait=true --timeout=60s >/dev/null
  expect "sleeper: Pod removed after delete" "$(k get pod sleeper -o name 2>&1 | grep -c 'pod/sleeper')" 0
  if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then pass "sleeper: process killed ($((SECONDS - t1)) s)"
  else fail "sleeper: process $pid still alive"; fi
else
  fail "sleeper: not Running within 60 s" "phase $(phase sleeper)"
fi

# --- deleting a Pending Pod (never started) removes it
k delete pod unknown-image --wait=true --timeout=30s >/dev/null
expect "unknown-image: deleted" "$(k get pod unknown-image -o name 2>/dev/null)" ""

# --- probes: readiness follows an httpGet probe on a listener this script runs (python3)
if command -v python3 >/dev/null; then
  probe_dir="$(mktemp -d)"
  probe_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  python3 -m http.server --bind 127.0.0.1 --directory "$probe_dir" "$probe_port" >/dev/null 2>&1 &
  probe_server=$!
  pod probed busybox 'exec sleep 3609' "" \
"    ports: [{name: http, containerPort: $probe_port}]
    readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 1, failureThreshold: 2}
    livenessProbe: {tcpSocket: {port: $probe_port}, periodSeconds: 1, failureThreshold: 3}" | k apply -f - >/dev/null
  ready_is() { [[ "$(jp probed '{.status.containerStatuses[0].ready}/{.status.conditions[?(@.type=="Ready")].status}')" == "$1" ]]; }
  if wait_until 60 is_phase probed Running; then
    sleep 3
    expect "probed: running, not ready while the probe answers 404" "$(jp probed '{.status.containerStatuses[0].ready}/{.status.conditions[?(@.type=="Ready")].status}/{.status.conditions[?(@.type=="ContainersReady")].status}')" "false/False/False"
    touch "$probe_dir/ready"
    if wait_until 30 ready_is true/True; then pass "probed: ready once /ready answers 200"; else fail "probed: not ready after /ready answers 200" "$(jp probed '{.status.containerStatuses[0]}')"; fi
    rm -f "$probe_dir/ready"
    if wait_until 30 ready_is false/False; then pass "probed: not ready again after 404s"; else fail "probed: still ready after /ready answers 404"; fi
    expect "probed: tcpSocket liveness passes (no restart)" "$(jp probed '{.status.containerStatuses[0].restartCount}/{.status.containerStatuses[0].started}')" "0/true"
    unhealthy="$(k get events --field-selector involvedObject.name=probed,reason=Unhealthy -o jsonpath='{.items[*].message}')"
    expect_contains "probed: Unhealthy event" "$unhealthy" "Readiness probe failed: HTTP probe failed with statuscode: 404"
  else
    fail "probed: not Running within 60 s" "phase $(phase probed)"
  fi
  kill "$probe_server" 2>/dev/null
  rm -rf "$probe_dir"
  k delete pod probed --wait=false >/dev/null
else
  log "probed: skipped (no python3 for the probe's listener)"
fi

# --- restartPolicy Always: a container that exits 1 is restarted in place, with back-off
pod crashloop busybox 'echo crashed; exit 1' | sed 's/restartPolicy: Never/restartPolicy: Always/' | k apply -f - >/dev/null
crashloop_seen=""
crash_restarted() {
  [[ "$(jp crashloop '{.status.containerStatuses[0].state.waiting.reason}')" == CrashLoopBackOff ]] && crashloop_seen=1
  [[ -n "$crashloop_seen" && "$(jp crashloop '{.status.containerStatuses[0].restartCount}')" -ge 2 ]]
}
t1=$SECONDS
until crash_restarted || (( SECONDS - t1 > 120 )); do sleep 0.5; done
if crash_restarted; then
  pass "crashloop: restarted twice, CrashLoopBackOff seen ($((SECONDS - t1)) s)"
  expect "crashloop: phase Running, lastState exit code 1 / Error" \
    "$(jp crashloop '{.status.phase}/{.status.containerStatuses[0].lastState.terminated.exitCode}/{.status.containerStatuses[0].lastState.terminated.reason}')" "Running/1/Error"
  backoff_event="$(k get events --field-selector involvedObject.name=crashloop,reason=BackOff -o jsonpath='{.items[*].message}')"
  expect_contains "crashloop: BackOff event" "$backoff_event" "Back-off restarting failed container main"
else
  fail "crashloop: not restarted twice with CrashLoopBackOff within 120 s" "$(jp crashloop '{.status.containerStatuses[0]}')"
fi
k delete pod crashloop --wait=true --timeout=60s >/dev/null
expect "crashloop: deleted" "$(k get pod crashloop -o name 2>/dev/null)" ""

# --- many Pods at once
log "many: $MANY Pods"
t1=$SECONDS
for (( i=0; i<MANY; i++ )); do
  [[ $i -gt 0 ]] && echo ---
  pod "many-$i" busybox "printf $i > /dev/termination-log"
done | k apply -f - >/dev/null
all_done() {
  local n
  n="$(k get pods -l '!nonexistent' -o jsonpath='{range .items[*]}{.metadata.name} {.status.phase}{"\n"}{end}' | grep -c '^many-[0-9]* Succeeded$')"
  [[ "$n" == "$MANY" ]]
}
if wait_until 300 all_done; then
  pass "many: $MANY Pods Succeeded in $((SECONDS - t1)) s"
  expect "many: message of many-$((MANY - 1))" "$(jp "many-$((MANY - 1))" '{.status.containerStatuses[0].state.terminated.message}')" "$((MANY - 1))"
else
  fail "many: not all $MANY Pods Succeeded within 300 s" "$(k get pods --no-headers | awk '$1 ~ /^many-/ {print $3}' | sort | uniq -c | tr '\n' ' ')"
fi

# --- node restart: a running Pod whose process is gone is failed with NodeRestarted
if [[ "${E2E_RESTART:-1}" == 1 ]]; then
  cluster_dir="${STRATOFLOW_CLUSTER_DIR:-${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}/cluster}"
  component="node-$NODE"
  node_pid="$(cat "$cluster_dir/$component.pid" 2>/dev/null)"
  pod restart busybox 'exec sleep 3608' | k apply -f - >/dev/null
  if [[ -n "$node_pid" ]] && wait_until 60 is_phase restart Running; then
    pid="$(jp restart '{.status.containerStatuses[0].containerID}')"; pid="${pid##*/}"
    kill -TERM "$node_pid"
    wait_until 30 bash -c "! kill -0 $node_pid 2>/dev/null"
    if ! kill -0 "$pid" 2>/dev/null; then pass "restart: stopping the node killed its processes"
    else fail "restart: process $pid outlived the node"; fi
    "$DEV_DIR/cluster" up >/dev/null 2>&1
    if wait_until 60 terminal restart; then
      expect "restart: Pod failed as NodeRestarted" "$(jp restart '{.status.phase}/{.status.reason}/{.status.containerStatuses[0].state.terminated.reason}')" \
        "Failed/NodeRestarted/ContainerStatusUnknown"
    else
      fail "restart: Pod not failed within 60 s after the node restarted" "phase $(phase restart)"
    fi
  else
    fail "restart: no node pid in $cluster_dir/$component.pid or Pod not Running" "phase $(phase restart)"
  fi
fi

log "took $((SECONDS - t0)) s"
if [[ "${E2E_KEEP:-0}" != 1 ]]; then
  kubectl delete namespace "$NS" --wait=false >/dev/null
  rm -f "$cluster_dir/images/e2e-probe.oci.tar"
fi
echo "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
