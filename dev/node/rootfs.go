package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// hostDevices are bound from the host into a container's /dev (a tmpfs of its own).
var hostDevices = []string{"null", "zero", "full", "random", "urandom", "tty"}

// enterRoot runs in the helper, in its own mount namespace: it mounts the container's root
// (an overlay of the image's rootfs and the container's upper directory), /proc, a minimal
// /dev, /sys read-only, the host's /etc/hosts and /etc/resolv.conf, the volumes and the
// termination message file, creates the working directory, makes the root read-only if asked,
// and chroots into it. Mount points are resolved inside the root (an image's /var/run may be a
// symlink to /run) and made in the overlay, never on the host.
func enterRoot(spec *launchSpec, workDir string) error {
	r := spec.Root
	for _, d := range []string{r.Upper, r.Work, r.Merged} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("creating %s: %v", d, err)
		}
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", r.Lower, r.Upper, r.Work)
	if err := syscall.Mount("overlay", r.Merged, "overlay", 0, opts); err != nil {
		return fmt.Errorf("mounting the image's root (overlay %s): %v", opts, err)
	}
	root := r.Merged
	in := func(p string) (string, error) { return resolveInRoot(root, p) }

	proc, err := in("/proc")
	if err == nil {
		err = makeMountPoint(proc, true)
	}
	if err == nil {
		err = syscall.Mount("proc", proc, "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, "")
	}
	if err != nil {
		return fmt.Errorf("mounting /proc: %v", err)
	}
	if err := mountDev(in); err != nil {
		return fmt.Errorf("mounting /dev: %v", err)
	}
	// /sys read-only, with the host's cgroup file systems under it: a JVM finds its limits
	// through /proc/self/mountinfo and /proc/self/cgroup, as on the host
	sys, err := in("/sys")
	if err == nil {
		err = makeMountPoint(sys, true)
	}
	if err == nil {
		err = syscall.Mount("/sys", sys, "", syscall.MS_BIND|syscall.MS_REC, "")
	}
	if err == nil {
		err = syscall.Mount("", sys, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, "")
	}
	if err != nil {
		return fmt.Errorf("mounting /sys: %v", err)
	}
	// the host's name resolution, if the image has an /etc
	if etc, err := in("/etc"); err == nil {
		if fi, err := os.Stat(etc); err == nil && fi.IsDir() {
			for _, f := range []string{"/etc/hosts", "/etc/resolv.conf"} {
				if _, err := os.Stat(f); err != nil {
					continue
				}
				t, err := in(f)
				if err == nil {
					err = bindMount(mountSpec{Source: f, Target: f, ReadOnly: true}, t)
				}
				if err != nil {
					return fmt.Errorf("mounting %s: %v", f, err)
				}
			}
		}
	}
	for _, m := range spec.Mounts {
		t, err := in(m.Target)
		if err == nil {
			err = bindMount(m, t)
		}
		if err != nil {
			return fmt.Errorf("mounting %s at %s: %v", m.Source, m.Target, err)
		}
	}
	// like container runtimes: a missing working directory is created (before the root may
	// become read-only)
	if wd, err := in(workDir); err == nil {
		if _, err := os.Stat(wd); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(wd, 0o755); err != nil {
				return fmt.Errorf("creating working directory %s: %v", workDir, err)
			}
			if spec.SetUser {
				_ = os.Chown(wd, spec.UID, spec.GID)
			}
		}
	}
	if r.ReadOnly {
		if err := syscall.Mount("", root, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			return fmt.Errorf("making the root read-only: %v", err)
		}
	}
	if err := syscall.Chdir(root); err != nil {
		return fmt.Errorf("chdir %s: %v", root, err)
	}
	if err := syscall.Chroot("."); err != nil {
		return fmt.Errorf("chroot %s: %v", root, err)
	}
	return syscall.Chdir("/")
}

// mountDev mounts a tmpfs at /dev with the host's harmless devices bound into it, a tmpfs at
// /dev/shm and the links fd, stdin, stdout and stderr (no /dev/pts: containers get no terminal).
func mountDev(in func(string) (string, error)) error {
	dev, err := in("/dev")
	if err != nil {
		return err
	}
	if err := makeMountPoint(dev, true); err != nil {
		return err
	}
	if err := syscall.Mount("tmpfs", dev, "tmpfs", syscall.MS_NOSUID|syscall.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return err
	}
	for _, d := range hostDevices {
		src := "/dev/" + d
		if _, err := os.Stat(src); err != nil {
			continue
		}
		t := filepath.Join(dev, d)
		if err := makeMountPoint(t, false); err != nil {
			return err
		}
		if err := syscall.Mount(src, t, "", syscall.MS_BIND, ""); err != nil {
			if d == "tty" {
				continue // optional
			}
			return fmt.Errorf("%s: %v", src, err)
		}
	}
	shm := filepath.Join(dev, "shm")
	if err := os.Mkdir(shm, 0o1777); err != nil {
		return err
	}
	if err := syscall.Mount("shm", shm, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, "mode=1777,size=65536k"); err != nil {
		return err
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
		"stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(target, filepath.Join(dev, name)); err != nil {
			return err
		}
	}
	return nil
}
