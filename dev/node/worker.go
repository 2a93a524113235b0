package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// stopKind is why a Pod's containers are stopped before they end by themselves.
type stopKind int

const (
	stopNone     stopKind = iota
	stopDeadline          // activeDeadlineSeconds passed
	stopDelete            // deletionTimestamp set: graceful
	stopGone              // removed from the API server: kill
	stopShutdown          // the node is stopping: kill, report nothing
)

// podWorker runs one Pod, like a kubelet: restartPolicy Never runs each container once;
// Always and OnFailure restart main containers in place (init containers run once).
type podWorker struct {
	n    *node
	uid  types.UID
	ns   string
	name string
	dir  string

	abort   chan stopKind
	stopped stopKind // first abort received (worker goroutine only)

	pubMu  sync.Mutex // one status write at a time, in order
	events *eventRecorder

	mu              sync.Mutex
	pod             *v1.Pod // latest seen
	st              podState
	finished        bool
	deleteRequested bool
	goneOnce        sync.Once
	done            chan struct{}
}

func newPodWorker(n *node, pod *v1.Pod) *podWorker {
	w := &podWorker{
		n: n, uid: pod.UID, ns: pod.Namespace, name: pod.Name,
		dir:   filepath.Join(n.cfg.stateDir, "pods", fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID)),
		abort: make(chan stopKind, 8),
		pod:   pod,
		done:  make(chan struct{}),
	}
	w.events = &eventRecorder{n: n, pod: w.latest}
	return w
}

func (w *podWorker) logf(format string, args ...any) {
	w.n.logf("pod %s/%s: "+format, append([]any{w.ns, w.name}, args...)...)
}

func (w *podWorker) signal(k stopKind) {
	select {
	case w.abort <- k:
	default:
	}
}

// update records a newer version of the Pod; a deletionTimestamp starts the graceful stop.
func (w *podWorker) update(pod *v1.Pod) {
	w.mu.Lock()
	w.pod = pod
	deleting := pod.DeletionTimestamp != nil && !w.deleteRequested
	if deleting {
		w.deleteRequested = true
	}
	fin := w.finished
	w.mu.Unlock()
	if !deleting {
		return
	}
	if fin {
		go w.n.deletePod(w.ns, w.name, w.uid)
	} else {
		w.signal(stopDelete)
	}
}

// gone is called when the Pod was removed from the API server.
func (w *podWorker) gone() { w.goneOnce.Do(func() { w.signal(stopGone) }) }

func (w *podWorker) latest() *v1.Pod {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pod
}

// check returns the abort, if any, without blocking.
func (w *podWorker) check() stopKind {
	if w.stopped != stopNone {
		return w.stopped
	}
	select {
	case k := <-w.abort:
		w.stopped = k
	default:
	}
	return w.stopped
}

// sleep waits d or until an abort.
func (w *podWorker) sleep(d time.Duration) stopKind {
	if k := w.check(); k != stopNone {
		return k
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case k := <-w.abort:
		w.stopped = k
	case <-t.C:
	}
	return w.stopped
}

func (w *podWorker) run() {
	defer w.n.wg.Done()
	defer close(w.done)
	pod := w.latest()
	now := time.Now()
	w.mu.Lock()
	w.st = podState{Phase: v1.PodPending, StartTime: now}
	mainReason := "ContainerCreating"
	if len(pod.Spec.InitContainers) > 0 {
		mainReason = "PodInitializing"
	}
	for _, c := range pod.Spec.InitContainers {
		w.st.Init = append(w.st.Init, ctrState{Name: c.Name, Image: c.Image, WaitingReason: "PodInitializing"})
	}
	for _, c := range pod.Spec.Containers {
		w.st.Main = append(w.st.Main, ctrState{Name: c.Name, Image: c.Image, WaitingReason: mainReason})
	}
	w.mu.Unlock()
	if pod.Spec.ActiveDeadlineSeconds != nil {
		d := time.Until(now.Add(time.Duration(*pod.Spec.ActiveDeadlineSeconds) * time.Second))
		t := time.AfterFunc(d, func() { w.signal(stopDeadline) })
		defer t.Stop()
	}
	w.publish()
	stop := stopNone
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		w.logf("cannot create %s: %v", w.dir, err)
	}
	failed := false
	for i := range pod.Spec.InitContainers {
		var ok bool
		ok, stop = w.runInit(pod, i)
		if stop != stopNone {
			break
		}
		if !ok {
			failed = true
			c := w.st.Init[i]
			w.mu.Lock()
			w.st.Reason = c.Reason
			w.st.Message = fmt.Sprintf("init container %q failed: %s (exit code %d)", c.Name, c.Reason, c.ExitCode)
			w.mu.Unlock()
			break
		}
	}
	if stop == stopNone && !failed {
		stop = w.runMain(pod)
	}
	w.finish(stop, failed)
}

