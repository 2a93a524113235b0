package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestProbeDefaults(t *testing.T) {
	got := paramsOf(&v1.Probe{}, probeReadiness, time.Second)
	want := probeParams{period: 10 * time.Second, timeout: time.Second, successThreshold: 1, failureThreshold: 3}
	if got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	p := &v1.Probe{InitialDelaySeconds: 4, PeriodSeconds: 2, TimeoutSeconds: 3, SuccessThreshold: 2, FailureThreshold: 60}
	if got := paramsOf(p, probeReadiness, time.Second); got != (probeParams{4 * time.Second, 2 * time.Second, 3 * time.Second, 2, 60}) {
		t.Errorf("readiness %+v", got)
	}
	// liveness and startup probes need one success whatever the spec says
	if got := paramsOf(p, probeLiveness, time.Second); got.successThreshold != 1 {
		t.Errorf("liveness %+v", got)
	}
}

func TestThresholds(t *testing.T) {
	th := newThresholds(probeParams{successThreshold: 2, failureThreshold: 3}, false)
	steps := []struct {
		ok, reported, changed bool
	}{
		{true, false, false}, // 1 success of 2
		{false, false, false},
		{true, false, false},
		{true, true, true}, // 2 in a row
		{false, true, false},
		{false, true, false},
		{true, true, false}, // the failures in a row start over
		{false, true, false},
		{false, true, false},
		{false, false, true}, // 3 in a row
		{false, false, false},
	}
	for i, s := range steps {
		r, c := th.observe(s.ok)
		if r != s.reported || c != s.changed {
			t.Fatalf("step %d (%v): reported %v changed %v, want %v %v", i, s.ok, r, c, s.reported, s.changed)
		}
	}
}

// statusServer answers every path with the status set for it (200 by default).
type statusServer struct {
	mu     sync.Mutex
	status map[string]int
	hits   map[string]int
	header http.Header
	host   string
}

func (s *statusServer) set(path string, code int) { s.mu.Lock(); s.status[path] = code; s.mu.Unlock() }
func (s *statusServer) count(path string) int     { s.mu.Lock(); defer s.mu.Unlock(); return s.hits[path] }

func (s *statusServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.header, s.host = r.Header.Clone(), r.Host
	code, ok := s.status[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		code = 200
	}
	if code >= 300 && code < 400 {
		w.Header().Set("Location", "/elsewhere")
	}
	w.WriteHeader(code)
}

func newStatusServer(t *testing.T, tlsServer bool) (*statusServer, int) {
	s := &statusServer{status: map[string]int{}, hits: map[string]int{}}
	var srv *httptest.Server
	if tlsServer {
		srv = httptest.NewTLSServer(s)
	} else {
		srv = httptest.NewServer(s)
	}
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	port, _ := strconv.Atoi(u.Port())
	return s, port
}

