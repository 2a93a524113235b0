package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// probeKind is which of a container's probes this is.
type probeKind string

const (
	probeStartup   probeKind = "Startup"
	probeLiveness  probeKind = "Liveness"
	probeReadiness probeKind = "Readiness"
)

// probeParams are a probe's timing fields with the API's defaults applied.
type probeParams struct {
	initialDelay, period, timeout time.Duration
	successThreshold              int
	failureThreshold              int
}

// paramsOf applies the defaults of the API (period 10 s, timeout 1 s, thresholds 1 and 3); second
// is the length of a second (shorter in tests). Liveness and startup probes need one success.
func paramsOf(p *v1.Probe, kind probeKind, second time.Duration) probeParams {
	pp := probeParams{
		initialDelay:     time.Duration(p.InitialDelaySeconds) * second,
		period:           time.Duration(p.PeriodSeconds) * second,
		timeout:          time.Duration(p.TimeoutSeconds) * second,
		successThreshold: int(p.SuccessThreshold),
		failureThreshold: int(p.FailureThreshold),
	}
	if p.PeriodSeconds <= 0 {
		pp.period = 10 * second
	}
	if p.TimeoutSeconds <= 0 {
		pp.timeout = second
	}
	if p.SuccessThreshold <= 0 || kind != probeReadiness {
		pp.successThreshold = 1
	}
	if p.FailureThreshold <= 0 {
		pp.failureThreshold = 3
	}
	return pp
}

// thresholds turns single probe results into the reported one, as the kubelet's probe worker
// does: the report changes after successThreshold successes or failureThreshold failures in a row.
type thresholds struct {
	success, failure int
	reported         bool
	last             bool
	run              int
}

func newThresholds(pp probeParams, initial bool) *thresholds {
	return &thresholds{success: pp.successThreshold, failure: pp.failureThreshold, reported: initial}
}

// observe records one result; changed is true when the reported result changed.
func (t *thresholds) observe(ok bool) (reported, changed bool) {
	if t.run > 0 && t.last == ok {
		t.run++
	} else {
		t.last, t.run = ok, 1
	}
	before := t.reported
	if (ok && t.run >= t.success) || (!ok && t.run >= t.failure) {
		t.reported = ok
	}
	return t.reported, t.reported != before
}

// reset forgets the results in a row (after the container was killed for failing).
func (t *thresholds) reset() { t.run = 0 }

// probeTarget is what a probe reaches: the host (Pods share the node's network), the
// container's ports (for named ports) and a way to run a command in the container.
type probeTarget struct {
	host  string
	ports []v1.ContainerPort
	exec  func(ctx context.Context, cmd []string) (output string, exitCode int, err error)
}

// errUnsupported is a probe handler this node does not run (gRPC).
var errUnsupported = errors.New("unsupported probe")

// runProbe runs one probe once: ok, and a message like the kubelet's when it failed.
func runProbe(ctx context.Context, p *v1.Probe, t probeTarget, timeout time.Duration) (bool, string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case p.HTTPGet != nil:
		return httpProbe(ctx, p.HTTPGet, t)
	case p.TCPSocket != nil:
		port, err := resolvePort(p.TCPSocket.Port, t.ports)
		if err != nil {
			return false, err.Error(), nil
		}
		host := p.TCPSocket.Host
		if host == "" {
			host = t.host
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return false, err.Error(), nil
		}
		conn.Close()
		return true, "", nil
	case p.Exec != nil:
		if t.exec == nil {
			return false, "", fmt.Errorf("%w: exec", errUnsupported)
		}
		out, code, err := t.exec(ctx, p.Exec.Command)
		switch {
		case ctx.Err() == context.DeadlineExceeded:
			return false, fmt.Sprintf("command %q timed out", strings.Join(p.Exec.Command, " ")), nil
		case err != nil:
			return false, err.Error(), nil
		case code != 0:
			if out == "" {
				out = fmt.Sprintf("command %q exited with %d", strings.Join(p.Exec.Command, " "), code)
			}
			return false, out, nil
		}
		return true, "", nil
	case p.GRPC != nil:
		return false, "", fmt.Errorf("%w: grpc", errUnsupported)
	}
	return false, "", fmt.Errorf("%w: the probe has no handler", errUnsupported)
}

