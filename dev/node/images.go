package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// ImageSpec is what an image reference stands for on this node: a local runtime instead of
// an unpacked image.
type ImageSpec struct {
	// Entrypoint is the image's ENTRYPOINT: run when the container has no command.
	Entrypoint []string `json:"entrypoint,omitempty"`
	// Cmd is the image's CMD: the arguments when the container has neither command nor args.
	Cmd []string `json:"cmd,omitempty"`
	// Path entries are put in front of PATH.
	Path []string `json:"path,omitempty"`
	// Env is the image's environment; the container's env overrides it.
	Env map[string]string `json:"env,omitempty"`
	// WorkingDir is the image's WORKDIR (default "/").
	WorkingDir string `json:"workingDir,omitempty"`
}

// ImageMap maps image references to ImageSpecs. Keys are "name:tag" (exactly that tag),
// "name" or "name:*" (any tag, and digests).
type ImageMap struct {
	images   map[string]ImageSpec
	ids      map[string]string
	Warnings []string
}

// ParseImageMap reads the JSON image map, expanding ${VAR} in every string from getenv.
// A path entry that names an undefined variable is dropped (with a warning): a half-expanded
// "/bin" would silently point elsewhere.
func ParseImageMap(data []byte, getenv func(string) (string, bool)) (*ImageMap, error) {
	raw := map[string]ImageSpec{}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("image map: %w", err)
	}
	m := &ImageMap{images: map[string]ImageSpec{}, ids: map[string]string{}}
	for key, spec := range raw {
		if key == "" {
			return nil, fmt.Errorf("image map: empty image name")
		}
		exp := func(s, what string) string {
			v, missing := expandBraces(s, getenv)
			for _, name := range missing {
				m.Warnings = append(m.Warnings, fmt.Sprintf("image %s: %s: ${%s} is not set", key, what, name))
			}
			return v
		}
		var out ImageSpec
		for _, a := range spec.Entrypoint {
			out.Entrypoint = append(out.Entrypoint, exp(a, "entrypoint"))
		}
		for _, a := range spec.Cmd {
			out.Cmd = append(out.Cmd, exp(a, "cmd"))
		}
		for _, p := range spec.Path {
			v, missing := expandBraces(p, getenv)
			if len(missing) > 0 {
				m.Warnings = append(m.Warnings, fmt.Sprintf("image %s: path entry %q dropped: ${%s} is not set", key, p, strings.Join(missing, "}, ${")))
				continue
			}
			if v != "" {
				out.Path = append(out.Path, v)
			}
		}
		if len(spec.Env) > 0 {
			out.Env = map[string]string{}
			for k, v := range spec.Env {
				out.Env[k] = exp(v, "env "+k)
			}
		}
		out.WorkingDir = exp(spec.WorkingDir, "workingDir")
		m.images[key] = out
		canonical, _ := json.Marshal(out)
		sum := sha256.Sum256(canonical)
		m.ids[key] = hex.EncodeToString(sum[:])
	}
	sort.Strings(m.Warnings)
	return m, nil
}

// splitRef splits an image reference into name, tag and digest ("busybox:1.36" -> busybox, 1.36, "").
func splitRef(ref string) (name, tag, digest string) {
	name = ref
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name, digest = name[:i], name[i+1:]
	}
	slash := strings.LastIndexByte(name, '/')
	if i := strings.LastIndexByte(name, ':'); i > slash {
		name, tag = name[:i], name[i+1:]
	}
	return name, tag, digest
}

// shortNames gives the forms of name to try: as written, without a registry host (a first
// component with a '.' or ':' or "localhost"), and without a "library/" prefix.
func shortNames(name string) []string {
	out := []string{name}
	if i := strings.IndexByte(name, '/'); i > 0 {
		first := name[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			name = name[i+1:]
			out = append(out, name)
		}
	}
	if strings.HasPrefix(name, "library/") {
		out = append(out, strings.TrimPrefix(name, "library/"))
	}
	return out
}

// Lookup finds the spec for an image reference. It returns the matching key too.
func (m *ImageMap) Lookup(ref string) (ImageSpec, string, bool) {
	name, tag, _ := splitRef(ref)
	names := shortNames(name)
	if tag != "" {
		for _, n := range names {
			if s, ok := m.images[n+":"+tag]; ok {
				return s, n + ":" + tag, true
			}
		}
	}
	for _, n := range names {
		if s, ok := m.images[n]; ok {
			return s, n, true
		}
		if s, ok := m.images[n+":*"]; ok {
			return s, n + ":*", true
		}
	}
	return ImageSpec{}, "", false
}

// ImageID is what the node reports as a container's imageID: the key and a digest of its spec.
func (m *ImageMap) ImageID(key string) string {
	return "stratoflow-node://" + key + "@sha256:" + m.ids[key]
}

// Names lists the keys, sorted.
func (m *ImageMap) Names() []string {
	out := make([]string, 0, len(m.images))
	for k := range m.images {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// UnknownImageMessage is the waiting message of a container whose image is not in the map
// (and the node has no image archives).
func UnknownImageMessage(ref, file string, m *ImageMap) string {
	var known []string
	if m != nil {
		known = m.Names()
	}
	return formatUnknownImage(ref, []string{"mapped to local runtimes in " + file}, known)
}

// imageStore holds the image map of a file and re-reads it when the file changes, so a
// Pod waiting in ImagePullBackOff starts once its image has been added.
type imageStore struct {
	path   string
	getenv func(string) (string, bool)
	logf   func(string, ...any)

	mu      sync.Mutex
	current *ImageMap
	modTime time.Time
	size    int64
}

func newImageStore(path string, getenv func(string) (string, bool), logf func(string, ...any)) (*imageStore, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	s := &imageStore{path: abs, getenv: getenv, logf: logf}
	if _, err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *imageStore) load() (*ImageMap, error) {
	fi, err := os.Stat(s.path)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(s.path)
	if err != nil {
		return nil, err
	}
	m, err := ParseImageMap(data, s.getenv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.path, err)
	}
	for _, w := range m.Warnings {
		s.logf("warning: %s: %s", s.path, w)
	}
	s.mu.Lock()
	s.current, s.modTime, s.size = m, fi.ModTime(), fi.Size()
	s.mu.Unlock()
	return m, nil
}

// get returns the current map, re-reading the file if it changed (a broken file keeps the old map).
func (s *imageStore) get() *ImageMap {
	s.mu.Lock()
	cur, mt, size := s.current, s.modTime, s.size
	s.mu.Unlock()
	if fi, err := os.Stat(s.path); err == nil && (!fi.ModTime().Equal(mt) || fi.Size() != size) {
		if m, err := s.load(); err == nil {
			s.logf("image map %s reloaded: %s", s.path, strings.Join(m.Names(), ", "))
			return m
		} else {
			s.logf("image map %s not reloaded: %v", s.path, err)
		}
	}
	return cur
}
