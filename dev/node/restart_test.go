package main

import (
	"context"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
)

// startPod starts a worker for pod; the worker is stopped (as if the Pod was removed) at the end.
func startPod(t *testing.T, n *node, client *fake.Clientset, pod *v1.Pod) {
	t.Helper()
	pod.Namespace, pod.UID = "default", types.UID("uid-"+pod.Name)
	pod.Spec.NodeName = "exec-1"
	if _, err := client.CoreV1().Pods("default").Create(context.Background(), pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	w := newPodWorker(n, pod)
	n.wg.Add(1)
	go w.run()
	t.Cleanup(func() {
		w.signal(stopGone)
		select {
		case <-w.done:
		case <-time.After(20 * time.Second):
			t.Error("the worker did not stop")
		}
	})
}

// waitPod polls the Pod until cond holds, calling see on every version.
func waitPod(t *testing.T, client *fake.Clientset, name, what string, see func(*v1.Pod), cond func(*v1.Pod) bool) *v1.Pod {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got *v1.Pod
	for time.Now().Before(deadline) {
		p, err := client.CoreV1().Pods("default").Get(context.Background(), name, metav1.GetOptions{})
		if err == nil {
			got = p
			if see != nil {
				see(p)
			}
			if cond(p) {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: not reached: %+v", what, got.Status)
	return nil
}

func condition(p *v1.Pod, t v1.PodConditionType) v1.ConditionStatus {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

func TestRestartPolicyAlwaysRestartsWithBackOff(t *testing.T) {
	n, client := testNode(t)
	n.cfg.restartBackoff, n.cfg.restartBackoffMax = 300*time.Millisecond, time.Second
	startPod(t, n, client, &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "crash"}, Spec: v1.PodSpec{RestartPolicy: v1.RestartPolicyAlways,
		Containers: []v1.Container{{Name: "main", Image: "busybox", Command: []string{"sh", "-c", "printf bye > /dev/termination-log; exit 1"}}}}})
	crashLoop, phases := "", map[v1.PodPhase]bool{}
	got := waitPod(t, client, "crash", "restartCount 3", func(p *v1.Pod) {
		phases[p.Status.Phase] = true
		if len(p.Status.ContainerStatuses) == 1 {
			if w := p.Status.ContainerStatuses[0].State.Waiting; w != nil && w.Reason == "CrashLoopBackOff" {
				crashLoop = w.Message
			}
		}
	}, func(p *v1.Pod) bool {
		return len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].RestartCount >= 3
	})
	if !strings.HasPrefix(crashLoop, "back-off ") || !strings.Contains(crashLoop, "restarting failed container=main pod=crash_default(uid-crash)") {
		t.Errorf("CrashLoopBackOff message %q", crashLoop)
	}
	cs := got.Status.ContainerStatuses[0]
	last := cs.LastTerminationState.Terminated
	if last == nil || last.ExitCode != 1 || last.Reason != "Error" || last.Message != "bye" || last.FinishedAt.IsZero() {
		t.Errorf("lastState %+v", cs.LastTerminationState)
	}
	if got.Status.Phase != v1.PodRunning || phases[v1.PodFailed] || phases[v1.PodSucceeded] {
		t.Errorf("phase %s (seen %v)", got.Status.Phase, phases)
	}
	if condition(got, v1.PodReady) == v1.ConditionTrue && cs.State.Running == nil {
		t.Error("Ready while not running")
	}
	evs, _ := client.CoreV1().Events("default").List(context.Background(), metav1.ListOptions{})
	backOff := false
	for _, e := range evs.Items {
		backOff = backOff || (e.Reason == "BackOff" && e.InvolvedObject.FieldPath == "spec.containers{main}")
	}
	if !backOff {
		t.Errorf("no BackOff event in %d events", len(evs.Items))
	}
}

func TestRestartPolicyOnFailureEndsOnSuccess(t *testing.T) {
	n, client := testNode(t)
	n.cfg.restartBackoff, n.cfg.restartBackoffMax = 100*time.Millisecond, time.Second
	marker := t.TempDir() + "/once"
	got := runPod(t, n, client, &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "retry"}, Spec: v1.PodSpec{RestartPolicy: v1.RestartPolicyOnFailure,
		Containers: []v1.Container{{Name: "main", Image: "busybox", Command: []string{"sh", "-c", "test -e " + marker + " && exit 0; touch " + marker + "; exit 2"}}}}},
		isTerminal)
	cs := got.Status.ContainerStatuses[0]
	if got.Status.Phase != v1.PodSucceeded || cs.RestartCount != 1 || cs.LastTerminationState.Terminated == nil ||
		cs.LastTerminationState.Terminated.ExitCode != 2 || cs.State.Terminated.ExitCode != 0 {
		t.Errorf("phase %s, %+v", got.Status.Phase, cs)
	}
}

