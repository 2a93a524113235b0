package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// startError is a container that could not start (the kubelet's StartError, exit code 128).
type startError struct{ msg string }

func (e *startError) Error() string { return e.msg }

// process is one running container process (with everything it forks).
type process struct {
	pid     int
	started time.Time
	cg      *cgroup
	limit   int64 // memory limit in bytes, 0 = none

	done     chan struct{}
	exitCode int32
	finished time.Time
	oom      bool

	mu          sync.Mutex
	killedByRSS bool
}

// startProcess starts the helper for spec with its output appended to logPath and waits
// until it has exec'd the container's command (or failed to).
func startProcess(self, specFile string, spec *launchSpec, logPath string, cg *cgroup, memLimit int64) (*process, error) {
	spec.Cgroups = cg.procsFiles()
	data, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(specFile, data, 0o600); err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	cmd := exec.Command(self, helperCommand, specFile)
	cmd.Env = []string{}
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Unshareflags: syscall.CLONE_NEWNS}
	if err := cmd.Start(); err != nil {
		w.Close()
		os.Remove(specFile)
		return nil, err
	}
	w.Close()
	msg, _ := io.ReadAll(io.LimitReader(r, 64<<10))
	if len(msg) > 0 {
		_ = cmd.Wait()
		return nil, &startError{string(msg)}
	}
	p := &process{pid: cmd.Process.Pid, started: time.Now(), cg: cg, limit: memLimit, done: make(chan struct{})}
	go p.wait(cmd)
	if memLimit > 0 && cg.kind == cgroupNone {
		go p.pollRSS()
	}
	return p, nil
}

func (p *process) wait(cmd *exec.Cmd) {
	err := cmd.Wait()
	p.finished = time.Now()
	var ee *exec.ExitError
	switch {
	case err == nil:
		p.exitCode = 0
	case errors.As(err, &ee):
		ws, _ := ee.Sys().(syscall.WaitStatus)
		sig := 0
		if ws.Signaled() {
			sig = int(ws.Signal())
		}
		p.exitCode = exitCodeOf(ws.Exited(), ws.ExitStatus(), ws.Signaled(), sig)
	default:
		p.exitCode = 255
	}
	// The container ends with its main process: what it left running goes too.
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	p.cg.killAll(syscall.SIGKILL)
	p.mu.Lock()
	byRSS := p.killedByRSS
	p.mu.Unlock()
	p.oom = byRSS || p.cg.oomKills() > 0
	p.cg.destroy()
	close(p.done)
}

// signal sends sig to the process group and to every process in the cgroup.
func (p *process) signal(sig syscall.Signal) {
	_ = syscall.Kill(-p.pid, sig)
	p.cg.killAll(sig)
}

// stop sends SIGTERM, then SIGKILL after grace, and waits for the end.
func (p *process) stop(grace time.Duration) {
	select {
	case <-p.done:
		return
	default:
	}
	if grace > 0 {
		p.signal(syscall.SIGTERM)
		select {
		case <-p.done:
			return
		case <-time.After(grace):
		}
	}
	p.signal(syscall.SIGKILL)
	<-p.done
}

// pollRSS enforces the memory limit without cgroups: the process group's resident memory is
// summed every 200 ms and the group killed (as for OOM) when it is over the limit.
func (p *process) pollRSS() {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	page := int64(os.Getpagesize())
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
		}
		if groupRSS(p.pid, page) > p.limit {
			p.mu.Lock()
			p.killedByRSS = true
			p.mu.Unlock()
			_ = syscall.Kill(-p.pid, syscall.SIGKILL)
			return
		}
	}
}

// groupRSS sums the resident set of the processes of process group pgid.
func groupRSS(pgid int, page int64) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var total int64
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 3 || f[2] != strconv.Itoa(pgid) {
			continue
		}
		_ = pid
		statm, err := os.ReadFile("/proc/" + e.Name() + "/statm")
		if err != nil {
			continue
		}
		sf := strings.Fields(string(statm))
		if len(sf) > 1 {
			rss, _ := strconv.ParseInt(sf[1], 10, 64)
			total += rss * page
		}
	}
	return total
}

// passwdEntry finds a user's primary group and home directory in the /etc/passwd of root
// ("/" for the host, or an image's unpacked rootfs).
func passwdEntry(root string, uid int) (gid int, home string, ok bool) {
	f, err := os.Open(filepath.Join(root, "etc/passwd"))
	if err != nil {
		return 0, "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(sc.Text(), ":")
		if len(parts) < 6 || parts[2] != strconv.Itoa(uid) {
			continue
		}
		g, err := strconv.Atoi(parts[3])
		if err != nil {
			return 0, "", false
		}
		return g, parts[5], true
	}
	return 0, "", false
}

func describeExit(code int32) string { return fmt.Sprintf("exit code %d", code) }