// finish sets the final phase and, for a deleted Pod, removes it from the API server.
func (w *podWorker) finish(stop stopKind, initFailed bool) {
	if stop == stopGone || stop == stopShutdown {
		w.mu.Lock()
		w.finished = true
		w.mu.Unlock()
		return
	}
	w.mu.Lock()
	switch {
	case stop == stopDeadline:
		w.st.Phase = v1.PodFailed
		w.st.Reason = "DeadlineExceeded"
		w.st.Message = "Pod was active on the node longer than the specified deadline"
	case initFailed:
		w.st.Phase = v1.PodFailed
	default:
		w.st.Phase = finalPhase(w.st.Main)
	}
	w.mu.Unlock()
	w.publish()
	w.mu.Lock()
	w.finished = true
	del := w.deleteRequested || stop == stopDelete
	w.mu.Unlock()
	if w.st.Reason != "" {
		w.logf("%s (%s)", w.st.Phase, w.st.Reason)
	} else {
		w.logf("%s", w.st.Phase)
	}
	if del {
		w.n.deletePod(w.ns, w.name, w.uid)
	}
}

// runInit runs init container i to its end; ok is false if it failed.
func (w *podWorker) runInit(pod *v1.Pod, i int) (ok bool, stop stopKind) {
	c := &pod.Spec.InitContainers[i]
	set := func(f func(*ctrState)) { w.mu.Lock(); f(&w.st.Init[i]); w.mu.Unlock() }
	l, stop := w.prepare(pod, c, set)
	if stop != stopNone {
		return false, stop
	}
	p := w.start(l, set)
	if p == nil {
		return false, stopNone
	}
	w.publish()
	select {
	case <-p.done:
	case k := <-w.abort:
		w.stopped = k
		w.stopProcs([]*process{p}, k)
	}
	w.terminated(l, p, set)
	if w.stopped != stopNone {
		return false, w.stopped
	}
	w.publish()
	return p.exitCode == 0, stopNone
}

