package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

var (
	probeOnce sync.Once
	probeBin  []byte
	probeErr  error
)

// probeBinary builds the probe (testdata/probe) once per test run, static (CGO_ENABLED=0).
func probeBinary(t *testing.T) []byte {
	t.Helper()
	probeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "probe-")
		if err != nil {
			probeErr = err
			return
		}
		defer os.RemoveAll(dir)
		src, _ := filepath.Abs("testdata/probe/main.go")
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "probe"), src)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			probeErr = err
			t.Logf("%s", out)
			return
		}
		probeBin, probeErr = os.ReadFile(filepath.Join(dir, "probe"))
	})
	if probeErr != nil {
		t.Skipf("cannot build the probe program: %v", probeErr)
	}
	return probeBin
}

// imageNode is a test node whose image store holds "test/probe:1": the probe at
// /opt/bin/probe, a file /image-file, /etc/passwd with user app (1000), /var/run -> /run, and
// the config Entrypoint [probe echo ep], Cmd [cmd], Env PATH=/opt/bin and FROM_IMAGE,
// WorkingDir /work, User 1000:1000.
func imageNode(t *testing.T) (*node, *fake.Clientset) {
	t.Helper()
	n, client := testNode(t)
	bin := probeBinary(t)
	dir := t.TempDir()
	probe := file("opt/bin/probe", string(bin))
	probe.mode = 0o755
	ociArchive(t, filepath.Join(dir, "probe.oci.tar"), "test/probe:1", imageConfig{
		Entrypoint: []string{"probe", "echo", "ep"}, Cmd: []string{"cmd"}, WorkingDir: "/work", User: "1000:1000",
		Env: []string{"PATH=/opt/bin:/bin", "FROM_IMAGE=image", "OVERRIDDEN=image"},
	},
		[]tarEntry{dirEntry("opt"), dirEntry("opt/bin"), probe, dirEntry("etc"), file("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"),
			dirEntry("tmp"), dirEntry("run"), dirEntry("var"), symlink("var/run", "/run")},
		[]tarEntry{file("image-file", "from the image")},
	)
	s, err := newArchiveStore([]string{dir}, filepath.Join(t.TempDir(), "images"), t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	n.archives = s
	return n, client
}

func probePod(name string, c v1.Container) *v1.Pod {
	c.Name, c.Image = "main", "test/probe:1"
	return &v1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1.PodSpec{RestartPolicy: v1.RestartPolicyNever,
		Containers: []v1.Container{c}, Volumes: []v1.Volume{{Name: "vol", VolumeSource: v1.VolumeSource{EmptyDir: &v1.EmptyDirVolumeSource{}}}}}}
}

func terminatedState(t *testing.T, p *v1.Pod) *v1.ContainerStateTerminated {
	t.Helper()
	st := p.Status.ContainerStatuses[0].State.Terminated
	if st == nil {
		t.Fatalf("not terminated: %+v", p.Status.ContainerStatuses[0].State)
	}
	return st
}

func TestImageEntrypointCmdEnvWorkdirAndUser(t *testing.T) {
	n, client := imageNode(t)
	two := int64(2000)
	for _, tc := range []struct {
		name string
		c    v1.Container
		want string
	}{
		{"image-defaults", v1.Container{}, "ep cmd"},
		{"args-replace-cmd", v1.Container{Args: []string{"a", "b"}}, "ep a b"},
		{"command-replaces-both", v1.Container{Command: []string{"probe", "echo", "c"}}, "c"},
		{"env-workdir-user", v1.Container{Command: []string{"probe", "env", "FROM_IMAGE", "env", "OVERRIDDEN", "env", "HOME", "pwd", "id"},
			Env: []v1.EnvVar{{Name: "OVERRIDDEN", Value: "container"}}}, "image|container|/home/app|/work|1000:1000"},
		{"securitycontext-over-image-user", v1.Container{Command: []string{"probe", "id", "pwd"}, WorkingDir: "/elsewhere",
			SecurityContext: &v1.SecurityContext{RunAsUser: &two}}, "2000:0|/elsewhere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runPod(t, n, client, probePod(tc.name, tc.c), isTerminal)
			st := terminatedState(t, got)
			if st.ExitCode != 0 || st.Message != tc.want {
				t.Errorf("exit %d (%s), message %q, want %q", st.ExitCode, st.Reason, st.Message, tc.want)
			}
			if id := got.Status.ContainerStatuses[0].ImageID; !strings.HasPrefix(id, "test/probe@sha256:") {
				t.Errorf("imageID %s", id)
			}
		})
	}
}

