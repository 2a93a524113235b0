package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

// testNode is a node on a fake clientset, with the busybox image of the shipped map.
func testNode(t *testing.T) (*node, *fake.Clientset) {
	t.Helper()
	needRoot(t)
	client := fake.NewSimpleClientset()
	images, err := newImageStore("images.json", os.LookupEnv, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	self, _ := os.Executable()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cfg := config{nodeName: "exec-1", nodeIP: "127.0.0.1", stateDir: t.TempDir(), retryInterval: 100 * time.Millisecond,
		pullBackOffAfter: 300 * time.Millisecond, allocatable: v1.ResourceList{v1.ResourceCPU: resource.MustParse("8")}}
	n := &node{cfg: cfg, client: client, images: images, cg: testCgroups(t), self: self, startSem: make(chan struct{}, 4),
		objects: apiObjects{client}, logf: t.Logf, ctx: ctx}
	return n, client
}

func runPod(t *testing.T, n *node, client *fake.Clientset, pod *v1.Pod, until func(*v1.Pod) bool) *v1.Pod {
	t.Helper()
	startPod(t, n, client, pod)
	return waitPod(t, client, pod.Name, "condition", func(*v1.Pod) {}, until)
}

func isTerminal(p *v1.Pod) bool { return terminal(p.Status.Phase) }

func TestWorkerInitThenMainWithEmptyDirAndMessage(t *testing.T) {
	n, client := testNode(t)
	mnt := "/tmp/stratoflow-node-worker-test"
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: v1.PodSpec{
		Volumes: []v1.Volume{{Name: "w", VolumeSource: v1.VolumeSource{EmptyDir: &v1.EmptyDirVolumeSource{}}}},
		InitContainers: []v1.Container{{Name: "init", Image: "busybox", Command: []string{"sh", "-c", "echo init > " + mnt + "/order"},
			VolumeMounts: []v1.VolumeMount{{Name: "w", MountPath: mnt}}}},
		Containers: []v1.Container{{Name: "main", Image: "busybox:1.36", Command: []string{"sh", "-c"},
			Args:         []string{"echo main >> " + mnt + "/order; cat " + mnt + "/order > /dev/termination-log; echo $(GREETING)"},
			Env:          []v1.EnvVar{{Name: "GREETING", Value: "hi"}},
			VolumeMounts: []v1.VolumeMount{{Name: "w", MountPath: mnt}}}},
	}}
	got := runPod(t, n, client, pod, isTerminal)
	if got.Status.Phase != v1.PodSucceeded {
		t.Fatalf("phase %s: %+v", got.Status.Phase, got.Status)
	}
	term := got.Status.ContainerStatuses[0].State.Terminated
	if term == nil || term.Message != "init\nmain\n" || term.Reason != "Completed" {
		t.Fatalf("%+v", got.Status.ContainerStatuses[0])
	}
	if got.Status.InitContainerStatuses[0].State.Terminated == nil || got.Status.StartTime == nil || got.Status.PodIP != "127.0.0.1" {
		t.Fatalf("%+v", got.Status)
	}
	log, _ := os.ReadFile(filepath.Join(n.cfg.stateDir, "pods", "default_p_uid-p", "main.log"))
	if string(log) != "hi\n" {
		t.Fatalf("log %q", log)
	}
}

func TestWorkerFailedInitFailsThePod(t *testing.T) {
	n, client := testNode(t)
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "badinit"}, Spec: v1.PodSpec{
		InitContainers: []v1.Container{{Name: "init", Image: "busybox", Command: []string{"sh", "-c", "exit 2"}}},
		Containers:     []v1.Container{{Name: "main", Image: "busybox", Command: []string{"true"}}},
	}}
	got := runPod(t, n, client, pod, isTerminal)
	if got.Status.Phase != v1.PodFailed || got.Status.Reason != "Error" || got.Status.InitContainerStatuses[0].State.Terminated.ExitCode != 2 {
		t.Fatalf("%+v", got.Status)
	}
	if w := got.Status.ContainerStatuses[0].State.Waiting; w == nil || w.Reason != "PodInitializing" {
		t.Fatalf("main container: %+v", got.Status.ContainerStatuses[0].State)
	}
}

func TestWorkerUnknownImageBacksOff(t *testing.T) {
	n, client := testNode(t)
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "img"}, Spec: v1.PodSpec{
		Containers: []v1.Container{{Name: "main", Image: "nginx:1.27"}},
	}}
	got := runPod(t, n, client, pod, func(p *v1.Pod) bool {
		return len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].State.Waiting != nil &&
			p.Status.ContainerStatuses[0].State.Waiting.Reason == "ImagePullBackOff"
	})
	if got.Status.Phase != v1.PodPending || !strings.Contains(got.Status.ContainerStatuses[0].State.Waiting.Message, "is not known to this node") || !strings.HasSuffix(got.Status.ContainerStatuses[0].State.Waiting.Message, "known images: busybox") {
		t.Fatalf("%+v", got.Status)
	}
}

func TestWorkerDeadline(t *testing.T) {
	n, client := testNode(t)
	one, grace := int64(1), int64(1)
	pod := &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "dl"}, Spec: v1.PodSpec{
		ActiveDeadlineSeconds: &one, TerminationGracePeriodSeconds: &grace,
		Containers: []v1.Container{{Name: "main", Image: "busybox", Command: []string{"sleep", "60"}}},
	}}
	t0 := time.Now()
	got := runPod(t, n, client, pod, isTerminal)
	if got.Status.Phase != v1.PodFailed || got.Status.Reason != "DeadlineExceeded" || time.Since(t0) > 10*time.Second {
		t.Fatalf("%s: %+v", time.Since(t0), got.Status)
	}
	if term := got.Status.ContainerStatuses[0].State.Terminated; term == nil || term.ExitCode != 143 {
		t.Fatalf("%+v", got.Status.ContainerStatuses[0].State)
	}
}
