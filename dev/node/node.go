package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
)

// config is the node's configuration, from its flags.
type config struct {
	nodeName          string
	labels            map[string]string
	taints            []v1.Taint
	capacity          v1.ResourceList
	allocatable       v1.ResourceList
	imagesFile        string
	stateDir          string
	nodeIP            string
	apiHost, apiPort  string
	kubeletVersion    string
	leaseDuration     int32
	leaseRenew        time.Duration
	statusInterval    time.Duration
	maxParallelStarts int
	retryInterval     time.Duration
	pullBackOffAfter  time.Duration
	cgroupName        string
	restartBackoff    time.Duration // first crash-loop back-off (10 s), doubled up to restartBackoffMax
	restartBackoffMax time.Duration
	probeSecond       time.Duration // a probe's second (time.Second; shorter in tests)
}

// node is the running node: its registration, heartbeats and Pod workers.
type node struct {
	cfg      config
	client   kubernetes.Interface
	images   *imageStore   // the stand-in map (images.json); nil if the node has none
	archives *archiveStore // the image archives; nil if the node has none
	cg       *cgroups
	self     string
	startSem chan struct{}
	objects  objectSource
	logf     func(string, ...any)

	ctx context.Context
	wg  sync.WaitGroup

	mu      sync.Mutex
	workers map[types.UID]*podWorker
}

// apiObjects reads Secrets and ConfigMaps straight from the API server.
type apiObjects struct{ client kubernetes.Interface }

func (a apiObjects) Secret(ctx context.Context, ns, name string) (*v1.Secret, error) {
	return a.client.CoreV1().Secrets(ns).Get(ctx, name, metav1.GetOptions{})
}

func (a apiObjects) ConfigMap(ctx context.Context, ns, name string) (*v1.ConfigMap, error) {
	return a.client.CoreV1().ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
}

func metav1CreateOptions() metav1.CreateOptions { return metav1.CreateOptions{} }

