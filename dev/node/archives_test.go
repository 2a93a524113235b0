package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tarEntry is one entry of a test layer or archive.
type tarEntry struct {
	name, body, link string
	typ              byte
	mode             int64
	uid, gid         int
}

func file(name, body string) tarEntry {
	return tarEntry{name: name, body: body, typ: tar.TypeReg, mode: 0o644}
}
func dirEntry(name string) tarEntry { return tarEntry{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, to string) tarEntry {
	return tarEntry{name: name, link: to, typ: tar.TypeSymlink, mode: 0o777}
}
func hardlink(name, to string) tarEntry { return tarEntry{name: name, link: to, typ: tar.TypeLink} }

func makeTar(t *testing.T, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: e.mode, Uid: e.uid, Gid: e.gid,
			Size: int64(len(e.body)), ModTime: time.Unix(1700000000, 0), Format: tar.FormatPAX}
		if e.typ != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipped(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ociArchive writes an OCI image layout tar with one image and returns its manifest digest.
// Layers are gzipped except every second one (both media types are exercised).
func ociArchive(t *testing.T, path string, refName string, cfg imageConfig, layers ...[]tarEntry) string {
	t.Helper()
	var entries []tarEntry
	blob := func(data []byte) string {
		d := sha256Digest(data)
		entries = append(entries, file("blobs/sha256/"+strings.TrimPrefix(d, "sha256:"), string(data)))
		return d
	}
	var layerDescs []map[string]any
	for i, l := range layers {
		data, mt := makeTar(t, l), "application/vnd.oci.image.layer.v1.tar"
		if i%2 == 0 {
			data, mt = gzipped(t, data), "application/vnd.oci.image.layer.v1.tar+gzip"
		}
		layerDescs = append(layerDescs, map[string]any{"mediaType": mt, "digest": blob(data), "size": len(data)})
	}
	cfgData, _ := json.Marshal(map[string]any{"architecture": "amd64", "os": "linux", "config": cfg})
	manifest, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
		"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": blob(cfgData), "size": len(cfgData)},
		"layers": layerDescs})
	md := blob(manifest)
	index, _ := json.Marshal(map[string]any{"schemaVersion": 2, "manifests": []any{map[string]any{
		"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": len(manifest),
		"annotations": map[string]string{annotationRefName: refName}}}})
	entries = append([]tarEntry{file("oci-layout", `{"imageLayoutVersion":"1.0.0"}`), file("index.json", string(index))}, entries...)
	if err := os.WriteFile(path, makeTar(t, entries), 0o644); err != nil {
		t.Fatal(err)
	}
	return md
}

func TestArchiveStoreResolvesExactLatestAndDigest(t *testing.T) {
	dir := t.TempDir()
	layer := []tarEntry{file("hello", "hi")}
	d1 := ociArchive(t, filepath.Join(dir, "runner.oci.tar"), "stratoflow/task-runner:0.1.0", imageConfig{Cmd: []string{"x"}}, layer)
	d2 := ociArchive(t, filepath.Join(dir, "app.oci.tar"), "example.org:5000/team/app", imageConfig{}, layer)
	d3 := ociArchive(t, filepath.Join(dir, "tool.oci.tar"), "1.2", imageConfig{}, layer)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an archive"), 0o644)
	s, err := newArchiveStore([]string{dir}, t.TempDir(), t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]string{
		"stratoflow/task-runner:0.1.0":           d1,
		"docker.io/stratoflow/task-runner:0.1.0": d1,
		"stratoflow/task-runner@" + d1:           d1,
		"team/app":                               d2,
		"team/app:latest":                        d2,
		"example.org:5000/team/app:latest":       d2,
		"tool:1.2":                               d3, // a ref.name that is only a tag: the archive's name
		"stratoflow/task-runner:0.2.0":           "",
		"stratoflow/task-runner":                 "", // latest is not 0.1.0
		"busybox":                                "",
		"stratoflow/task-runner@sha256:" + strings.Repeat("0", 64): "",
	} {
		img, ok := s.Lookup(ref)
		got := ""
		if ok {
			got = img.Digest
		}
		if got != want {
			t.Errorf("Lookup(%q) = %q, want %q", ref, got, want)
		}
	}
	if img, _ := s.Lookup("stratoflow/task-runner:0.1.0"); img.ID() != "stratoflow/task-runner@"+d1 || img.Spec().Cmd[0] != "x" {
		t.Errorf("ID %s, spec %+v", img.ID(), img.Spec())
	}
	// an archive built after the node started is found when its reference is asked for
	s.mu.Lock()
	s.lastScan = time.Time{}
	s.mu.Unlock()
	d4 := ociArchive(t, filepath.Join(dir, "late.oci.tar"), "late/image:1", imageConfig{}, layer)
	if img, ok := s.Lookup("late/image:1"); !ok || img.Digest != d4 {
		t.Errorf("late archive not found: %v", ok)
	}
}

