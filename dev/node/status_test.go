package main

import (
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func cond(s v1.PodStatus, t v1.PodConditionType) v1.PodCondition {
	for _, c := range s.Conditions {
		if c.Type == t {
			return c
		}
	}
	return v1.PodCondition{}
}

func TestStatusPendingWithInitContainers(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	st := podState{Phase: v1.PodPending, StartTime: t0,
		Init: []ctrState{{Name: "setup", Image: "busybox", Phase: cRunning, StartedAt: t0}},
		Main: []ctrState{{Name: "main", Image: "busybox", WaitingReason: "PodInitializing"}}}
	s := buildStatus(st, nil, "127.0.0.1", "127.0.0.1", t0)
	if s.Phase != v1.PodPending || s.StartTime == nil || !s.StartTime.Time.Equal(t0) || s.PodIP != "127.0.0.1" || s.HostIP != "127.0.0.1" {
		t.Fatalf("%+v", s)
	}
	if c := cond(s, v1.PodInitialized); c.Status != v1.ConditionFalse || c.Reason != "ContainersNotInitialized" || c.Message != "containers with incomplete status: [setup]" {
		t.Errorf("Initialized %+v", c)
	}
	if c := cond(s, v1.PodReady); c.Status != v1.ConditionFalse || c.Reason != "ContainersNotReady" {
		t.Errorf("Ready %+v", c)
	}
	if c := cond(s, v1.PodScheduled); c.Status != v1.ConditionTrue {
		t.Errorf("PodScheduled %+v", c)
	}
	ic := s.InitContainerStatuses[0]
	if ic.State.Running == nil || ic.Ready || ic.Started == nil || !*ic.Started {
		t.Errorf("init %+v", ic)
	}
	mc := s.ContainerStatuses[0]
	if mc.State.Waiting == nil || mc.State.Waiting.Reason != "PodInitializing" || mc.Ready || mc.RestartCount != 0 {
		t.Errorf("main %+v", mc)
	}
}

func TestStatusRunningThenSucceededKeepsTransitionTimes(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(time.Second), t0.Add(5*time.Second)
	scheduled := v1.PodCondition{Type: v1.PodScheduled, Status: v1.ConditionTrue, LastTransitionTime: metav1.NewTime(t0.Add(-time.Second))}
	running := podState{Phase: v1.PodRunning, StartTime: t0,
		Init: []ctrState{{Name: "i", Phase: cTerminated, ExitCode: 0, Reason: "Completed", StartedAt: t0, FinishedAt: t0}},
		Main: []ctrState{{Name: "a", Phase: cRunning, StartedAt: t1, ImageID: "id", ContainerID: "stratoflow-node://1"}}}
	s1 := buildStatus(running, []v1.PodCondition{scheduled}, "h", "p", t1)
	if c := cond(s1, v1.PodReady); c.Status != v1.ConditionTrue || !c.LastTransitionTime.Time.Equal(t1) {
		t.Fatalf("Ready %+v", c)
	}
	if c := cond(s1, v1.PodInitialized); c.Status != v1.ConditionTrue {
		t.Fatalf("Initialized %+v", c)
	}
	if c := cond(s1, v1.PodScheduled); !c.LastTransitionTime.Time.Equal(t0.Add(-time.Second)) {
		t.Fatalf("PodScheduled must be kept as it was: %+v", c)
	}
	if cs := s1.ContainerStatuses[0]; !cs.Ready || cs.State.Running == nil || !cs.State.Running.StartedAt.Time.Equal(t1) {
		t.Fatalf("container %+v", cs)
	}
	if is := s1.InitContainerStatuses[0]; !is.Ready || is.State.Terminated == nil {
		t.Fatalf("init container %+v", is)
	}

	done := running
	done.Main = []ctrState{{Name: "a", Phase: cTerminated, StartedAt: t1, FinishedAt: t2, ExitCode: 0, Reason: "Completed", Message: "hi"}}
	done.Phase = finalPhase(done.Main)
	s2 := buildStatus(done, s1.Conditions, "h", "p", t2)
	if s2.Phase != v1.PodSucceeded {
		t.Fatal(s2.Phase)
	}
	if c := cond(s2, v1.PodReady); c.Status != v1.ConditionFalse || c.Reason != "PodCompleted" || !c.LastTransitionTime.Time.Equal(t2) {
		t.Fatalf("Ready %+v", c)
	}
	if c := cond(s2, v1.PodInitialized); !c.LastTransitionTime.Time.Equal(t1) {
		t.Fatalf("Initialized changed its transition time: %+v", c)
	}
	if c := cond(s2, v1.PodReadyToStartContainers); c.Status != v1.ConditionFalse {
		t.Fatalf("PodReadyToStartContainers %+v", c)
	}
	term := s2.ContainerStatuses[0].State.Terminated
	if term == nil || term.Reason != "Completed" || term.Message != "hi" || !term.FinishedAt.Time.Equal(t2) || s2.ContainerStatuses[0].Ready {
		t.Fatalf("terminated %+v", term)
	}
}

func TestFinalPhaseAndReasons(t *testing.T) {
	ok := ctrState{Phase: cTerminated, ExitCode: 0}
	bad := ctrState{Phase: cTerminated, ExitCode: 3}
	if finalPhase([]ctrState{ok, ok}) != v1.PodSucceeded || finalPhase([]ctrState{ok, bad}) != v1.PodFailed {
		t.Fatal("finalPhase")
	}
	if finalPhase([]ctrState{ok, {Phase: cWaiting}}) != v1.PodFailed {
		t.Fatal("a container that never ran fails the Pod")
	}
	if terminatedReason(0, false) != "Completed" || terminatedReason(3, false) != "Error" || terminatedReason(137, true) != "OOMKilled" {
		t.Fatal("terminatedReason")
	}
	if exitCodeOf(true, 3, false, 0) != 3 || exitCodeOf(false, 0, true, 9) != 137 || exitCodeOf(false, 0, true, 15) != 143 {
		t.Fatal("exitCodeOf")
	}
}

func TestOtherConditionsAreKept(t *testing.T) {
	other := v1.PodCondition{Type: "DisruptionTarget", Status: v1.ConditionTrue, Reason: "DeletionByTaintManager"}
	s := buildStatus(podState{Phase: v1.PodRunning}, []v1.PodCondition{other}, "h", "p", time.Now())
	if c := cond(s, "DisruptionTarget"); c.Reason != "DeletionByTaintManager" {
		t.Fatalf("%+v", s.Conditions)
	}
}