// register creates the Node, or updates the labels, taints and status of an existing one.
func (n *node) register(ctx context.Context) error {
	nodes := n.client.CoreV1().Nodes()
	err := retry.RetryOnConflict(retry.DefaultBackoff, func() error {
		existing, err := nodes.Get(ctx, n.cfg.nodeName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			obj := &v1.Node{
				ObjectMeta: metav1.ObjectMeta{Name: n.cfg.nodeName, Labels: n.cfg.labels,
					Annotations: map[string]string{"stratoflow.io/exec-node": "stratoflow-node"}},
				Spec: v1.NodeSpec{Taints: n.cfg.taints},
			}
			_, err = nodes.Create(ctx, obj, metav1.CreateOptions{})
			return err
		}
		if err != nil {
			return err
		}
		if existing.Annotations["kwok.x-k8s.io/node"] == "fake" {
			return fmt.Errorf("node %s is a KWOK node (annotation kwok.x-k8s.io/node=fake): choose another --node-name", n.cfg.nodeName)
		}
		if existing.Labels == nil {
			existing.Labels = map[string]string{}
		}
		for k, v := range n.cfg.labels {
			existing.Labels[k] = v
		}
		if existing.Annotations == nil {
			existing.Annotations = map[string]string{}
		}
		existing.Annotations["stratoflow.io/exec-node"] = "stratoflow-node"
		// Taints of the node lifecycle controller stay; the others are this node's flags.
		taints := append([]v1.Taint(nil), n.cfg.taints...)
		for _, t := range existing.Spec.Taints {
			if strings.HasPrefix(t.Key, "node.kubernetes.io/") {
				taints = append(taints, t)
			}
		}
		existing.Spec.Taints = taints
		_, err = nodes.Update(ctx, existing, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return err
	}
	return n.updateStatus(ctx)
}

func (n *node) nodeStatus(previous []v1.NodeCondition) v1.NodeStatus {
	now := metav1.Now()
	cond := func(t v1.NodeConditionType, s v1.ConditionStatus, reason, msg string) v1.NodeCondition {
		c := v1.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg, LastHeartbeatTime: now, LastTransitionTime: now}
		for _, p := range previous {
			if p.Type == t && p.Status == s && !p.LastTransitionTime.IsZero() {
				c.LastTransitionTime = p.LastTransitionTime
			}
		}
		return c
	}
	var uts syscall.Utsname
	kernel := ""
	if syscall.Uname(&uts) == nil {
		var b strings.Builder
		for _, c := range uts.Release {
			if c == 0 {
				break
			}
			b.WriteByte(byte(c))
		}
		kernel = b.String()
	}
	bootID, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	machineID, _ := os.ReadFile("/etc/machine-id")
	return v1.NodeStatus{
		Capacity:    n.cfg.capacity,
		Allocatable: n.cfg.allocatable,
		Phase:       v1.NodeRunning,
		Conditions: []v1.NodeCondition{
			cond(v1.NodeMemoryPressure, v1.ConditionFalse, "KubeletHasSufficientMemory", "stratoflow-node has sufficient memory available"),
			cond(v1.NodeDiskPressure, v1.ConditionFalse, "KubeletHasNoDiskPressure", "stratoflow-node has no disk pressure"),
			cond(v1.NodePIDPressure, v1.ConditionFalse, "KubeletHasSufficientPID", "stratoflow-node has sufficient PID available"),
			cond(v1.NodeReady, v1.ConditionTrue, "KubeletReady", "stratoflow-node is posting ready status"),
		},
		Addresses: []v1.NodeAddress{{Type: v1.NodeInternalIP, Address: n.cfg.nodeIP}, {Type: v1.NodeHostName, Address: n.cfg.nodeName}},
		NodeInfo: v1.NodeSystemInfo{
			MachineID:               strings.TrimSpace(string(machineID)),
			BootID:                  strings.TrimSpace(string(bootID)),
			KernelVersion:           kernel,
			OSImage:                 "stratoflow-node (processes on the host, memory limits: " + string(n.cg.kind) + ")",
			ContainerRuntimeVersion: "stratoflow-node://" + version,
			KubeletVersion:          n.cfg.kubeletVersion,
			OperatingSystem:         runtime.GOOS,
			Architecture:            runtime.GOARCH,
		},
	}
}

// updateStatus writes the Node's status: Ready, capacity, addresses, fresh heartbeat times.
func (n *node) updateStatus(ctx context.Context) error {
	nodes := n.client.CoreV1().Nodes()
	return retry.RetryOnConflict(retry.DefaultBackoff, func() error {
		existing, err := nodes.Get(ctx, n.cfg.nodeName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		existing.Status = n.nodeStatus(existing.Status.Conditions)
		_, err = nodes.UpdateStatus(ctx, existing, metav1.UpdateOptions{})
		return err
	})
}

// renewLease creates or renews the node's Lease in kube-node-lease, as a kubelet does.
func (n *node) renewLease(ctx context.Context) error {
	leases := n.client.CoordinationV1().Leases(v1.NamespaceNodeLease)
	now := metav1.NewMicroTime(time.Now())
	holder := n.cfg.nodeName
	lease, err := leases.Get(ctx, n.cfg.nodeName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		nodeObj, err := n.client.CoreV1().Nodes().Get(ctx, n.cfg.nodeName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		lease = &coordv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: n.cfg.nodeName, Namespace: v1.NamespaceNodeLease,
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: nodeObj.Name, UID: nodeObj.UID}}},
			Spec: coordv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &n.cfg.leaseDuration, RenewTime: &now},
		}
		_, err = leases.Create(ctx, lease, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	lease.Spec.HolderIdentity = &holder
	lease.Spec.LeaseDurationSeconds = &n.cfg.leaseDuration
	lease.Spec.RenewTime = &now
	_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
	return err
}

// heartbeats keeps the Lease and the Ready condition fresh until ctx ends.
func (n *node) heartbeats(ctx context.Context) {
	lease := time.NewTicker(n.cfg.leaseRenew)
	status := time.NewTicker(n.cfg.statusInterval)
	defer lease.Stop()
	defer status.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-lease.C:
			if err := n.renewLease(ctx); err != nil && ctx.Err() == nil {
				n.logf("lease: %v", err)
			}
		case <-status.C:
			if err := n.updateStatus(ctx); err != nil && ctx.Err() == nil {
				n.logf("node status: %v", err)
			}
		}
	}
}

// watchPods runs an informer on the Pods bound to this node.
func (n *node) watchPods(ctx context.Context) cache.SharedIndexInformer {
	factory := informers.NewSharedInformerFactoryWithOptions(n.client, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.FieldSelector = "spec.nodeName=" + n.cfg.nodeName }))
	inf := factory.Core().V1().Pods().Informer()
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { n.onPod(obj) },
		UpdateFunc: func(_, obj any) { n.onPod(obj) },
		DeleteFunc: n.onPodDeleted,
	})
	factory.Start(ctx.Done())
	return inf
}

