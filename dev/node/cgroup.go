package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cgroupKind is how the node limits memory.
type cgroupKind string

const (
	cgroupV1   cgroupKind = "cgroup v1"
	cgroupV2   cgroupKind = "cgroup v2"
	cgroupNone cgroupKind = "none (RSS polling)"
)

// cgroups makes one memory cgroup per container (and, on cgroup v1, a cpu cgroup when it can)
// under a parent of this node inside the node's own cgroup.
type cgroups struct {
	kind      cgroupKind
	memParent string // memory (v1) or unified (v2) parent directory
	cpuParent string // cgroup v1 cpu parent ("" when not usable)
}

// mountInfo is one cgroup mount from /proc/self/mountinfo.
type mountInfo struct {
	root, point, fstype string
	options             []string
}

func cgroupMounts() []mountInfo {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []mountInfo
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root mountpoint options [optional...] - fstype source superoptions
		fields := strings.Fields(sc.Text())
		sep := -1
		for i, f := range fields {
			if f == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+3 >= len(fields) || len(fields) < 5 {
			continue
		}
		fstype := fields[sep+1]
		if fstype != "cgroup" && fstype != "cgroup2" {
			continue
		}
		out = append(out, mountInfo{root: fields[3], point: fields[4], fstype: fstype, options: strings.Split(fields[sep+3], ",")})
	}
	return out
}

// ownCgroups maps controller ("memory", "cpu", "" for v2) to this process's cgroup path.
func ownCgroups() map[string]string {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" {
			out[""] = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			out[c] = parts[2]
		}
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// v1Dir is the directory of this process's cgroup of a v1 controller ("" if not mounted).
func v1Dir(mounts []mountInfo, own map[string]string, controller string) string {
	path, ok := own[controller]
	if !ok {
		return ""
	}
	for _, m := range mounts {
		if m.fstype == "cgroup" && has(m.options, controller) {
			rel, ok := strings.CutPrefix(path, m.root)
			if !ok && m.root != "/" {
				continue
			}
			if m.root == "/" {
				rel = path
			}
			return filepath.Join(m.point, rel)
		}
	}
	return ""
}

// newCgroups finds a usable memory controller and creates this node's parent cgroup named name.
func newCgroups(name string, logf func(string, ...any)) *cgroups {
	mounts := cgroupMounts()
	own := ownCgroups()
	cg := &cgroups{kind: cgroupNone}
	if dir := v1Dir(mounts, own, "memory"); dir != "" {
		parent := filepath.Join(dir, name)
		if err := probe(parent, "memory.limit_in_bytes"); err == nil {
			cg.kind, cg.memParent = cgroupV1, parent
		} else {
			logf("cgroup v1 memory controller at %s not usable: %v", dir, err)
		}
	}
	if cg.kind == cgroupNone {
		for _, m := range mounts {
			if m.fstype != "cgroup2" {
				continue
			}
			path := own[""]
			dir := filepath.Join(m.point, strings.TrimPrefix(path, m.root))
			controllers, _ := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
			if !has(strings.Fields(string(controllers)), "memory") {
				logf("cgroup v2 at %s has no memory controller", dir)
				continue
			}
			parent := filepath.Join(dir, name)
			if err := os.MkdirAll(parent, 0o755); err != nil {
				logf("cgroup v2: %v", err)
				continue
			}
			_ = os.WriteFile(filepath.Join(parent, "cgroup.subtree_control"), []byte("+memory"), 0o644)
			if err := probe(parent, "memory.max"); err == nil {
				cg.kind, cg.memParent = cgroupV2, parent
				break
			} else {
				logf("cgroup v2 memory controller at %s not usable: %v", parent, err)
			}
		}
	}
	if dir := v1Dir(mounts, own, "cpu"); dir != "" && cg.kind == cgroupV1 {
		parent := filepath.Join(dir, name)
		if err := probe(parent, "cpu.cfs_quota_us"); err == nil {
			cg.cpuParent = parent
		}
	}
	return cg
}

// probe creates parent and a child in it and checks the child has file.
func probe(parent, file string) error {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	child := filepath.Join(parent, fmt.Sprintf("probe-%d", os.Getpid()))
	if err := os.Mkdir(child, 0o755); err != nil && !os.IsExist(err) {
		return err
	}
	defer os.Remove(child)
	if _, err := os.Stat(filepath.Join(child, file)); err != nil {
		return err
	}
	return nil
}