// resolvePort is a probe's port: a number, or the containerPort of the container's port of that name.
func resolvePort(p intstr.IntOrString, ports []v1.ContainerPort) (int, error) {
	if p.Type == intstr.Int {
		if p.IntVal <= 0 || p.IntVal > 65535 {
			return 0, fmt.Errorf("invalid port number: %d", p.IntVal)
		}
		return int(p.IntVal), nil
	}
	for _, cp := range ports {
		if cp.Name == p.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	if n, err := strconv.Atoi(p.StrVal); err == nil && n > 0 && n <= 65535 {
		return n, nil
	}
	return 0, fmt.Errorf("couldn't find port: %s in container", p.StrVal)
}

// httpProbe is the kubelet's HTTP probe: 200-399 succeeds; HTTPS without checking the
// certificate; redirects are followed on the same host only (another host's redirect succeeds).
func httpProbe(ctx context.Context, g *v1.HTTPGetAction, t probeTarget) (bool, string, error) {
	port, err := resolvePort(g.Port, t.ports)
	if err != nil {
		return false, err.Error(), nil
	}
	host := g.Host
	if host == "" {
		host = t.host
	}
	scheme := strings.ToLower(string(g.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	path := g.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	u := &url.URL{Scheme: scheme, Host: net.JoinHostPort(host, strconv.Itoa(port))}
	if parsed, err := url.Parse(path); err == nil {
		u.Path, u.RawQuery = parsed.Path, parsed.RawQuery
	} else {
		u.Path = path
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return false, err.Error(), nil
	}
	req.Header.Set("User-Agent", "kube-probe/1.33")
	req.Header.Set("Accept", "*/*")
	for _, h := range g.HTTPHeaders {
		if strings.EqualFold(h.Name, "Host") {
			req.Host = h.Value
			continue
		}
		req.Header.Add(h.Name, h.Value)
	}
	client := &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true},
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			if r.URL.Hostname() != via[0].URL.Hostname() {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	resp, err := client.Do(req)
	if err != nil {
		return false, err.Error(), nil
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 10<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 400 {
		return true, "", nil
	}
	msg := fmt.Sprintf("HTTP probe failed with statuscode: %d", resp.StatusCode)
	return false, msg, nil
}

// probeEvents is what the probes of one container report to the Pod's worker.
type probeEvents struct {
	// changed: the container's readiness or started state changed
	changed func(ready, started bool)
	// failed: one probe failed (an Unhealthy event), message like the kubelet's
	failed func(kind probeKind, message string)
	// kill: a liveness or startup probe failed failureThreshold times: the container must go
	kill func(kind probeKind, message string)
	// unsupported: the probe cannot be run by this node (reported once; it is then ignored)
	unsupported func(kind probeKind, err error)
}

// containerProbes runs the startup, liveness and readiness probes of one running container until
// done is closed (the container ended). The startup probe gates the other two; a container
// without a readiness probe is ready once started; a container without a startup probe is
// started at once.
type containerProbes struct {
	startup, liveness, readiness *v1.Probe
	target                       probeTarget
	startedAt                    time.Time
	second                       time.Duration
	ev                           probeEvents

	mu      sync.Mutex
	started bool
	ready   bool
	killed  bool
}

// hasProbes is true when c has a probe this node runs.
func hasProbes(c *v1.Container) bool {
	return c.StartupProbe != nil || c.LivenessProbe != nil || c.ReadinessProbe != nil
}

func newContainerProbes(c *v1.Container, target probeTarget, startedAt time.Time, second time.Duration, ev probeEvents) *containerProbes {
	cp := &containerProbes{startup: c.StartupProbe, liveness: c.LivenessProbe, readiness: c.ReadinessProbe,
		target: target, startedAt: startedAt, second: second, ev: ev}
	cp.started = cp.startup == nil
	cp.ready = cp.started && cp.readiness == nil
	return cp
}

// state is (ready, started) as the container status reports them.
func (cp *containerProbes) state() (ready, started bool) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.ready && cp.started, cp.started
}

func (cp *containerProbes) run(ctx context.Context, done <-chan struct{}) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-done:
		case <-ctx.Done():
		}
		cancel()
	}()
	var wg sync.WaitGroup
	for _, x := range []struct {
		kind probeKind
		p    *v1.Probe
	}{{probeStartup, cp.startup}, {probeLiveness, cp.liveness}, {probeReadiness, cp.readiness}} {
		if x.p == nil {
			continue
		}
		wg.Add(1)
		go func(kind probeKind, p *v1.Probe) { defer wg.Done(); cp.worker(ctx, kind, p) }(x.kind, x.p)
	}
	wg.Wait()
	cancel()
}