// runMain prepares every container (images, env), starts them all and waits for all to end.
// Under restartPolicy Always (or OnFailure, for a failure) a container that ended is started
// again in place, after the crash-loop back-off; its probes run while it runs.
func (w *podWorker) runMain(pod *v1.Pod) stopKind {
	w.mu.Lock()
	for i := range w.st.Main {
		w.st.Main[i].WaitingReason = "ContainerCreating"
	}
	w.mu.Unlock()
	w.publish()
	launches := make([]*launchPlan, len(pod.Spec.Containers))
	for i := range pod.Spec.Containers {
		set := func(f func(*ctrState)) { w.mu.Lock(); f(&w.st.Main[i]); w.mu.Unlock() }
		l, stop := w.prepare(pod, &pod.Spec.Containers[i], set)
		if stop != stopNone {
			return stop
		}
		l.main = true
		launches[i] = l
	}
	cfg := w.n.cfg
	procs := make([]*process, len(launches))
	backoffs := make([]*backoff, len(launches))
	timers := make([]*time.Timer, len(launches))
	// ended: container i ended (or could not start); again: its back-off is over
	ended := make(chan int, 2*len(launches))
	again := make(chan int, len(launches))
	alive := len(launches) // running or waiting to restart
	running := 0           // processes not yet reported on ended
	launch := func(i int) {
		set := func(f func(*ctrState)) { w.mu.Lock(); f(&w.st.Main[i]); w.mu.Unlock() }
		p := w.start(launches[i], set)
		procs[i] = p
		running++
		if p == nil {
			ended <- i
			return
		}
		w.mu.Lock()
		w.st.Phase = v1.PodRunning
		w.mu.Unlock()
		w.startProbes(i, launches[i], p)
		go func() { <-p.done; ended <- i }()
	}
	for i := range launches {
		backoffs[i] = newBackoff(cfg.restartBackoff, cfg.restartBackoffMax)
		launch(i)
	}
	w.publish()
	for alive > 0 {
		select {
		case i := <-ended:
			running--
			set := func(f func(*ctrState)) { w.mu.Lock(); f(&w.st.Main[i]); w.mu.Unlock() }
			if procs[i] != nil {
				w.terminated(launches[i], procs[i], set)
			}
			w.mu.Lock()
			c := w.st.Main[i]
			w.mu.Unlock()
			if !restarts(pod.Spec.RestartPolicy, c.ExitCode) {
				alive--
				if alive > 0 {
					w.publish()
				}
				continue
			}
			d := backoffs[i].delay(c.StartedAt, c.FinishedAt)
			last := terminated(c)
			if d == 0 {
				set(func(s *ctrState) { s.LastTerm, s.RestartCount = last, s.RestartCount+1 })
				w.restartCleanup(launches[i])
				w.logf("container %s: restarting (restart %d)", launches[i].name, c.RestartCount+1)
				launch(i)
				w.publish()
				continue
			}
			msg := crashLoopMessage(d, launches[i].name, w.name, w.ns, string(w.uid))
			set(func(s *ctrState) {
				s.LastTerm = last
				s.Phase, s.WaitingReason, s.WaitingMessage = cWaiting, "CrashLoopBackOff", msg
			})
			w.logf("container %s: CrashLoopBackOff: %s", launches[i].name, msg)
			w.event(launches[i].name, v1.EventTypeWarning, "BackOff",
				fmt.Sprintf("Back-off restarting failed container %s in pod %s_%s(%s)", launches[i].name, w.name, w.ns, w.uid))
			timers[i] = time.AfterFunc(d, func() { again <- i })
			w.publish()
		case i := <-again:
			timers[i] = nil
			set := func(f func(*ctrState)) { w.mu.Lock(); f(&w.st.Main[i]); w.mu.Unlock() }
			count := int32(0)
			set(func(s *ctrState) { s.RestartCount++; count = s.RestartCount })
			w.restartCleanup(launches[i])
			w.logf("container %s: restarting after back-off (restart %d)", launches[i].name, count)
			launch(i)
			w.publish()
		case k := <-w.abort:
			w.stopped = k
			for _, t := range timers {
				if t != nil {
					t.Stop()
				}
			}
			var live []*process
			for _, p := range procs {
				if p != nil {
					select {
					case <-p.done:
					default:
						live = append(live, p)
					}
				}
			}
			w.stopProcs(live, k)
			for running > 0 {
				i := <-ended
				running--
				if procs[i] != nil {
					set := func(f func(*ctrState)) { w.mu.Lock(); f(&w.st.Main[i]); w.mu.Unlock() }
					w.terminated(launches[i], procs[i], set)
				}
			}
			return k
		}
	}
	return stopNone
}

// restartCleanup readies a container's files for its next run: an empty termination message
// file and, in an image, a fresh writable layer (a restarted container starts from its image).
func (w *podWorker) restartCleanup(l *launchPlan) {
	if err := os.WriteFile(l.termFile, nil, 0o666); err != nil {
		w.logf("container %s: %v", l.name, err)
	}
	if l.spec.Root != nil {
		_ = os.RemoveAll(l.spec.Root.Upper)
		_ = os.RemoveAll(l.spec.Root.Work)
	}
}

