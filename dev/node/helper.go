package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// helperCommand is the hidden sub-command the node re-executes itself as, to set up a
// container's process between fork and exec (Go cannot run code there): it is started in a
// new mount namespace (CLONE_NEWNS, with / made rprivate by the Go runtime), joins the
// container's cgroups, bind-mounts the volumes, drops to the container's user, changes to its
// working directory and execs the command.
const helperCommand = "__exec"

// launchSpec is what the helper does; the node writes it to a file only root can read.
type launchSpec struct {
	Argv       []string    `json:"argv"`
	Env        []string    `json:"env"`
	Dir        string      `json:"dir"`
	SetUser    bool        `json:"setUser"`
	UID        int         `json:"uid"`
	GID        int         `json:"gid"`
	Groups     []int       `json:"groups,omitempty"`
	Mounts     []mountSpec `json:"mounts,omitempty"`
	Cgroups    []string    `json:"cgroups,omitempty"`
	NoNewPrivs bool        `json:"noNewPrivs,omitempty"`
	// Root, when set, runs the container inside an image: an overlay of the image's unpacked
	// root file system (read-only lower) and the container's own upper directory.
	Root *rootSpec `json:"root,omitempty"`
	// Chroot, when set, is a running container's root as its main process sees it
	// (/proc/<pid>/root): an exec probe runs there.
	Chroot string `json:"chroot,omitempty"`
}

// rootSpec is the root file system of a container that runs inside an image.
type rootSpec struct {
	Lower    string `json:"lower"`    // the image's unpacked rootfs, shared and never written
	Upper    string `json:"upper"`    // the container's writes
	Work     string `json:"work"`     // overlayfs' work directory, beside Upper
	Merged   string `json:"merged"`   // where the overlay is mounted, then chrooted into
	ReadOnly bool   `json:"readOnly"` // readOnlyRootFilesystem: the root is remounted read-only
}

type mountSpec struct {
	Source   string `json:"source"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"readOnly,omitempty"`
}

// helperMain runs in the re-executed child. fd 3 is a pipe to the node: an error written there
// means the container could not start; the pipe closing at exec (close-on-exec) means it did.
func helperMain(specFile string) {
	errPipe := os.NewFile(3, "start-errors")
	syscall.CloseOnExec(3)
	fail := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if errPipe != nil {
			_, _ = errPipe.WriteString(msg)
		}
		fmt.Fprintln(os.Stderr, "stratoflow-node: "+msg)
		os.Exit(128)
	}
	data, err := os.ReadFile(specFile)
	if err != nil {
		fail("reading launch spec: %v", err)
	}
	_ = os.Remove(specFile) // it may hold secret values
	var spec launchSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		fail("launch spec: %v", err)
	}
	self := []byte(strconv.Itoa(os.Getpid()))
	for _, f := range spec.Cgroups {
		if err := os.WriteFile(f, self, 0o644); err != nil {
			fail("joining cgroup %s: %v", filepath.Dir(f), err)
		}
	}
	dir := spec.Dir
	if dir == "" {
		dir = "/"
	}
	if spec.Chroot != "" {
		if err := syscall.Chroot(spec.Chroot); err != nil {
			fail("chroot %s: %v", spec.Chroot, err)
		}
		if err := os.Chdir("/"); err != nil {
			fail("chdir /: %v", err)
		}
	} else if spec.Root != nil {
		if err := enterRoot(&spec, dir); err != nil {
			fail("%v", err)
		}
	} else {
		for _, m := range spec.Mounts {
			if err := bindMount(m, m.Target); err != nil {
				fail("mounting %s at %s: %v", m.Source, m.Target, err)
			}
		}
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		// like container runtimes: a missing working directory is created
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fail("creating working directory %s: %v", dir, err)
		}
		if spec.SetUser {
			_ = os.Chown(dir, spec.UID, spec.GID)
		}
	}
	if spec.SetUser {
		groups := append([]int{spec.GID}, spec.Groups...)
		if err := syscall.Setgroups(groups); err != nil {
			fail("setgroups: %v", err)
		}
		if err := syscall.Setgid(spec.GID); err != nil {
			fail("setgid %d: %v", spec.GID, err)
		}
		if err := syscall.Setuid(spec.UID); err != nil {
			fail("setuid %d: %v", spec.UID, err)
		}
	}
	if spec.NoNewPrivs {
		const prSetNoNewPrivs = 38
		if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); e != 0 {
			fail("prctl(PR_SET_NO_NEW_PRIVS): %v", e)
		}
	}
	if err := os.Chdir(dir); err != nil {
		fail("chdir to %s: %v", dir, err)
	}
	if len(spec.Argv) == 0 {
		fail("no command specified")
	}
	path, err := lookPath(spec.Argv[0], envValue(spec.Env, "PATH"))
	if err != nil {
		fail("exec: %q: %v", spec.Argv[0], err)
	}
	err = syscall.Exec(path, spec.Argv, spec.Env)
	fail("exec %s: %v", path, err)
}

// bindMount mounts m.Source at target (m.Target, or where it resolves inside an image's root).
func bindMount(m mountSpec, target string) error {
	src, err := os.Stat(m.Source)
	if err != nil {
		return err
	}
	// The mount point must exist. Without an image it is made on the host file system (an
	// empty directory or file that stays behind: processes share the host's root file system);
	// in an image, in the container's overlay.
	if err := makeMountPoint(target, src.IsDir()); err != nil {
		return err
	}
	if err := syscall.Mount(m.Source, target, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return err
	}
	if m.ReadOnly {
		return syscall.Mount("", target, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY|syscall.MS_REC, "")
	}
	return nil
}

func makeMountPoint(target string, dir bool) error {
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var err error
	if dir {
		err = os.MkdirAll(target, 0o755)
	} else if err = os.MkdirAll(filepath.Dir(target), 0o755); err == nil {
		var f *os.File
		if f, err = os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			f.Close()
		}
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

func envValue(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == name {
			v = val
		}
	}
	return v
}

// lookPath finds an executable like a container runtime does: a name with a slash as it is,
// otherwise the first executable match in the container's PATH.
func lookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		if err := executable(name); err != nil {
			return "", err
		}
		return name, nil
	}
	if path == "" {
		path = defaultPath
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", errors.New("executable file not found in $PATH")
}

func executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("is a directory")
	}
	if err := syscall.Access(p, 1 /* X_OK */); err != nil {
		return fmt.Errorf("permission denied")
	}
	return nil
}

// defaultPath is the PATH of a container whose image sets none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