// worker is one probe's loop, like the kubelet's probe worker.
func (cp *containerProbes) worker(ctx context.Context, kind probeKind, p *v1.Probe) {
	pp := paramsOf(p, kind, cp.second)
	// initial results: liveness passes, readiness and startup have not
	th := newThresholds(pp, kind == probeLiveness)
	tick := time.NewTicker(pp.period)
	defer tick.Stop()
	for {
		if !cp.once(ctx, kind, p, pp, th) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// once runs one period of a probe; false when the worker is done (startup succeeded, the
// container was killed, the probe cannot run).
func (cp *containerProbes) once(ctx context.Context, kind probeKind, p *v1.Probe, pp probeParams, th *thresholds) bool {
	cp.mu.Lock()
	started, killed := cp.started, cp.killed
	cp.mu.Unlock()
	if killed || ctx.Err() != nil {
		return false
	}
	if kind != probeStartup && !started {
		return true // gated by the startup probe
	}
	if time.Since(cp.startedAt) < pp.initialDelay {
		return true
	}
	ok, msg, err := runProbe(ctx, p, cp.target, pp.timeout)
	if ctx.Err() == context.Canceled {
		return false // the container ended meanwhile
	}
	if err != nil {
		if cp.ev.unsupported != nil {
			cp.ev.unsupported(kind, err)
		}
		// ignored from now on: the container is treated as if it had no such probe
		cp.mu.Lock()
		changed := false
		switch kind {
		case probeStartup:
			changed, cp.started = !cp.started, true
			if cp.readiness == nil {
				cp.ready = true
			}
		case probeReadiness:
			changed, cp.ready = !cp.ready, true
		}
		ready, started := cp.ready && cp.started, cp.started
		cp.mu.Unlock()
		if changed && cp.ev.changed != nil {
			cp.ev.changed(ready, started)
		}
		return false
	}
	if !ok && cp.ev.failed != nil {
		cp.ev.failed(kind, msg)
	}
	result, changed := th.observe(ok)
	switch kind {
	case probeReadiness:
		if changed {
			cp.mu.Lock()
			cp.ready = result
			ready, started := cp.ready && cp.started, cp.started
			cp.mu.Unlock()
			if cp.ev.changed != nil {
				cp.ev.changed(ready, started)
			}
		}
	case probeStartup:
		if result {
			cp.mu.Lock()
			cp.started = true
			cp.ready = cp.readiness == nil
			ready, started := cp.ready && cp.started, cp.started
			cp.mu.Unlock()
			if cp.ev.changed != nil {
				cp.ev.changed(ready, started)
			}
			return false
		}
		fallthrough
	case probeLiveness:
		if !result && th.run >= th.failure {
			cp.mu.Lock()
			first := !cp.killed
			cp.killed = true
			cp.mu.Unlock()
			if first && cp.ev.kill != nil {
				cp.ev.kill(kind, msg)
			}
			th.reset()
			return false
		}
	}
	return true
}

// execInContainer runs cmd in a running container as its exec probe: the node's helper joins
// the container's cgroups, chroots into its root as its main process sees it (/proc/<pid>/root:
// the image's overlay with the volumes), takes its user, environment and working directory, and
// execs the command. Output is kept to 10 KiB; on timeout the command's process group is killed.
func execInContainer(ctx context.Context, self, specFile string, spec launchSpec, pid int, cmd []string) (string, int, error) {
	spec.Argv = cmd
	spec.Root, spec.Mounts = nil, nil
	spec.Chroot = fmt.Sprintf("/proc/%d/root", pid)
	data, err := json.Marshal(spec)
	if err != nil {
		return "", -1, err
	}
	if err := os.MkdirAll(filepath.Dir(specFile), 0o755); err != nil {
		return "", -1, err
	}
	if err := os.WriteFile(specFile, data, 0o600); err != nil {
		return "", -1, err
	}
	defer os.Remove(specFile)
	r, w, err := os.Pipe()
	if err != nil {
		return "", -1, err
	}
	defer r.Close()
	var out limitedBuffer
	out.max = 10 << 10
	c := exec.Command(self, helperCommand, specFile)
	c.Env = []string{}
	c.Stdout, c.Stderr = &out, &out
	c.ExtraFiles = []*os.File{w}
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		w.Close()
		return "", -1, err
	}
	w.Close()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-ctx.Done():
			_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		case <-stop:
		}
	}()
	startMsg, _ := io.ReadAll(io.LimitReader(r, 64<<10))
	err = c.Wait()
	if len(startMsg) > 0 {
		return "", -1, errors.New(string(startMsg))
	}
	code := 0
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
		if code < 0 {
			code = 137
		}
	default:
		return out.String(), -1, err
	}
	return out.String(), code, nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.max - b.buf.Len(); room > 0 {
		if len(p) > room {
			b.buf.Write(p[:room])
		} else {
			b.buf.Write(p)
		}
	}
	return len(p), nil
}

func (b *limitedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