// startProbes starts the probes of main container i, which runs as p.
func (w *podWorker) startProbes(i int, l *launchPlan, p *process) {
	c := l.container
	if !hasProbes(c) {
		return
	}
	set := func(f func(*ctrState)) { w.mu.Lock(); f(&w.st.Main[i]); w.mu.Unlock() }
	spec := l.spec
	n := 0
	var nmu sync.Mutex
	target := probeTarget{host: "127.0.0.1", ports: c.Ports,
		exec: func(ctx context.Context, cmd []string) (string, int, error) {
			nmu.Lock()
			n++
			file := filepath.Join(w.dir, fmt.Sprintf(".%s.probe-%d.json", l.name, n))
			nmu.Unlock()
			return execInContainer(ctx, w.n.self, file, spec, p.pid, cmd)
		}}
	second := w.n.cfg.probeSecond
	if second <= 0 {
		second = time.Second
	}
	var unsupportedOnce sync.Map
	cp := newContainerProbes(c, target, p.started, second, probeEvents{
		changed: func(ready, started bool) {
			set(func(s *ctrState) {
				if s.ContainerID == "stratoflow-node://"+strconv.Itoa(p.pid) {
					s.NotReady, s.NotStarted = !ready, !started
				}
			})
			w.logf("container %s: ready %v, started %v", l.name, ready, started)
			w.publish()
		},
		failed: func(kind probeKind, message string) {
			msg := fmt.Sprintf("%s probe failed: %s", kind, message)
			w.logf("container %s: %s", l.name, msg)
			w.event(l.name, v1.EventTypeWarning, "Unhealthy", msg)
		},
		kill: func(kind probeKind, message string) {
			msg := fmt.Sprintf("Container %s failed %s probe, will be restarted", l.name, strings.ToLower(string(kind)))
			w.logf("%s (%s)", msg, message)
			w.event(l.name, v1.EventTypeNormal, "Killing", msg)
			grace := 30 * time.Second
			pod := w.latest()
			if pod.Spec.TerminationGracePeriodSeconds != nil {
				grace = time.Duration(*pod.Spec.TerminationGracePeriodSeconds) * time.Second
			}
			pr := c.LivenessProbe
			if kind == probeStartup {
				pr = c.StartupProbe
			}
			if pr != nil && pr.TerminationGracePeriodSeconds != nil {
				grace = time.Duration(*pr.TerminationGracePeriodSeconds) * time.Second
			}
			go p.stop(grace)
		},
		unsupported: func(kind probeKind, err error) {
			if _, dup := unsupportedOnce.LoadOrStore(kind, true); dup {
				return
			}
			msg := fmt.Sprintf("%s probe not run by stratoflow-node (%v): ignored", kind, err)
			w.logf("container %s: %s", l.name, msg)
			w.event(l.name, v1.EventTypeWarning, "ProbeUnsupported", msg)
		},
	})
	go cp.run(w.n.ctx, p.done)
}

// stopProcs stops processes for an abort: gracefully (SIGTERM, SIGKILL after the grace
// period) for a deletion or deadline, at once when the Pod is gone or the node stops. A
// stronger abort during the grace period kills at once.
func (w *podWorker) stopProcs(procs []*process, k stopKind) {
	grace := time.Duration(0)
	pod := w.latest()
	switch k {
	case stopDelete:
		grace = 30 * time.Second
		if pod.DeletionGracePeriodSeconds != nil {
			grace = time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
		} else if pod.Spec.TerminationGracePeriodSeconds != nil {
			grace = time.Duration(*pod.Spec.TerminationGracePeriodSeconds) * time.Second
		}
	case stopDeadline:
		grace = 30 * time.Second
		if pod.Spec.TerminationGracePeriodSeconds != nil {
			grace = time.Duration(*pod.Spec.TerminationGracePeriodSeconds) * time.Second
		}
	case stopShutdown:
		grace = 2 * time.Second
	}
	w.logf("stopping %d container(s) (%s, grace %s)", len(procs), map[stopKind]string{stopDelete: "deleted", stopDeadline: "deadline exceeded", stopGone: "removed from the API server", stopShutdown: "node stopping"}[k], grace)
	allDone := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for _, p := range procs {
			wg.Add(1)
			go func(p *process) { defer wg.Done(); p.stop(grace) }(p)
		}
		wg.Wait()
		close(allDone)
	}()
	for {
		select {
		case <-allDone:
			return
		case k2 := <-w.abort:
			if k2 == stopGone || k2 == stopShutdown {
				for _, p := range procs {
					p.signal(9)
				}
			}
		}
	}
}