// cgroup is one container's cgroup(s).
type cgroup struct {
	kind cgroupKind
	mem  string // memory / unified directory
	cpu  string // v1 cpu directory ("" if none)
}

// create makes the cgroups of one container with a memory limit (bytes, 0 = none) and a CPU
// limit (millicores, 0 = none).
func (m *cgroups) create(id string, memLimit, cpuMilli int64) (*cgroup, error) {
	c := &cgroup{kind: m.kind}
	if m.kind == cgroupNone {
		return c, nil
	}
	c.mem = filepath.Join(m.memParent, id)
	if err := os.Mkdir(c.mem, 0o755); err != nil && !os.IsExist(err) {
		return nil, err
	}
	if memLimit > 0 {
		switch m.kind {
		case cgroupV1:
			if err := writeFile(c.mem, "memory.limit_in_bytes", memLimit); err != nil {
				c.destroy()
				return nil, err
			}
			// No swap beyond the limit (where swap accounting exists), so the limit is the limit.
			_ = writeFile(c.mem, "memory.memsw.limit_in_bytes", memLimit)
		case cgroupV2:
			if err := writeFile(c.mem, "memory.max", memLimit); err != nil {
				c.destroy()
				return nil, err
			}
			_ = writeFile(c.mem, "memory.swap.max", 0)
		}
	}
	if m.cpuParent != "" && cpuMilli > 0 {
		c.cpu = filepath.Join(m.cpuParent, id)
		if err := os.Mkdir(c.cpu, 0o755); err == nil || os.IsExist(err) {
			const period = 100000
			_ = writeFile(c.cpu, "cpu.cfs_period_us", period)
			quota := cpuMilli * period / 1000
			if quota < 1000 {
				quota = 1000
			}
			if err := writeFile(c.cpu, "cpu.cfs_quota_us", quota); err != nil {
				os.Remove(c.cpu)
				c.cpu = ""
			}
		} else {
			c.cpu = ""
		}
	}
	return c, nil
}

func writeFile(dir, name string, v int64) error {
	return os.WriteFile(filepath.Join(dir, name), []byte(strconv.FormatInt(v, 10)), 0o644)
}

// procsFiles are the files a process writes its pid into to join the container's cgroups.
func (c *cgroup) procsFiles() []string {
	var out []string
	if c.mem != "" {
		out = append(out, filepath.Join(c.mem, "cgroup.procs"))
	}
	if c.cpu != "" {
		out = append(out, filepath.Join(c.cpu, "cgroup.procs"))
	}
	return out
}

// pids lists the processes in the container's memory cgroup.
func (c *cgroup) pids() []int {
	if c.mem == "" {
		return nil
	}
	return readPids(filepath.Join(c.mem, "cgroup.procs"))
}

func readPids(file string) []int {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(data)) {
		if p, err := strconv.Atoi(f); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// oomKills is how many processes the kernel killed for the memory limit.
func (c *cgroup) oomKills() int {
	var file string
	switch c.kind {
	case cgroupV1:
		file = filepath.Join(c.mem, "memory.oom_control")
	case cgroupV2:
		file = filepath.Join(c.mem, "memory.events")
	default:
		return 0
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// killAll sends sig to every process in the cgroup.
func (c *cgroup) killAll(sig syscall.Signal) {
	for _, p := range c.pids() {
		_ = syscall.Kill(p, sig)
	}
}

// destroy kills what is left in the cgroups and removes them.
func (c *cgroup) destroy() {
	for _, dir := range []string{c.mem, c.cpu} {
		if dir == "" {
			continue
		}
		removeCgroup(dir)
	}
}

func removeCgroup(dir string) {
	for i := 0; i < 50; i++ {
		for _, p := range readPids(filepath.Join(dir, "cgroup.procs")) {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		err := os.Remove(dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cleanStale kills the processes of cgroups left by an earlier run of this node and removes them.
func (m *cgroups) cleanStale() int {
	n := 0
	for _, parent := range []string{m.memParent, m.cpuParent} {
		if parent == "" {
			continue
		}
		entries, _ := os.ReadDir(parent)
		for _, e := range entries {
			if e.IsDir() {
				removeCgroup(filepath.Join(parent, e.Name()))
				n++
			}
		}
	}
	return n
}

// removeParents removes the node's parent cgroups (when empty), on exit.
func (m *cgroups) removeParents() {
	for _, p := range []string{m.memParent, m.cpuParent} {
		if p != "" {
			_ = os.Remove(p)
		}
	}
}
