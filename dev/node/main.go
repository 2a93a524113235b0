// Command stratoflow-node is a small test kubelet: it registers a Node and runs the Pods bound
// to it as local processes (one mount namespace and memory cgroup per container, inside an
// overlay of the image's unpacked root file system for images from OCI archives), with their
// probes and restarts, reporting their status like a kubelet. See dev/README.md.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

const version = "0.1.0"

func main() {
	if len(os.Args) > 2 && os.Args[1] == helperCommand {
		helperMain(os.Args[2])
		return
	}
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "stratoflow-node:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("stratoflow-node", flag.ContinueOnError)
	kubeconfig := fs.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the API server (default $KUBECONFIG)")
	nodeName := fs.String("node-name", "exec-1", "name of the Node")
	labels := fs.String("labels", "type=exec,stratoflow.io/pool-group=exec", "Node labels k=v,... (kubernetes.io/hostname, /os and /arch are added)")
	taints := fs.String("taints", "stratoflow.io/exec=true:NoSchedule", "Node taints key=value:Effect,... (empty: none)")
	cpu := fs.String("cpu", "8", "cpu capacity")
	memory := fs.String("memory", "16Gi", "memory capacity")
	pods := fs.String("pods", "110", "pods capacity")
	ephemeral := fs.String("ephemeral-storage", "100Gi", "ephemeral-storage capacity")
	extended := fs.String("extended-resources", "", "further capacity name=quantity,..., e.g. nvidia.com/gpu=8")
	images := fs.String("images", "", "stand-in image map JSON file, e.g. dev/node/images.json (busybox = the host's shell)")
	var imageDirs []string
	fs.Func("image-dir", "directory of OCI image archives (*.tar), or one archive; repeatable, or a list separated by ':' (default $"+imageDirEnv+")",
		func(v string) error { imageDirs = append(imageDirs, filepath.SplitList(v)...); return nil })
	imageCache := fs.String("image-cache", defaultImageCache(), "where images are unpacked: <dir>/<manifest digest>/rootfs")
	stateDir := fs.String("state-dir", "", "directory for Pod logs, volumes and termination messages (default /var/lib/stratoflow-node/<node-name>)")
	nodeIP := fs.String("node-ip", "127.0.0.1", "InternalIP of the node, also each Pod's podIP and hostIP")
	kubeletVersion := fs.String("kubelet-version", "v1.33.13", "kubelet version the Node reports")
	leaseDuration := fs.Int("lease-duration", 40, "node Lease duration in seconds")
	leaseRenew := fs.Duration("lease-renew", 10*time.Second, "how often the Lease is renewed")
	statusInterval := fs.Duration("status-interval", 30*time.Second, "how often the Node status (Ready heartbeat) is written")
	parallelStarts := fs.Int("max-parallel-starts", 4*runtime.NumCPU(), "container processes started at once")
	retryInterval := fs.Duration("retry-interval", 2*time.Second, "how often a waiting container (unknown image, missing Secret) is tried again")
	pullBackOff := fs.Duration("image-pull-backoff-after", 5*time.Second, "time in ErrImagePull before ImagePullBackOff")
	restartBackoff := fs.Duration("restart-backoff", 10*time.Second, "first crash-loop back-off of a restarted container (restartPolicy Always/OnFailure), doubled each restart")
	restartBackoffMax := fs.Duration("restart-backoff-max", 5*time.Minute, "longest crash-loop back-off; a container that ran twice as long starts over")
	qps := fs.Float64("kube-api-qps", 100, "client requests per second to the API server")
	burst := fs.Int("kube-api-burst", 200, "client burst to the API server")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: stratoflow-node (--image-dir DIR... | --images FILE | both) [flags]

A test kubelet: registers a Node and runs its Pods as local processes. Images come from OCI
image archives (*.tar in the --image-dir directories, unpacked once into --image-cache, each
container in an overlay of its image's root) or, for busybox-like test images, from the
stand-in map of --images (the host's root file system). Needs root. See dev/README.md.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *showVersion {
		fmt.Println("stratoflow-node", version)
		return nil
	}
	if len(imageDirs) == 0 {
		imageDirs = filepath.SplitList(os.Getenv(imageDirEnv))
	}
	imageDirs = nonEmpty(imageDirs)
	if *images == "" && len(imageDirs) == 0 {
		return fmt.Errorf("--images or --image-dir (or $%s) is required", imageDirEnv)
	}
	logger := log.New(os.Stderr, "", log.LstdFlags|log.Lmicroseconds)
	logf := func(format string, a ...any) { logger.Printf(format, a...) }

	cfg := config{
		nodeName: *nodeName, nodeIP: *nodeIP, kubeletVersion: *kubeletVersion,
		leaseDuration: int32(*leaseDuration), leaseRenew: *leaseRenew, statusInterval: *statusInterval,
		maxParallelStarts: *parallelStarts, retryInterval: *retryInterval, pullBackOffAfter: *pullBackOff,
		stateDir: *stateDir, restartBackoff: *restartBackoff, restartBackoffMax: *restartBackoffMax, probeSecond: time.Second,
	}
	if cfg.stateDir == "" {
		cfg.stateDir = filepath.Join("/var/lib/stratoflow-node", cfg.nodeName)
	}
	var err error
	if cfg.stateDir, err = filepath.Abs(cfg.stateDir); err != nil {
		return err
	}
	if cfg.maxParallelStarts < 1 {
		cfg.maxParallelStarts = 1
	}
	if cfg.labels, err = parseLabels(*labels); err != nil {
		return err
	}
	for k, v := range map[string]string{"kubernetes.io/hostname": cfg.nodeName, "kubernetes.io/os": runtime.GOOS,
		"kubernetes.io/arch": runtime.GOARCH, "beta.kubernetes.io/os": runtime.GOOS, "beta.kubernetes.io/arch": runtime.GOARCH} {
		if _, set := cfg.labels[k]; !set {
			cfg.labels[k] = v
		}
	}
	if cfg.taints, err = parseTaints(*taints); err != nil {
		return err
	}
	cfg.capacity = v1.ResourceList{}
	for name, q := range map[v1.ResourceName]string{v1.ResourceCPU: *cpu, v1.ResourceMemory: *memory, v1.ResourcePods: *pods, v1.ResourceEphemeralStorage: *ephemeral} {
		v, err := resource.ParseQuantity(q)
		if err != nil {
			return fmt.Errorf("--%s=%s: %v", name, q, err)
		}
		cfg.capacity[name] = v
	}
	if err := addExtendedResources(cfg.capacity, *extended); err != nil {
		return err
	}
	cfg.allocatable = cfg.capacity.DeepCopy()

	restConfig, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	restConfig.QPS, restConfig.Burst = float32(*qps), *burst
	restConfig.UserAgent = "stratoflow-node/" + version
	if u, err := url.Parse(restConfig.Host); err == nil {
		host, port, err := net.SplitHostPort(u.Host)
		if err != nil {
			host, port = u.Host, "443"
		}
		cfg.apiHost, cfg.apiPort = host, port
	}
	client, err := kubernetes.NewForConfig(restConfig)
	if err != nil {
		return err
	}
	var store *imageStore
	var known []string
	if *images != "" {
		if store, err = newImageStore(*images, os.LookupEnv, logf); err != nil {
			return err
		}
		cfg.imagesFile = store.path
		known = append(known, store.get().Names()...)
	}
	var archives *archiveStore
	if len(imageDirs) > 0 {
		cache, err := filepath.Abs(*imageCache)
		if err != nil {
			return err
		}
		if archives, err = newArchiveStore(imageDirs, cache, logf); err != nil {
			return err
		}
		known = append(known, archives.Names()...)
	}
	// The helper is this very binary: /proc/self/exe stays it even when a rebuild replaces the
	// file (a new helper protocol must not meet an old node).
	self := "/proc/self/exe"
	if _, err := os.Stat(self); err != nil {
		if self, err = os.Executable(); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(cfg.stateDir, "pods"), 0o755); err != nil {
		return err
	}
	// One cgroup parent per node and state dir: several clusters (each with an exec-1) can run at once.
	sum := sha256.Sum256([]byte(cfg.stateDir))
	cfg.cgroupName = "stratoflow-node-" + cfg.nodeName + "-" + hex.EncodeToString(sum[:4])
	cg := newCgroups(cfg.cgroupName, logf)
	if n := cg.cleanStale(); n > 0 {
		logf("killed the processes of %d container cgroup(s) left by an earlier run", n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := &node{cfg: cfg, client: client, images: store, archives: archives, cg: cg, self: self, logf: logf,
		startSem: make(chan struct{}, cfg.maxParallelStarts), objects: apiObjects{client}, ctx: ctx,
		workers: map[types.UID]*podWorker{}}
	where := []string{}
	if store != nil {
		where = append(where, "map "+store.path)
	}
	if archives != nil {
		where = append(where, "archives in "+strings.Join(archives.dirs, ":")+" unpacked into "+archives.cacheDir)
	}
	logf("stratoflow-node %s: node %s, API %s, images: %s (%s), state %s, memory limits: %s%s",
		version, cfg.nodeName, restConfig.Host, strings.Join(where, ", "), strings.Join(known, ", "), cfg.stateDir, cg.kind,
		map[bool]string{true: ", cpu limits: cgroup v1 cpu", false: ""}[cg.cpuParent != ""])

	regCtx, regCancel := context.WithTimeout(ctx, 2*time.Minute)
	for {
		err = n.register(regCtx)
		if err == nil || regCtx.Err() != nil || strings.Contains(err.Error(), "KWOK node") {
			break
		}
		logf("registering node %s: %v (retrying)", cfg.nodeName, err)
		time.Sleep(time.Second)
	}
	regCancel()
	if err != nil {
		return fmt.Errorf("registering node %s: %w", cfg.nodeName, err)
	}
	if err := n.renewLease(ctx); err != nil {
		logf("lease: %v", err)
	}
	logf("node %s registered and Ready (labels %v, taints %v)", cfg.nodeName, cfg.labels, *taints)
	go n.heartbeats(ctx)
	inf := n.watchPods(ctx)
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		return fmt.Errorf("pod informer did not sync")
	}
	logf("watching Pods with spec.nodeName=%s", cfg.nodeName)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	s := <-sig
	logf("%s: stopping the Pods' processes (the Node and Pods stay in the API server)", s)
	cancel()
	n.shutdown(15 * time.Second)
	logf("stopped")
	return nil
}

// imageDirEnv is the environment variable with the image archive directories (a ':' list),
// used when no --image-dir is given.
const imageDirEnv = "STRATOFLOW_NODE_IMAGE_DIR"

// defaultImageCache is ${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}/images.
func defaultImageCache() string {
	cache := os.Getenv("STRATOFLOW_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "/var/lib"
		}
		cache = filepath.Join(home, ".cache", "stratoflow")
	}
	return filepath.Join(cache, "images")
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func parseLabels(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("label %q is not key=value", kv)
		}
		out[k] = v
	}
	return out, nil
}