// launchPlan is a container ready to start.
type launchPlan struct {
	name      string
	spec      launchSpec
	imageID   string
	memLimit  int64
	cpuMilli  int64
	termFile  string
	logFile   string
	specFile  string
	policy    v1.TerminationMessagePolicy
	container *v1.Container
	main      bool // a main container (probes, restarts), not an init container
}

// prepare resolves a container's image, user, volumes and environment. While the image is
// unknown or the configuration cannot be made (a missing Secret...) the container waits,
// as with a kubelet, and the node tries again.
func (w *podWorker) prepare(pod *v1.Pod, c *v1.Container, set func(func(*ctrState))) (*launchPlan, stopKind) {
	var firstPullFailure time.Time
	lastReason, lastMessage := "", ""
	wait := func(reason, message string) stopKind {
		if reason != lastReason || message != lastMessage {
			set(func(s *ctrState) { s.Phase, s.WaitingReason, s.WaitingMessage = cWaiting, reason, message })
			w.publish()
			lastReason, lastMessage = reason, message
			w.logf("container %s waiting: %s: %s", c.Name, reason, message)
		}
		return w.sleep(w.n.cfg.retryInterval)
	}
	for {
		if k := w.check(); k != stopNone {
			return nil, k
		}
		img, err := w.n.resolveImage(c.Image)
		if err != nil {
			reason := "ErrImagePull"
			if firstPullFailure.IsZero() {
				firstPullFailure = time.Now()
			} else if time.Since(firstPullFailure) >= w.n.cfg.pullBackOffAfter {
				reason = "ImagePullBackOff"
			}
			msg := err.Error()
			if reason == "ImagePullBackOff" {
				msg = fmt.Sprintf("Back-off pulling image %q: %s", c.Image, msg)
			}
			if k := wait(reason, msg); k != stopNone {
				return nil, k
			}
			continue
		}
		l, err := w.plan(pod, c, img)
		if err != nil {
			var ce *configError
			if !errors.As(err, &ce) {
				err = &configError{err.Error()}
			}
			if k := wait("CreateContainerConfigError", err.Error()); k != stopNone {
				return nil, k
			}
			continue
		}
		return l, stopNone
	}
}