func TestReadinessAndLivenessProbesOfARunningPod(t *testing.T) {
	n, client := testNode(t)
	n.cfg.probeSecond = testSecond
	n.cfg.restartBackoff, n.cfg.restartBackoffMax = 100*time.Millisecond, time.Second
	s, port := newStatusServer(t, false)
	s.set("/ready", 503)
	grace := int64(1)
	startPod(t, n, client, &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "probed"}, Spec: v1.PodSpec{RestartPolicy: v1.RestartPolicyAlways,
		TerminationGracePeriodSeconds: &grace,
		Containers: []v1.Container{{Name: "main", Image: "busybox", Command: []string{"sh", "-c", "exec sleep 60"},
			Ports:          []v1.ContainerPort{{Name: "http", ContainerPort: int32(port)}},
			LivenessProbe:  httpProbeOn("/live", 1, 3),
			ReadinessProbe: httpProbeOn("/ready", 1, 3)}}}})
	running := func(p *v1.Pod) bool {
		return len(p.Status.ContainerStatuses) == 1 && p.Status.ContainerStatuses[0].State.Running != nil
	}
	got := waitPod(t, client, "probed", "running", nil, running)
	if cs := got.Status.ContainerStatuses[0]; cs.Ready || condition(got, v1.PodReady) != v1.ConditionFalse {
		t.Errorf("ready before the readiness probe succeeded: %+v", got.Status)
	}
	s.set("/ready", 200)
	waitPod(t, client, "probed", "ready", nil, func(p *v1.Pod) bool {
		return running(p) && p.Status.ContainerStatuses[0].Ready && condition(p, v1.PodReady) == v1.ConditionTrue &&
			condition(p, v1.ContainersReady) == v1.ConditionTrue && *p.Status.ContainerStatuses[0].Started
	})
	s.set("/ready", 503)
	waitPod(t, client, "probed", "not ready", nil, func(p *v1.Pod) bool {
		return running(p) && !p.Status.ContainerStatuses[0].Ready && condition(p, v1.PodReady) == v1.ConditionFalse
	})
	s.set("/ready", 200)
	s.set("/live", 500)
	got = waitPod(t, client, "probed", "restarted after the liveness probe failed", nil, func(p *v1.Pod) bool {
		return running(p) && p.Status.ContainerStatuses[0].RestartCount == 1
	})
	if last := got.Status.ContainerStatuses[0].LastTerminationState.Terminated; last == nil || last.ExitCode != 143 {
		t.Errorf("lastState %+v", got.Status.ContainerStatuses[0].LastTerminationState)
	}
	s.set("/live", 200)
	evs, _ := client.CoreV1().Events("default").List(context.Background(), metav1.ListOptions{})
	seen := map[string]bool{}
	for _, e := range evs.Items {
		seen[e.Reason+": "+e.Message] = true
	}
	for _, want := range []string{"Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503",
		"Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500",
		"Killing: Container main failed liveness probe, will be restarted"} {
		if !seen[want] {
			t.Errorf("no event %q in %v", want, seen)
		}
	}
}

func TestExecProbeRunsInTheImage(t *testing.T) {
	n, client := imageNode(t)
	n.cfg.probeSecond = testSecond
	root := int64(0)
	exists := func(path string) *v1.Probe {
		return &v1.Probe{ProbeHandler: v1.ProbeHandler{Exec: &v1.ExecAction{Command: []string{"probe", "exists", path}}}, PeriodSeconds: 1, TimeoutSeconds: 250}
	}
	pod := probePod("exec-probe", v1.Container{Command: []string{"probe", "sleep", "60"}, ReadinessProbe: exists("/image-file"),
		SecurityContext: &v1.SecurityContext{RunAsUser: &root}})
	other := pod.Spec.Containers[0]
	other.Name, other.ReadinessProbe = "other", exists("/not-in-the-image")
	pod.Spec.Containers = append(pod.Spec.Containers, other)
	startPod(t, n, client, pod)
	got := waitPod(t, client, "exec-probe", "main ready", nil, func(p *v1.Pod) bool {
		return len(p.Status.ContainerStatuses) == 2 && p.Status.ContainerStatuses[0].Ready
	})
	time.Sleep(10 * testSecond)
	got, _ = client.CoreV1().Pods("default").Get(context.Background(), "exec-probe", metav1.GetOptions{})
	if cs := got.Status.ContainerStatuses[1]; cs.Ready || cs.State.Running == nil || condition(got, v1.ContainersReady) != v1.ConditionFalse {
		t.Errorf("other: %+v, conditions %+v", cs, got.Status.Conditions)
	}
}