func TestDockerArchiveIsIndexed(t *testing.T) {
	dir := t.TempDir()
	layer := makeTar(t, []tarEntry{file("etc/motd", "docker")})
	cfg, _ := json.Marshal(map[string]any{"config": imageConfig{Entrypoint: []string{"/bin/sh"}}})
	cfgName := strings.TrimPrefix(sha256Digest(cfg), "sha256:") + ".json"
	manifest, _ := json.Marshal([]map[string]any{{"Config": cfgName, "RepoTags": []string{"legacy/app:2"}, "Layers": []string{"abc/layer.tar"}}})
	os.WriteFile(filepath.Join(dir, "legacy.tar"), makeTar(t, []tarEntry{file("manifest.json", string(manifest)), file(cfgName, string(cfg)), file("abc/layer.tar", string(layer))}), 0o644)
	s, _ := newArchiveStore([]string{dir}, t.TempDir(), t.Logf)
	img, ok := s.Lookup("legacy/app:2")
	if !ok {
		t.Fatalf("not found; known %v", s.Names())
	}
	root, err := s.Rootfs(img)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "etc/motd")); string(b) != "docker" || img.Config.Entrypoint[0] != "/bin/sh" {
		t.Errorf("motd %q, config %+v", b, img.Config)
	}
}

func TestUnpackAppliesLayersWhiteoutsAndLinks(t *testing.T) {
	dir := t.TempDir()
	owned := file("bin/tool", "#!tool")
	owned.mode, owned.uid, owned.gid = 0o4755, 1234, 5678
	ociArchive(t, filepath.Join(dir, "img.tar"), "layers:1", imageConfig{},
		[]tarEntry{dirEntry("etc"), file("etc/a", "a1"), file("etc/gone", "x"), dirEntry("cache"), file("cache/old", "x"),
			dirEntry("usr"), dirEntry("usr/lib"), symlink("lib", "usr/lib"), symlink("escape", "/../../etc"), dirEntry("bin"), owned},
		[]tarEntry{file("etc/a", "a2"), file("etc/.wh.gone", ""), file("cache/.wh..wh..opq", ""), file("cache/new", "n"),
			file("lib/libx.so", "x"), hardlink("bin/tool2", "bin/tool"), file("escape/inside", "safe")},
	)
	s, _ := newArchiveStore([]string{dir}, t.TempDir(), t.Logf)
	img, _ := s.Lookup("layers:1")
	root, err := s.Rootfs(img)
	if err != nil {
		t.Fatal(err)
	}
	read := func(p string) string { b, _ := os.ReadFile(filepath.Join(root, p)); return string(b) }
	exists := func(p string) bool { _, err := os.Lstat(filepath.Join(root, p)); return err == nil }
	if read("etc/a") != "a2" || exists("etc/gone") || exists("cache/old") || read("cache/new") != "n" {
		t.Errorf("layers not applied: a=%q gone=%v old=%v new=%q", read("etc/a"), exists("etc/gone"), exists("cache/old"), read("cache/new"))
	}
	if read("usr/lib/libx.so") != "x" {
		t.Errorf("a file under a symlinked directory did not land in its target")
	}
	if read("etc/inside") != "safe" {
		t.Errorf("a symlink to /../../etc was not resolved inside the root")
	}
	if _, err := os.Stat("/etc/inside"); err == nil {
		t.Errorf("a layer wrote /etc/inside on the host")
	}
	if link, _ := os.Readlink(filepath.Join(root, "escape")); link != "/../../etc" {
		t.Errorf("symlink kept as %q", link)
	}
	var a, b syscall.Stat_t
	syscall.Stat(filepath.Join(root, "bin/tool"), &a)
	syscall.Stat(filepath.Join(root, "bin/tool2"), &b)
	if a.Ino != b.Ino {
		t.Errorf("hard link is a copy")
	}
	if os.Geteuid() == 0 && (a.Uid != 1234 || a.Gid != 5678 || a.Mode&0o7777 != 0o4755) {
		t.Errorf("owner %d:%d mode %o, want 1234:5678 4755", a.Uid, a.Gid, a.Mode&0o7777)
	}
	// unpacked once: the directory is named after the manifest digest, and nothing temporary stays
	entries, _ := os.ReadDir(s.cacheDir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".unpack-") {
			t.Errorf("temporary directory left: %s", e.Name())
		}
	}
	if filepath.Base(filepath.Dir(root)) != strings.TrimPrefix(img.Digest, "sha256:") {
		t.Errorf("rootfs %s not under the manifest digest", root)
	}
}