// parseTaints reads key[=value]:Effect,...
// addExtendedResources adds "name=quantity,..." to capacity; a name the node already reports is refused.
func addExtendedResources(capacity v1.ResourceList, s string) error {
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, q, ok := strings.Cut(item, "=")
		if !ok || name == "" {
			return fmt.Errorf("--extended-resources: %q is not name=quantity", item)
		}
		if _, known := capacity[v1.ResourceName(name)]; known {
			return fmt.Errorf("--extended-resources: %s has its own flag", name)
		}
		v, err := resource.ParseQuantity(q)
		if err != nil {
			return fmt.Errorf("--extended-resources: %s=%s: %v", name, q, err)
		}
		capacity[v1.ResourceName(name)] = v
	}
	return nil
}

func parseTaints(s string) ([]v1.Taint, error) {
	var out []v1.Taint
	for _, t := range strings.Split(s, ",") {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		kv, effect, ok := strings.Cut(t, ":")
		if !ok {
			return nil, fmt.Errorf("taint %q is not key[=value]:Effect", t)
		}
		k, v, _ := strings.Cut(kv, "=")
		switch v1.TaintEffect(effect) {
		case v1.TaintEffectNoSchedule, v1.TaintEffectPreferNoSchedule, v1.TaintEffectNoExecute:
		default:
			return nil, fmt.Errorf("taint %q: effect must be NoSchedule, PreferNoSchedule or NoExecute", t)
		}
		if k == "" {
			return nil, fmt.Errorf("taint %q has no key", t)
		}
		out = append(out, v1.Taint{Key: k, Value: v, Effect: v1.TaintEffect(effect)})
	}
	return out, nil
}
