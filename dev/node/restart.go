package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// restarts reports whether a main container that ended with exitCode is started again under
// the Pod's restartPolicy. An empty policy (the API server always sets one; only tests build
// such Pods) is Never, the node's behaviour before restarts existed.
func restarts(policy v1.RestartPolicy, exitCode int32) bool {
	switch policy {
	case v1.RestartPolicyAlways:
		return true
	case v1.RestartPolicyOnFailure:
		return exitCode != 0
	}
	return false
}

// backoff is the kubelet's crash-loop back-off of one container: the first restart is
// immediate, the next ones wait initial, then twice as long each time up to max. A container
// that ran for resetAfter (2 × max, 10 minutes by default, as the kubelet) starts over.
type backoff struct {
	initial, max time.Duration
	next         time.Duration // 0: the next restart is immediate
}

func newBackoff(initial, max time.Duration) *backoff {
	if initial <= 0 {
		initial = 10 * time.Second
	}
	if max < initial {
		max = initial
	}
	return &backoff{initial: initial, max: max}
}

func (b *backoff) resetAfter() time.Duration { return 2 * b.max }

// delay is how long to wait before restarting a container that ran from started to finished.
func (b *backoff) delay(started, finished time.Time) time.Duration {
	if !started.IsZero() && finished.Sub(started) >= b.resetAfter() {
		b.next = 0
	}
	d := b.next
	switch {
	case b.next == 0:
		b.next = b.initial
	default:
		b.next = min(2*b.next, b.max)
	}
	return d
}

// terminated is how a container's end shows in its status (and, when it restarts, in lastState).
func terminated(c ctrState) *v1.ContainerStateTerminated {
	return &v1.ContainerStateTerminated{
		ExitCode:    c.ExitCode,
		Reason:      c.Reason,
		Message:     c.Message,
		StartedAt:   metav1.NewTime(c.StartedAt),
		FinishedAt:  metav1.NewTime(c.FinishedAt),
		ContainerID: c.ContainerID,
	}
}

// crashLoopMessage is the waiting message of a container in back-off, as the kubelet writes it.
func crashLoopMessage(d time.Duration, container, pod, ns, uid string) string {
	return fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", d, container, pod, ns, uid)
}

// eventRecorder writes a Pod's Events, like the kubelet's: the same event again (same
// container, type, reason and message) raises the count of the first one.
type eventRecorder struct {
	n    *node
	pod  func() *v1.Pod
	mu   sync.Mutex
	seen map[string]*v1.Event
}

func (w *podWorker) event(container, eventType, reason, message string) {
	go w.events.record(container, eventType, reason, message)
}

func (r *eventRecorder) record(container, eventType, reason, message string) {
	pod := r.pod()
	if pod == nil || r.n.client == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]*v1.Event{}
	}
	key := container + "\x00" + eventType + "\x00" + reason + "\x00" + message
	now := metav1.Now()
	ctx, cancel := context.WithTimeout(r.n.ctx, 10*time.Second)
	defer cancel()
	events := r.n.client.CoreV1().Events(pod.Namespace)
	if e := r.seen[key]; e != nil {
		e.Count++
		e.LastTimestamp = now
		if updated, err := events.Update(ctx, e, metav1.UpdateOptions{}); err == nil {
			r.seen[key] = updated
			return
		}
		delete(r.seen, key)
	}
	ref := v1.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID,
		ResourceVersion: pod.ResourceVersion}
	if container != "" {
		ref.FieldPath = fmt.Sprintf("spec.containers{%s}", container)
	}
	e := &v1.Event{
		ObjectMeta:          metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x", pod.Name, time.Now().UnixNano()), Namespace: pod.Namespace},
		InvolvedObject:      ref,
		Reason:              reason,
		Message:             message,
		Source:              v1.EventSource{Component: "kubelet", Host: r.n.cfg.nodeName},
		FirstTimestamp:      now,
		LastTimestamp:       now,
		Count:               1,
		Type:                eventType,
		ReportingController: "kubelet",
		ReportingInstance:   r.n.cfg.nodeName,
	}
	created, err := events.Create(ctx, e, metav1.CreateOptions{})
	if err != nil {
		if r.n.ctx.Err() == nil {
			r.n.logf("pod %s/%s: event %s: %v", pod.Namespace, pod.Name, reason, err)
		}
		return
	}
	r.seen[key] = created
}
