package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestShippedImageMap(t *testing.T) {
	data, err := os.ReadFile("images.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseImageMap(data, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Warnings) > 0 {
		t.Fatal(m.Warnings)
	}
	for _, ref := range []string{"busybox", "busybox:1.36", "busybox:latest", "library/busybox:1.36", "registry.example:5000/library/busybox:1.36", "busybox@sha256:abc"} {
		s, key, ok := m.Lookup(ref)
		if !ok || key != "busybox" || !reflect.DeepEqual(s.Cmd, []string{"sh"}) {
			t.Errorf("%s: %v %q %v", ref, ok, key, s)
		}
	}
	// Stratoflow's images run from the archives the build writes, never from a stand-in
	for _, ref := range []string{"stratoflow/task-runner:0.1.0", "stratoflow/examples:0.1.0", "stratoflow/operator:0.1.0"} {
		if _, _, ok := m.Lookup(ref); ok {
			t.Errorf("%s should not be in the stand-in map", ref)
		}
	}
	if _, _, ok := m.Lookup("stratoflow/other:1"); ok {
		t.Fatal("stratoflow/other should be unknown")
	}
	if _, _, ok := m.Lookup("busyboxx"); ok {
		t.Fatal("busyboxx should be unknown")
	}
}

func TestImageMapTagsAndWarnings(t *testing.T) {
	m, err := ParseImageMap([]byte(`{
		"app:1": {"entrypoint": ["one"]},
		"app:*": {"entrypoint": ["any"]},
		"tool": {"path": ["${MISSING}/bin", "/usr/bin"], "env": {"X": "${MISSING}"}}
	}`), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	if s, key, _ := m.Lookup("app:1"); key != "app:1" || s.Entrypoint[0] != "one" {
		t.Errorf("app:1 -> %s", key)
	}
	if s, key, _ := m.Lookup("app:2"); key != "app:*" || s.Entrypoint[0] != "any" {
		t.Errorf("app:2 -> %s", key)
	}
	s, _, _ := m.Lookup("tool:3")
	if !reflect.DeepEqual(s.Path, []string{"/usr/bin"}) || s.Env["X"] != "" {
		t.Errorf("tool: %+v", s)
	}
	if len(m.Warnings) != 2 {
		t.Errorf("warnings: %v", m.Warnings)
	}
	if m.ImageID("app:1") == m.ImageID("app:*") || !strings.HasPrefix(m.ImageID("app:1"), "stratoflow-node://app:1@sha256:") {
		t.Errorf("image ids %s %s", m.ImageID("app:1"), m.ImageID("app:*"))
	}
}

func TestImageMapRejectsUnknownFields(t *testing.T) {
	if _, err := ParseImageMap([]byte(`{"x": {"entrypont": ["a"]}}`), os.LookupEnv); err == nil {
		t.Fatal("a misspelt field should be an error")
	}
}

func TestSplitRef(t *testing.T) {
	for ref, want := range map[string][3]string{
		"busybox":         {"busybox", "", ""},
		"busybox:1.36":    {"busybox", "1.36", ""},
		"host:5000/a/b":   {"host:5000/a/b", "", ""},
		"host:5000/a/b:t": {"host:5000/a/b", "t", ""},
		"a/b@sha256:00":   {"a/b", "", "sha256:00"},
		"a/b:t@sha256:00": {"a/b", "t", "sha256:00"},
	} {
		n, tag, d := splitRef(ref)
		if [3]string{n, tag, d} != want {
			t.Errorf("splitRef(%q) = %q %q %q", ref, n, tag, d)
		}
	}
}

func TestUnknownImageMessageNamesKnownImages(t *testing.T) {
	m, _ := ParseImageMap([]byte(`{"b": {}, "a": {}}`), os.LookupEnv)
	msg := UnknownImageMessage("nginx:1", "/x/images.json", m)
	if !strings.Contains(msg, `"nginx:1" is not known to this node`) || !strings.Contains(msg, "known images: a, b") {
		t.Fatal(msg)
	}
}

func TestImageStoreReloadsAChangedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "images.json")
	if err := os.WriteFile(path, []byte(`{"a": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := newImageStore(path, os.LookupEnv, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.get().Lookup("b"); ok {
		t.Fatal("b known too early")
	}
	if err := os.WriteFile(path, []byte(`{"a": {}, "b": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.get().Lookup("b"); !ok {
		t.Fatal("b not known after the file changed")
	}
	if err := os.WriteFile(path, []byte(`{broken`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.get().Lookup("b"); !ok {
		t.Fatal("a broken file must keep the previous map")
	}
}