// plan makes the launch spec of a container.
func (w *podWorker) plan(pod *v1.Pod, c *v1.Container, ri *resolvedImage) (*launchPlan, error) {
	cfg := w.n.cfg
	img := ri.spec
	l := &launchPlan{name: c.Name, imageID: ri.id, policy: c.TerminationMessagePolicy, container: c}
	l.memLimit = c.Resources.Limits.Memory().Value()
	l.cpuMilli = c.Resources.Limits.Cpu().MilliValue()

	// user and groups: the container's securityContext over the Pod's
	var uid, gid *int64
	nonRoot := false
	if psc := pod.Spec.SecurityContext; psc != nil {
		uid, gid = psc.RunAsUser, psc.RunAsGroup
		nonRoot = psc.RunAsNonRoot != nil && *psc.RunAsNonRoot
		if psc.FSGroup != nil {
			l.spec.Groups = append(l.spec.Groups, int(*psc.FSGroup))
		}
		for _, g := range psc.SupplementalGroups {
			l.spec.Groups = append(l.spec.Groups, int(g))
		}
	}
	if sc := c.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			uid = sc.RunAsUser
		}
		if sc.RunAsGroup != nil {
			gid = sc.RunAsGroup
		}
		if sc.RunAsNonRoot != nil {
			nonRoot = *sc.RunAsNonRoot
		}
		l.spec.NoNewPrivs = sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation
	}
	// the image's USER when the securityContext sets no runAsUser (runAsGroup still wins)
	passwdRoot := "/"
	if ri.rootfs != "" {
		passwdRoot = ri.rootfs
		if uid == nil && ri.user != "" {
			iu, err := resolveImageUser(ri.rootfs, ri.user)
			if err != nil {
				return nil, configErrorf("image %s: %v", c.Image, err)
			}
			if nonRoot && !iu.numeric {
				return nil, configErrorf("container has runAsNonRoot and image has non-numeric user (%s), cannot verify user is non-root (pod: %q, container: %s)", ri.user, pod.Namespace+"/"+pod.Name, c.Name)
			}
			u := int64(iu.uid)
			uid = &u
			if gid == nil && iu.hasGID {
				g := int64(iu.gid)
				gid = &g
			}
		}
	}
	if nonRoot && (uid == nil || *uid == 0) {
		return nil, configErrorf("container has runAsNonRoot and image will run as root (pod: %q, container: %s)", pod.Namespace+"/"+pod.Name, c.Name)
	}
	home := "/root"
	if uid != nil {
		l.spec.SetUser = true
		l.spec.UID = int(*uid)
		pg, h, known := passwdEntry(passwdRoot, l.spec.UID)
		home = "/"
		if known {
			home = h
		}
		switch {
		case gid != nil:
			l.spec.GID = int(*gid)
		case known:
			l.spec.GID = pg
		}
	} else if gid != nil {
		l.spec.SetUser = true
		l.spec.GID = int(*gid)
	}

	// environment: image env, PATH, HOSTNAME, HOME, service env, then the container's
	base := newEnvList()
	base.set("KUBERNETES_SERVICE_HOST", cfg.apiHost)
	base.set("KUBERNETES_SERVICE_PORT", cfg.apiPort)
	penv := podEnvContext{nodeName: cfg.nodeName, podIP: cfg.nodeIP, hostIP: cfg.nodeIP, allocatable: cfg.allocatable}
	cenv, err := containerEnv(context.Background(), pod, c, w.n.objects, penv, base)
	if err != nil {
		return nil, err
	}
	final := newEnvList()
	imgPath := img.Env["PATH"]
	for _, k := range sortedKeys(img.Env) {
		final.set(k, img.Env[k])
	}
	if imgPath == "" {
		imgPath = defaultPath
	}
	if len(img.Path) > 0 {
		imgPath = strings.Join(img.Path, ":") + ":" + imgPath
	}
	final.set("PATH", imgPath)
	final.set("HOSTNAME", pod.Name)
	if _, ok := img.Env["HOME"]; !ok {
		final.set("HOME", home)
	}
	for _, n := range cenv.names {
		final.set(n, cenv.values[n])
	}
	l.spec.Env = final.environ()

	// command: the container's command and args, or the image's entrypoint and cmd
	var argv []string
	switch {
	case len(c.Command) > 0:
		argv = append(append(argv, c.Command...), c.Args...)
	case len(c.Args) > 0:
		argv = append(append(argv, img.Entrypoint...), c.Args...)
	default:
		argv = append(append(argv, img.Entrypoint...), img.Cmd...)
	}
	for i := range argv {
		argv[i] = expandRefs(argv[i], cenv.get)
	}
	if len(argv) == 0 {
		return nil, configErrorf("no command specified")
	}
	l.spec.Argv = argv
	l.spec.Dir = c.WorkingDir
	if l.spec.Dir == "" {
		l.spec.Dir = img.WorkingDir
	}

	// volumes
	mounts, err := w.mounts(pod, c)
	if err != nil {
		return nil, err
	}
	l.logFile = filepath.Join(w.dir, c.Name+".log")
	l.termFile = filepath.Join(w.dir, c.Name+".termination-log")
	l.specFile = filepath.Join(w.dir, "."+c.Name+".launch.json")
	if err := os.WriteFile(l.termFile, nil, 0o666); err != nil {
		return nil, err
	}
	_ = os.Chmod(l.termFile, 0o666)
	if l.spec.SetUser {
		_ = os.Chown(l.termFile, l.spec.UID, l.spec.GID)
	}
	tmp := c.TerminationMessagePath
	if tmp == "" {
		tmp = v1.TerminationMessagePathDefault
	}
	mounts = append(mounts, mountSpec{Source: l.termFile, Target: tmp})
	l.spec.Mounts = mounts
	if ri.rootfs != "" {
		dir := filepath.Join(w.dir, "rootfs", c.Name)
		l.spec.Root = &rootSpec{Lower: ri.rootfs, Upper: filepath.Join(dir, "upper"), Work: filepath.Join(dir, "work"),
			Merged:   filepath.Join(dir, "merged"),
			ReadOnly: c.SecurityContext != nil && c.SecurityContext.ReadOnlyRootFilesystem != nil && *c.SecurityContext.ReadOnlyRootFilesystem}
	}
	return l, nil
}