func TestUnpackRefusesTraversal(t *testing.T) {
	for name, layer := range map[string][]tarEntry{
		"dot-dot entry":     {file("../outside", "x")},
		"nested dot-dot":    {dirEntry("a"), file("a/../../outside", "x")},
		"dot-dot hard link": {hardlink("passwd", "../../../etc/passwd")},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			ociArchive(t, filepath.Join(dir, "img.tar"), "evil:1", imageConfig{}, layer)
			cache := t.TempDir()
			s, _ := newArchiveStore([]string{dir}, filepath.Join(cache, "images"), t.Logf)
			img, _ := s.Lookup("evil:1")
			if _, err := s.Rootfs(img); err == nil || !strings.Contains(err.Error(), "leaves the root") {
				t.Errorf("unpacked: %v", err)
			}
			if _, err := os.Stat(filepath.Join(cache, "outside")); err == nil {
				t.Errorf("wrote outside the root")
			}
			if _, err := os.Stat(filepath.Join(cache, "images", strings.TrimPrefix(img.Digest, "sha256:"))); err == nil {
				t.Errorf("a refused image was cached")
			}
		})
	}
}

func TestUnpackVerifiesLayerDigests(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(dir, "img.tar")
	ociArchive(t, archive, "corrupt:1", imageConfig{}, []tarEntry{file("f", "original content")})
	data, _ := os.ReadFile(archive)
	// flip the layer's bytes in place (same size, the tar stays readable)
	layer := gzipped(t, makeTar(t, []tarEntry{file("f", "original content")}))
	i := bytes.Index(data, layer)
	if i < 0 {
		t.Fatal("layer not found in the archive")
	}
	data[i+len(layer)-5] ^= 0xff
	os.WriteFile(archive, data, 0o644)
	s, _ := newArchiveStore([]string{dir}, t.TempDir(), t.Logf)
	img, ok := s.Lookup("corrupt:1")
	if !ok {
		t.Fatal("not indexed")
	}
	if _, err := s.Rootfs(img); err == nil || !strings.Contains(err.Error(), "has digest") {
		t.Errorf("corrupt layer accepted: %v", err)
	}
}

func TestResolveImageUser(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nstaff:x:50:\n"), 0o644)
	for spec, want := range map[string]imageUser{
		"1000":      {uid: 1000, gid: 1001, hasGID: true, numeric: true},
		"1000:1000": {uid: 1000, gid: 1000, hasGID: true, numeric: true},
		"2000":      {uid: 2000, numeric: true},
		"app":       {uid: 1000, gid: 1001, hasGID: true},
		"app:staff": {uid: 1000, gid: 50, hasGID: true},
	} {
		got, err := resolveImageUser(root, spec)
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", spec, got, err, want)
		}
	}
	if _, err := resolveImageUser(root, "nobody"); err == nil {
		t.Errorf("an unknown user name resolved")
	}
}

func TestUnknownImageMessageNamesWhereTheNodeLooked(t *testing.T) {
	dir := t.TempDir()
	ociArchive(t, filepath.Join(dir, "a.tar"), "a/b:1", imageConfig{}, []tarEntry{file("f", "x")})
	s, _ := newArchiveStore([]string{dir}, t.TempDir(), t.Logf)
	m, _ := ParseImageMap([]byte(`{"busybox": {"cmd": ["sh"]}}`), os.LookupEnv)
	n := &node{archives: s, images: &imageStore{path: "/x/images.json", current: m, logf: t.Logf}}
	_, err := n.resolveImage("nginx:1.27")
	want := `image "nginx:1.27" is not known to this node (stratoflow-node runs images from the image archives (*.tar) in ` + dir +
		` and images mapped to local runtimes in /x/images.json); known images: a/b:1, busybox`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}
