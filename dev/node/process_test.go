package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests start real processes through the exec helper; they need root (mount namespaces,
// cgroups, setuid).
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

func testCgroups(t *testing.T) *cgroups {
	cg := newCgroups("stratoflow-node-test-"+filepath.Base(t.TempDir()), t.Logf)
	t.Cleanup(func() { cg.cleanStale(); cg.removeParents() })
	return cg
}

func runSpec(t *testing.T, cgs *cgroups, spec launchSpec, memLimit int64) (*process, string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cg, err := cgs.create(strings.ReplaceAll(t.Name(), "/", "_"), memLimit, 0)
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "c.log")
	p, err := startProcess(self, filepath.Join(dir, "spec.json"), &spec, log, cg, memLimit)
	if err != nil {
		cg.destroy()
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.stop(0)
		t.Fatal("process did not end")
	}
	out, _ := os.ReadFile(log)
	return p, string(out)
}

func TestProcessMountsUserAndWorkingDir(t *testing.T) {
	needRoot(t)
	vol := t.TempDir()
	os.Chmod(vol, 0o777)
	term := filepath.Join(t.TempDir(), "term")
	os.WriteFile(term, nil, 0o666)
	os.Chmod(term, 0o666)
	target := "/tmp/stratoflow-node-test-mount-" + filepath.Base(vol)
	defer os.Remove(target)
	spec := launchSpec{
		Argv:    []string{"sh", "-c", `id -u; id -g; pwd; echo hello > $TARGET/f; echo msg > /dev/termination-log; echo "$GREETING"`},
		Env:     []string{"PATH=/usr/bin:/bin", "TARGET=" + target, "GREETING=hi there"},
		Dir:     "/tmp",
		SetUser: true, UID: 1234, GID: 2345,
		Mounts: []mountSpec{{Source: vol, Target: target}, {Source: term, Target: "/dev/termination-log"}},
	}
	p, out := runSpec(t, testCgroups(t), spec, 0)
	if p.exitCode != 0 {
		t.Fatalf("exit %d: %s", p.exitCode, out)
	}
	if out != "1234\n2345\n/tmp\nhi there\n" {
		t.Fatalf("output %q", out)
	}
	if data, _ := os.ReadFile(filepath.Join(vol, "f")); string(data) != "hello\n" {
		t.Fatalf("volume file %q", data)
	}
	if data, _ := os.ReadFile(term); string(data) != "msg\n" {
		t.Fatalf("termination file %q", data)
	}
	// the host's /dev/termination-log (a mount point) stays empty
	if data, _ := os.ReadFile("/dev/termination-log"); len(data) != 0 {
		t.Fatalf("the host's /dev/termination-log got %q", data)
	}
}

func TestProcessExitCodeAndSignal(t *testing.T) {
	needRoot(t)
	cgs := testCgroups(t)
	p, _ := runSpec(t, cgs, launchSpec{Argv: []string{"sh", "-c", "exit 3"}, Env: []string{"PATH=/bin:/usr/bin"}}, 0)
	if p.exitCode != 3 || p.oom {
		t.Fatalf("exit %d oom %v", p.exitCode, p.oom)
	}
	p, _ = runSpec(t, cgs, launchSpec{Argv: []string{"sh", "-c", "kill -TERM $$"}, Env: []string{"PATH=/bin:/usr/bin"}}, 0)
	if p.exitCode != 143 {
		t.Fatalf("exit %d", p.exitCode)
	}
}

func TestProcessStartError(t *testing.T) {
	needRoot(t)
	self, _ := os.Executable()
	cg, _ := testCgroups(t).create("starterr", 0, 0)
	dir := t.TempDir()
	_, err := startProcess(self, filepath.Join(dir, "spec.json"), &launchSpec{Argv: []string{"no-such-command"}, Env: []string{"PATH=/bin"}},
		filepath.Join(dir, "log"), cg, 0)
	var se *startError
	if !errors.As(err, &se) || !strings.Contains(se.msg, "executable file not found in $PATH") {
		t.Fatalf("%v", err)
	}
	cg.destroy()
}

func TestProcessOOMKilled(t *testing.T) {
	needRoot(t)
	cgs := testCgroups(t)
	if cgs.kind == cgroupNone {
		t.Log("no memory cgroup: the RSS poller enforces the limit")
	}
	// tail holds the whole input in memory: 300 MB against a 64 MiB limit
	p, out := runSpec(t, cgs, launchSpec{Argv: []string{"sh", "-c", "head -c 300m /dev/zero | tail"}, Env: []string{"PATH=/bin:/usr/bin"}}, 64<<20)
	if !p.oom || p.exitCode != 137 {
		t.Fatalf("oom %v exit %d: %s", p.oom, p.exitCode, out)
	}
}

func TestProcessStopKillsTheGroup(t *testing.T) {
	needRoot(t)
	self, _ := os.Executable()
	cg, _ := testCgroups(t).create("stop", 0, 0)
	dir := t.TempDir()
	// the shell ignores TERM: stop must fall back to KILL after the grace period
	p, err := startProcess(self, filepath.Join(dir, "spec.json"), &launchSpec{Argv: []string{"sh", "-c", "trap '' TERM; sleep 60 & wait"},
		Env: []string{"PATH=/bin:/usr/bin"}}, filepath.Join(dir, "log"), cg, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let the shell set its trap
	t0 := time.Now()
	p.stop(500 * time.Millisecond)
	if d := time.Since(t0); d > 5*time.Second {
		t.Fatalf("stop took %s", d)
	}
	if p.exitCode != 137 {
		t.Fatalf("exit %d", p.exitCode)
	}
	if _, err := os.Stat(cg.mem); cg.mem != "" && err == nil {
		t.Fatal("cgroup not removed")
	}
}