// mounts resolves a container's volumeMounts to bind mounts, creating emptyDirs and writing
// Secret and ConfigMap volumes' files.
func (w *podWorker) mounts(pod *v1.Pod, c *v1.Container) ([]mountSpec, error) {
	volumes := map[string]*v1.Volume{}
	for i := range pod.Spec.Volumes {
		volumes[pod.Spec.Volumes[i].Name] = &pod.Spec.Volumes[i]
	}
	var out []mountSpec
	for _, vm := range c.VolumeMounts {
		v := volumes[vm.Name]
		if v == nil {
			return nil, configErrorf("volume %q of mount %s not found in the Pod", vm.Name, vm.MountPath)
		}
		src, err := w.volumeDir(pod, v)
		if err != nil {
			return nil, err
		}
		if vm.SubPath != "" {
			src = filepath.Join(src, filepath.Clean("/"+vm.SubPath))
			if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
				if err := os.MkdirAll(src, 0o777); err != nil {
					return nil, err
				}
				_ = os.Chmod(src, 0o777)
			}
		}
		out = append(out, mountSpec{Source: src, Target: vm.MountPath, ReadOnly: vm.ReadOnly})
	}
	// parents before children
	sort.SliceStable(out, func(i, j int) bool {
		return strings.Count(filepath.Clean(out[i].Target), "/") < strings.Count(filepath.Clean(out[j].Target), "/")
	})
	return out, nil
}

// volumeDir is the host directory of a volume.
func (w *podWorker) volumeDir(pod *v1.Pod, v *v1.Volume) (string, error) {
	dir := filepath.Join(w.dir, "volumes", v.Name)
	fsGroup := -1
	if pod.Spec.SecurityContext != nil && pod.Spec.SecurityContext.FSGroup != nil {
		fsGroup = int(*pod.Spec.SecurityContext.FSGroup)
	}
	switch {
	case v.EmptyDir != nil:
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return "", err
		}
		// like the kubelet's emptyDir: writable by every user of the Pod
		_ = os.Chmod(dir, 0o777)
		if fsGroup >= 0 {
			_ = os.Chown(dir, -1, fsGroup)
		}
		return dir, nil
	case v.HostPath != nil:
		p := v.HostPath.Path
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			if v.HostPath.Type != nil && *v.HostPath.Type == v1.HostPathDirectoryOrCreate {
				if err := os.MkdirAll(p, 0o755); err != nil {
					return "", err
				}
			} else {
				return "", configErrorf("hostPath %s does not exist", p)
			}
		}
		return p, nil
	case v.Secret != nil || v.ConfigMap != nil || v.Projected != nil || v.DownwardAPI != nil:
		files, err := volumeFiles(context.Background(), w.n.objects, pod, v, w.n.cfg)
		if err != nil {
			return "", err
		}
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		for rel, f := range files {
			p := filepath.Join(dir, filepath.Clean("/"+rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return "", err
			}
			if err := os.WriteFile(p, f.data, os.FileMode(f.mode)); err != nil {
				return "", err
			}
			if fsGroup >= 0 {
				_ = os.Chown(p, -1, fsGroup)
			}
			if err := os.Chmod(p, os.FileMode(f.mode)); err != nil {
				return "", err
			}
		}
		return dir, nil
	}
	return "", configErrorf("volume %s: only emptyDir, hostPath, secret, configMap, downwardAPI and projected volumes are supported by stratoflow-node", v.Name)
}