// onPod reacts to a Pod bound to this node (informer callbacks: never blocks).
func (n *node) onPod(obj any) {
	pod, ok := obj.(*v1.Pod)
	if !ok {
		return
	}
	n.mu.Lock()
	if w := n.workers[pod.UID]; w != nil {
		n.mu.Unlock()
		w.update(pod)
		return
	}
	switch {
	case n.ctx.Err() != nil:
		n.mu.Unlock()
	case terminal(pod.Status.Phase):
		n.mu.Unlock()
		if pod.DeletionTimestamp != nil {
			go n.deletePod(pod.Namespace, pod.Name, pod.UID)
		}
	case pod.Status.StartTime != nil:
		// Started by an earlier run of this node: its processes are gone.
		n.mu.Unlock()
		go n.failRestarted(pod)
	case pod.DeletionTimestamp != nil:
		n.mu.Unlock()
		go n.deletePod(pod.Namespace, pod.Name, pod.UID)
	default:
		w := newPodWorker(n, pod)
		n.workers[pod.UID] = w
		n.wg.Add(1)
		n.mu.Unlock()
		n.logf("pod %s/%s: starting", pod.Namespace, pod.Name)
		go w.run()
	}
}

func (n *node) onPodDeleted(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	pod, ok := obj.(*v1.Pod)
	if !ok {
		return
	}
	n.mu.Lock()
	w := n.workers[pod.UID]
	delete(n.workers, pod.UID)
	n.mu.Unlock()
	if w == nil {
		return
	}
	w.gone()
	go func() {
		<-w.done
		// The Pod's volumes and containers' writes go with it; its logs stay.
		_ = os.RemoveAll(filepath.Join(w.dir, "volumes"))
		_ = os.RemoveAll(filepath.Join(w.dir, "rootfs"))
	}()
}

// failRestarted fails a Pod this node had started before it restarted.
func (n *node) failRestarted(pod *v1.Pod) {
	now := time.Now()
	st := podState{Phase: v1.PodFailed, Reason: "NodeRestarted",
		Message: "stratoflow-node restarted while the Pod ran: its processes are gone", StartTime: pod.Status.StartTime.Time}
	lost := func(specs []v1.Container, statuses []v1.ContainerStatus) []ctrState {
		var out []ctrState
		for _, c := range specs {
			s := ctrState{Name: c.Name, Image: c.Image, Phase: cTerminated, ExitCode: 137, Reason: "ContainerStatusUnknown",
				Message: "The container could not be located when the pod was terminated", FinishedAt: now, StartedAt: now}
			for _, old := range statuses {
				if old.Name != c.Name {
					continue
				}
				s.ImageID, s.ContainerID = old.ImageID, old.ContainerID
				switch {
				case old.State.Terminated != nil:
					t := old.State.Terminated
					s.ExitCode, s.Reason, s.Message = t.ExitCode, t.Reason, t.Message
					s.StartedAt, s.FinishedAt = t.StartedAt.Time, t.FinishedAt.Time
				case old.State.Running != nil:
					s.StartedAt = old.State.Running.StartedAt.Time
				}
			}
			out = append(out, s)
		}
		return out
	}
	st.Init = lost(pod.Spec.InitContainers, pod.Status.InitContainerStatuses)
	st.Main = lost(pod.Spec.Containers, pod.Status.ContainerStatuses)
	w := &podWorker{n: n, uid: pod.UID, ns: pod.Namespace, name: pod.Name, pod: pod, st: st, abort: make(chan stopKind, 8), done: make(chan struct{})}
	w.publish()
	n.logf("pod %s/%s: Failed (NodeRestarted)", pod.Namespace, pod.Name)
	if pod.DeletionTimestamp != nil {
		n.deletePod(pod.Namespace, pod.Name, pod.UID)
	}
}

// deletePod removes a Pod whose containers ended, with grace period 0 (as a kubelet does).
func (n *node) deletePod(ns, name string, uid types.UID) {
	zero := int64(0)
	for attempt := 0; attempt < 8; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := n.client.CoreV1().Pods(ns).Delete(ctx, name,
			metav1.DeleteOptions{GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &uid}})
		cancel()
		if err == nil || apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return
		}
		n.logf("pod %s/%s: delete (try %d): %v", ns, name, attempt+1, err)
		time.Sleep(time.Duration(200<<attempt) * time.Millisecond)
	}
}

// shutdown stops every Pod's processes (the Pods themselves stay as they are).
func (n *node) shutdown(timeout time.Duration) {
	n.mu.Lock()
	workers := make([]*podWorker, 0, len(n.workers))
	for _, w := range n.workers {
		workers = append(workers, w)
	}
	n.mu.Unlock()
	for _, w := range workers {
		w.signal(stopShutdown)
	}
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		n.logf("some Pods did not stop within %s", timeout)
	}
	n.cg.cleanStale()
	n.cg.removeParents()
}