func TestImageRootIsolatesAndKeepsWritesInTheOverlay(t *testing.T) {
	n, client := imageNode(t)
	hostOnly := filepath.Join(t.TempDir(), "host-only")
	os.WriteFile(hostOnly, []byte("host"), 0o644)
	pod := probePod("isolated", v1.Container{
		Command:      []string{"probe", "cat", "/image-file", "write", "/new-file", "x", "write", "/var/run/vol/out", "through the volume", "cat", hostOnly},
		VolumeMounts: []v1.VolumeMount{{Name: "vol", MountPath: "/var/run/vol"}},
	})
	pod.Spec.Containers[0].SecurityContext = &v1.SecurityContext{RunAsUser: new(int64)} // root, to write to /
	got := runPod(t, n, client, pod, isTerminal)
	st := terminatedState(t, got)
	if st.Message != "from the image|wrote|wrote|missing" {
		t.Errorf("message %q (exit %d %s)", st.Message, st.ExitCode, st.Reason)
	}
	podDir := filepath.Join(n.cfg.stateDir, "pods", "default_isolated_uid-isolated")
	if b, err := os.ReadFile(filepath.Join(podDir, "rootfs/main/upper/new-file")); err != nil || string(b) != "x" {
		t.Errorf("write not in the container's upper directory: %v", err)
	}
	img, _ := n.archives.Lookup("test/probe:1")
	root, _ := n.archives.Rootfs(img)
	if _, err := os.Stat(filepath.Join(root, "new-file")); err == nil {
		t.Errorf("a container wrote into the shared rootfs")
	}
	if b, _ := os.ReadFile(filepath.Join(podDir, "volumes/vol/out")); string(b) != "through the volume" {
		t.Errorf("volume mounted through the image's /var/run -> /run symlink: %q", b)
	}
	if _, err := os.Stat("/image-file"); err == nil {
		t.Errorf("the image's file is on the host")
	}
}

func TestImageReadOnlyRootFilesystem(t *testing.T) {
	n, client := imageNode(t)
	ro := true
	pod := probePod("readonly", v1.Container{
		Command:         []string{"probe", "write", "/tmp/x", "y", "write", "/var/run/vol/ok", "y"},
		SecurityContext: &v1.SecurityContext{ReadOnlyRootFilesystem: &ro, RunAsUser: new(int64)},
		VolumeMounts:    []v1.VolumeMount{{Name: "vol", MountPath: "/var/run/vol"}},
	})
	st := terminatedState(t, runPod(t, n, client, pod, isTerminal))
	if st.ExitCode != 2 || !strings.Contains(st.Message, "read-only file system") || !strings.HasSuffix(st.Message, "|wrote") {
		t.Errorf("exit %d, message %q", st.ExitCode, st.Message)
	}
}

func TestImageLackingTheCommandFailsToStart(t *testing.T) {
	n, client := imageNode(t)
	hostCmd, _ := exec.LookPath("sh")
	pod := probePod("lacking", v1.Container{Command: []string{hostCmd, "-c", "true"}})
	st := terminatedState(t, runPod(t, n, client, pod, isTerminal))
	if st.Reason != "StartError" || st.ExitCode != 128 || !strings.Contains(st.Message, hostCmd) {
		t.Errorf("%s %d %q", st.Reason, st.ExitCode, st.Message)
	}
}

func TestImageRunAsNonRootUsesTheImageUser(t *testing.T) {
	n, client := imageNode(t)
	yes := true
	pod := probePod("nonroot", v1.Container{Command: []string{"probe", "id"}, SecurityContext: &v1.SecurityContext{RunAsNonRoot: &yes}})
	st := terminatedState(t, runPod(t, n, client, pod, isTerminal))
	if st.Message != "1000:1000" {
		t.Errorf("%s %q", st.Reason, st.Message)
	}
}