// start starts a prepared container; on a start error the container is terminated (StartError).
func (w *podWorker) start(l *launchPlan, set func(func(*ctrState))) *process {
	w.n.startSem <- struct{}{}
	cg, err := w.n.cg.create(fmt.Sprintf("%s_%s", w.uid, l.name), l.memLimit, l.cpuMilli)
	var p *process
	if err == nil {
		p, err = startProcess(w.n.self, l.specFile, &l.spec, l.logFile, cg, l.memLimit)
		if err != nil {
			cg.destroy()
		}
	}
	<-w.n.startSem
	now := time.Now()
	if err != nil {
		msg := err.Error()
		var se *startError
		if !errors.As(err, &se) {
			msg = "failed to start container: " + msg
		}
		w.logf("container %s: StartError: %s", l.name, msg)
		set(func(s *ctrState) {
			s.Phase, s.ImageID = cTerminated, l.imageID
			s.ExitCode, s.Reason, s.Message = 128, "StartError", msg
			s.StartedAt, s.FinishedAt = now, now
		})
		return nil
	}
	set(func(s *ctrState) {
		s.Phase, s.ImageID, s.StartedAt = cRunning, l.imageID, p.started
		s.WaitingReason, s.WaitingMessage = "", ""
		s.ContainerID = "stratoflow-node://" + strconv.Itoa(p.pid)
		// a main container with probes is neither started nor ready until they say so
		s.NotStarted = l.main && l.container.StartupProbe != nil
		s.NotReady = s.NotStarted || (l.main && l.container.ReadinessProbe != nil)
	})
	w.logf("container %s started (pid %d, image %s)", l.name, p.pid, l.imageID)
	return p
}

// terminated records the end of a container (p is done).
func (w *podWorker) terminated(l *launchPlan, p *process, set func(func(*ctrState))) {
	<-p.done
	file := readTail(l.termFile, maxTerminationMessage)
	msg := terminationMessage(file, l.policy, p.exitCode, func() []byte { return readTail(l.logFile, 256<<10) })
	oom := p.oom && p.exitCode != 0
	reason := terminatedReason(p.exitCode, oom)
	set(func(s *ctrState) {
		s.Phase, s.FinishedAt = cTerminated, p.finished
		s.ExitCode, s.Reason, s.Message = p.exitCode, reason, msg
	})
	w.logf("container %s: %s (exit code %d)", l.name, reason, p.exitCode)
}

// publish writes the Pod's status through the status subresource (a JSON merge patch that
// also checks the Pod's uid).
func (w *podWorker) publish() {
	w.pubMu.Lock()
	defer w.pubMu.Unlock()
	w.mu.Lock()
	st := w.st
	st.Init = append([]ctrState(nil), w.st.Init...)
	st.Main = append([]ctrState(nil), w.st.Main...)
	var prev []v1.PodCondition
	if w.pod != nil {
		prev = w.pod.Status.Conditions
	}
	w.mu.Unlock()
	status := buildStatus(st, prev, w.n.cfg.nodeIP, w.n.cfg.nodeIP, time.Now())
	patch, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"uid": w.uid},
		"status":   status,
	})
	if err != nil {
		w.logf("status: %v", err)
		return
	}
	// Transient failures (API server restarting, overloaded) are retried for up to two minutes;
	// a status the API server refuses is given up after three tries.
	giveUp := time.Now().Add(2 * time.Minute)
	for attempt := 0; ; attempt++ {
		ctx, cancel := context.WithTimeout(w.n.ctx, 30*time.Second)
		updated, err := w.n.client.CoreV1().Pods(w.ns).Patch(ctx, w.name, types.MergePatchType, patch, metav1.PatchOptions{}, "status")
		cancel()
		switch {
		case err == nil:
			w.mu.Lock()
			w.pod = updated
			w.mu.Unlock()
			return
		case apierrors.IsNotFound(err):
			w.gone()
			return
		case apierrors.IsConflict(err) || w.n.ctx.Err() != nil:
			// another Pod of that name (the uid differs), or the node is stopping
			return
		case time.Now().After(giveUp) || (attempt >= 2 && (apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) || apierrors.IsForbidden(err))):
			w.logf("status not written: %v", err)
			return
		}
		delay := time.Duration(100<<min(attempt, 6)) * time.Millisecond
		if attempt > 0 {
			w.logf("writing status (try %d): %v", attempt+1, err)
		}
		select {
		case <-w.n.ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}