func TestHTTPProbe(t *testing.T) {
	s, port := newStatusServer(t, false)
	target := probeTarget{host: "127.0.0.1", ports: []v1.ContainerPort{{Name: "http", ContainerPort: int32(port)}}}
	get := func(path string, p intstr.IntOrString) (bool, string) {
		t.Helper()
		ok, msg, err := runProbe(context.Background(), &v1.Probe{ProbeHandler: v1.ProbeHandler{HTTPGet: &v1.HTTPGetAction{
			Path: path, Port: p, HTTPHeaders: []v1.HTTPHeader{{Name: "X-Probe", Value: "yes"}, {Name: "Host", Value: "example.test"}}}}}, target, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return ok, msg
	}
	s.set("/ready", 503)
	s.set("/moved", 302)
	if ok, msg := get("/ready", intstr.FromString("http")); ok || msg != "HTTP probe failed with statuscode: 503" {
		t.Errorf("503: %v %q", ok, msg)
	}
	if ok, msg := get("/live?x=1", intstr.FromInt32(int32(port))); !ok {
		t.Errorf("200: %q", msg)
	}
	if s.header.Get("X-Probe") != "yes" || s.host != "example.test" || !strings.HasPrefix(s.header.Get("User-Agent"), "kube-probe/") {
		t.Errorf("headers %v, host %s", s.header, s.host)
	}
	if ok, _ := get("/moved", intstr.FromString("http")); !ok {
		t.Error("a redirect (to a 200) failed")
	}
	if ok, msg := get("/ready", intstr.FromString("nope")); ok || !strings.Contains(msg, "couldn't find port: nope") {
		t.Errorf("unknown named port: %v %q", ok, msg)
	}
	tlsS, tlsPort := newStatusServer(t, true)
	ok, msg, _ := runProbe(context.Background(), &v1.Probe{ProbeHandler: v1.ProbeHandler{HTTPGet: &v1.HTTPGetAction{
		Path: "/", Port: intstr.FromInt32(int32(tlsPort)), Scheme: v1.URISchemeHTTPS}}}, target, time.Second)
	if !ok || tlsS.count("/") != 1 {
		t.Errorf("https without a trusted certificate: %v %q", ok, msg)
	}
}

func TestTCPProbe(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	target := probeTarget{host: "127.0.0.1", ports: []v1.ContainerPort{{Name: "tcp", ContainerPort: int32(port)}}}
	p := &v1.Probe{ProbeHandler: v1.ProbeHandler{TCPSocket: &v1.TCPSocketAction{Port: intstr.FromString("tcp")}}}
	if ok, msg, err := runProbe(context.Background(), p, target, time.Second); !ok || err != nil {
		t.Errorf("listening: %q %v", msg, err)
	}
	l.Close()
	if ok, msg, _ := runProbe(context.Background(), p, target, time.Second); ok || !strings.Contains(msg, "connection refused") {
		t.Errorf("closed: %v %q", ok, msg)
	}
	g := &v1.Probe{ProbeHandler: v1.ProbeHandler{GRPC: &v1.GRPCAction{Port: 1}}}
	if _, _, err := runProbe(context.Background(), g, target, time.Second); err == nil {
		t.Error("gRPC probe: no unsupported error")
	}
}

// probeRecorder collects what the probes of one container report.
type probeRecorder struct {
	mu             sync.Mutex
	ready, started bool
	changes        int
	failures       []string
	killed         []probeKind
}

func (r *probeRecorder) events() probeEvents {
	return probeEvents{
		changed: func(ready, started bool) {
			r.mu.Lock()
			r.ready, r.started, r.changes = ready, started, r.changes+1
			r.mu.Unlock()
		},
		failed: func(kind probeKind, msg string) {
			r.mu.Lock()
			r.failures = append(r.failures, string(kind)+" probe failed: "+msg)
			r.mu.Unlock()
		},
		kill: func(kind probeKind, _ string) { r.mu.Lock(); r.killed = append(r.killed, kind); r.mu.Unlock() },
	}
}

func (r *probeRecorder) get() (ready, started bool, killed []probeKind, failures []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ready, r.started, append([]probeKind(nil), r.killed...), append([]string(nil), r.failures...)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const testSecond = 20 * time.Millisecond

func httpProbeOn(path string, period, failures int32) *v1.Probe {
	return &v1.Probe{ProbeHandler: v1.ProbeHandler{HTTPGet: &v1.HTTPGetAction{Path: path, Port: intstr.FromString("http")}},
		PeriodSeconds: period, FailureThreshold: failures}
}

func TestStartupProbeGatesReadinessAndLiveness(t *testing.T) {
	s, port := newStatusServer(t, false)
	s.set("/started", 503)
	s.set("/ready", 503)
	c := &v1.Container{Ports: []v1.ContainerPort{{Name: "http", ContainerPort: int32(port)}},
		StartupProbe:   httpProbeOn("/started", 1, 60),
		LivenessProbe:  httpProbeOn("/live", 1, 3),
		ReadinessProbe: httpProbeOn("/ready", 1, 3)}
	var r probeRecorder
	cp := newContainerProbes(c, probeTarget{host: "127.0.0.1", ports: c.Ports}, time.Now(), testSecond, r.events())
	if ready, started := cp.state(); ready || started {
		t.Fatalf("at start: ready %v started %v", ready, started)
	}
	done := make(chan struct{})
	defer close(done)
	go cp.run(context.Background(), done)
	waitFor(t, "startup probes", func() bool { return s.count("/started") >= 5 })
	if s.count("/live") != 0 || s.count("/ready") != 0 {
		t.Fatalf("liveness (%d) or readiness (%d) ran before the startup probe succeeded", s.count("/live"), s.count("/ready"))
	}
	if _, _, _, f := r.get(); len(f) == 0 || f[0] != "Startup probe failed: HTTP probe failed with statuscode: 503" {
		t.Errorf("failures %q", f)
	}
	s.set("/started", 200)
	waitFor(t, "started", func() bool { _, started, _, _ := r.get(); return started })
	if ready, _, _, _ := r.get(); ready {
		t.Error("ready before the readiness probe succeeded")
	}
	n := s.count("/started")
	s.set("/ready", 200)
	waitFor(t, "ready", func() bool { ready, _, _, _ := r.get(); return ready })
	waitFor(t, "liveness probes", func() bool { return s.count("/live") >= 2 })
	if s.count("/started") != n {
		t.Error("the startup probe ran on after it succeeded")
	}
	// readiness fails: not ready after 3 failures in a row, the container is not killed
	s.set("/ready", 503)
	waitFor(t, "not ready", func() bool { ready, _, _, _ := r.get(); return !ready })
	if _, _, k, _ := r.get(); len(k) != 0 {
		t.Errorf("killed by %v", k)
	}
	// liveness fails: killed once, after 3 failures
	s.set("/live", 500)
	waitFor(t, "killed", func() bool { _, _, k, _ := r.get(); return len(k) > 0 })
	before := s.count("/live")
	time.Sleep(5 * testSecond)
	if _, _, k, _ := r.get(); len(k) != 1 || k[0] != probeLiveness {
		t.Errorf("killed %v", k)
	}
	if s.count("/live") != before {
		t.Error("liveness probed on after the kill")
	}
}

func TestStartupProbeFailureKills(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens
	c := &v1.Container{StartupProbe: &v1.Probe{ProbeHandler: v1.ProbeHandler{TCPSocket: &v1.TCPSocketAction{Port: intstr.FromInt32(int32(port))}},
		PeriodSeconds: 1, FailureThreshold: 3}}
	var r probeRecorder
	cp := newContainerProbes(c, probeTarget{host: "127.0.0.1"}, time.Now(), testSecond, r.events())
	done := make(chan struct{})
	defer close(done)
	t0 := time.Now()
	go cp.run(context.Background(), done)
	waitFor(t, "killed", func() bool { _, _, k, _ := r.get(); return len(k) > 0 })
	if _, _, k, f := r.get(); k[0] != probeStartup || len(f) != 3 {
		t.Errorf("killed by %v after %d failures %q", k, len(f), f)
	}
	if d := time.Since(t0); d < 2*testSecond {
		t.Errorf("killed after %s: sooner than 3 periods", d)
	}
}

func TestInitialDelayAndNoProbes(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	port, _ := strconv.Atoi(u.Port())
	p := httpProbeOn("/", 1, 3)
	p.InitialDelaySeconds = 10
	p.HTTPGet.Port = intstr.FromInt32(int32(port))
	var r probeRecorder
	cp := newContainerProbes(&v1.Container{ReadinessProbe: p}, probeTarget{host: "127.0.0.1"}, time.Now(), testSecond, r.events())
	done := make(chan struct{})
	go cp.run(context.Background(), done)
	time.Sleep(5 * testSecond)
	if hits.Load() != 0 {
		t.Errorf("probed %d times within the initial delay", hits.Load())
	}
	waitFor(t, "ready after the initial delay", func() bool { ready, _, _, _ := r.get(); return ready })
	close(done)

	cp = newContainerProbes(&v1.Container{}, probeTarget{}, time.Now(), testSecond, probeEvents{})
	if ready, started := cp.state(); !ready || !started {
		t.Errorf("without probes: ready %v started %v", ready, started)
	}
}

func TestBackoff(t *testing.T) {
	b := newBackoff(10*time.Second, 5*time.Minute)
	t0 := time.Now()
	var got []time.Duration
	for i := 0; i < 8; i++ {
		got = append(got, b.delay(t0, t0.Add(time.Second)))
	}
	want := []time.Duration{0, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 160 * time.Second, 300 * time.Second, 300 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
	// a container that ran 10 minutes starts over
	if d := b.delay(t0, t0.Add(10*time.Minute)); d != 0 {
		t.Errorf("after 10 min of running: %s", d)
	}
	if d := b.delay(t0, t0.Add(time.Second)); d != 10*time.Second {
		t.Errorf("then %s", d)
	}
	if !restarts(v1.RestartPolicyAlways, 0) || !restarts(v1.RestartPolicyOnFailure, 1) || restarts(v1.RestartPolicyOnFailure, 0) ||
		restarts(v1.RestartPolicyNever, 1) || restarts("", 1) {
		t.Error("restarts by policy")
	}
}
