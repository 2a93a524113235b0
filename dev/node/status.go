package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// containerPhase is where a container is in its life, as the kubelet reports it.
type containerPhase int

const (
	cWaiting containerPhase = iota
	cRunning
	cTerminated
)

// ctrState is the node's record of one container.
type ctrState struct {
	Name    string
	Image   string
	ImageID string
	Phase   containerPhase
	// waiting
	WaitingReason  string
	WaitingMessage string
	// running and terminated
	ContainerID string
	StartedAt   time.Time
	// terminated
	FinishedAt time.Time
	ExitCode   int32
	Reason     string
	Message    string
	// probes: a running container is ready and started unless its probes say otherwise
	NotReady   bool
	NotStarted bool
	// restarts (restartPolicy Always / OnFailure): how many, and the previous end
	RestartCount int32
	LastTerm     *v1.ContainerStateTerminated
}

// ready is true for a running main container that is started and ready by its probes.
func (c ctrState) ready() bool { return c.Phase == cRunning && !c.NotReady && !c.NotStarted }

// podState is the node's record of one Pod, from which its status is made.
type podState struct {
	Phase     v1.PodPhase
	Reason    string
	Message   string
	StartTime time.Time
	Init      []ctrState
	Main      []ctrState
}

// terminatedReason is the reason of a terminated container: Completed for exit code 0,
// OOMKilled when the memory limit killed it, Error otherwise.
func terminatedReason(exitCode int32, oomKilled bool) string {
	switch {
	case oomKilled:
		return "OOMKilled"
	case exitCode == 0:
		return "Completed"
	default:
		return "Error"
	}
}

// exitCodeOf is the exit code a container runtime reports: the status, or 128+signal.
func exitCodeOf(exited bool, status int, signaled bool, signal int) int32 {
	if signaled {
		return int32(128 + signal)
	}
	if exited {
		return int32(status)
	}
	return 255
}

// finalPhase is the phase of a Pod with restartPolicy Never whose containers all ended.
func finalPhase(main []ctrState) v1.PodPhase {
	for _, c := range main {
		if c.Phase != cTerminated || c.ExitCode != 0 {
			return v1.PodFailed
		}
	}
	return v1.PodSucceeded
}

func (c ctrState) status(initContainer bool) v1.ContainerStatus {
	s := v1.ContainerStatus{
		Name:         c.Name,
		Image:        c.Image,
		ImageID:      c.ImageID,
		ContainerID:  c.ContainerID,
		RestartCount: c.RestartCount,
	}
	if c.LastTerm != nil {
		t := *c.LastTerm
		s.LastTerminationState.Terminated = &t
	}
	started := false
	switch c.Phase {
	case cWaiting:
		s.State.Waiting = &v1.ContainerStateWaiting{Reason: c.WaitingReason, Message: c.WaitingMessage}
	case cRunning:
		s.State.Running = &v1.ContainerStateRunning{StartedAt: metav1.NewTime(c.StartedAt)}
		// Without probes a running (main) container is started and ready; with them, as they say.
		s.Ready = !initContainer && c.ready()
		started = !c.NotStarted
	case cTerminated:
		s.State.Terminated = terminated(c)
		s.Ready = initContainer && c.ExitCode == 0
	}
	s.Started = &started
	return s
}

func terminal(p v1.PodPhase) bool { return p == v1.PodSucceeded || p == v1.PodFailed }

// buildStatus makes the Pod status the kubelet would report for st. previous are the Pod's
// current conditions: a condition whose status does not change keeps its transition time, and
// conditions this node does not own (PodScheduled, DisruptionTarget...) are kept.
func buildStatus(st podState, previous []v1.PodCondition, hostIP, podIP string, now time.Time) v1.PodStatus {
	s := v1.PodStatus{
		Phase:   st.Phase,
		Reason:  st.Reason,
		Message: st.Message,
		HostIP:  hostIP,
		HostIPs: []v1.HostIP{{IP: hostIP}},
		PodIP:   podIP,
		PodIPs:  []v1.PodIP{{IP: podIP}},
	}
	if !st.StartTime.IsZero() {
		t := metav1.NewTime(st.StartTime)
		s.StartTime = &t
	}
	for _, c := range st.Init {
		s.InitContainerStatuses = append(s.InitContainerStatuses, c.status(true))
	}
	for _, c := range st.Main {
		s.ContainerStatuses = append(s.ContainerStatuses, c.status(false))
	}

	done := terminal(st.Phase)
	var notInit, notReady []string
	for _, c := range st.Init {
		if !(c.Phase == cTerminated && c.ExitCode == 0) {
			notInit = append(notInit, c.Name)
		}
	}
	for _, c := range st.Main {
		if !c.ready() {
			notReady = append(notReady, c.Name)
		}
	}
	conds := []v1.PodCondition{}
	add := func(t v1.PodConditionType, ok bool, reason, message string) {
		c := v1.PodCondition{Type: t, Status: v1.ConditionFalse, Reason: reason, Message: message}
		if ok {
			c.Status, c.Reason, c.Message = v1.ConditionTrue, "", ""
		}
		conds = append(conds, c)
	}
	add(v1.PodReadyToStartContainers, !done, "", "")
	if len(notInit) == 0 {
		add(v1.PodInitialized, true, "", "")
	} else {
		add(v1.PodInitialized, false, "ContainersNotInitialized", fmt.Sprintf("containers with incomplete status: [%s]", strings.Join(notInit, " ")))
	}
	switch {
	case done:
		add(v1.ContainersReady, false, "PodCompleted", "")
		add(v1.PodReady, false, "PodCompleted", "")
	case len(notReady) == 0 && len(st.Main) > 0:
		add(v1.ContainersReady, true, "", "")
		add(v1.PodReady, true, "", "")
	default:
		msg := fmt.Sprintf("containers with unready status: [%s]", strings.Join(notReady, " "))
		add(v1.ContainersReady, false, "ContainersNotReady", msg)
		add(v1.PodReady, false, "ContainersNotReady", msg)
	}

	owned := map[v1.PodConditionType]bool{}
	for _, c := range conds {
		owned[c.Type] = true
	}
	prev := map[v1.PodConditionType]v1.PodCondition{}
	for _, c := range previous {
		prev[c.Type] = c
	}
	nowT := metav1.NewTime(now)
	for i := range conds {
		if p, ok := prev[conds[i].Type]; ok && p.Status == conds[i].Status && !p.LastTransitionTime.IsZero() {
			conds[i].LastTransitionTime = p.LastTransitionTime
		} else {
			conds[i].LastTransitionTime = nowT
		}
	}
	hasScheduled := false
	for _, c := range previous {
		if !owned[c.Type] {
			conds = append(conds, c)
			hasScheduled = hasScheduled || c.Type == v1.PodScheduled
		}
	}
	if !hasScheduled {
		conds = append(conds, v1.PodCondition{Type: v1.PodScheduled, Status: v1.ConditionTrue, LastTransitionTime: nowT})
	}
	order := map[v1.PodConditionType]int{v1.PodReadyToStartContainers: 0, v1.PodInitialized: 1, v1.PodReady: 2, v1.ContainersReady: 3, v1.PodScheduled: 4}
	sort.SliceStable(conds, func(i, j int) bool {
		oi, ok := order[conds[i].Type]
		if !ok {
			oi = 9
		}
		oj, ok := order[conds[j].Type]
		if !ok {
			oj = 9
		}
		return oi < oj
	})
	s.Conditions = conds
	return s
}
