package main

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Media types of the OCI image spec and of Docker's registry format that the store reads.
const (
	mediaOCIIndex      = "application/vnd.oci.image.index.v1+json"
	mediaDockerList    = "application/vnd.docker.distribution.manifest.list.v2+json"
	annotationRefName  = "org.opencontainers.image.ref.name"
	annotationImageRef = "io.containerd.image.name"
	maxMetadataBlob    = 4 << 20 // manifests and configs are read into memory up to this size
)

// blobRef is a file of an archive: a layer or an image config.
type blobRef struct {
	Path      string // inside the tar
	Digest    string // "sha256:<hex>", or "" when the archive names none (Docker archives)
	MediaType string
}

// archiveImage is one image of an archive: what the node needs to unpack and run it.
type archiveImage struct {
	Archive string   // the tar file
	Refs    []string // the references it answers to, normalised ("name:tag")
	Digest  string   // "sha256:<hex>" of the manifest (Docker archives: of the config)
	Config  imageConfig
	Layers  []blobRef
}

// imageConfig is the part of an OCI image config the node applies.
type imageConfig struct {
	User       string   `json:"User,omitempty"`
	Env        []string `json:"Env,omitempty"`
	Entrypoint []string `json:"Entrypoint,omitempty"`
	Cmd        []string `json:"Cmd,omitempty"`
	WorkingDir string   `json:"WorkingDir,omitempty"`
}

// archiveIndex is what one archive file holds, remembered with the size and time it had.
type archiveIndex struct {
	size    int64
	modTime time.Time
	images  []*archiveImage
	err     error
}

// archiveStore is the node's image store: the OCI (or Docker) image archives of some
// directories, indexed by reference and manifest digest, unpacked once per digest under cacheDir.
type archiveStore struct {
	dirs     []string
	cacheDir string // <cache>/images
	logf     func(string, ...any)

	mu        sync.Mutex
	archives  map[string]*archiveIndex
	refs      map[string]*archiveImage // "name:tag"
	digests   map[string]*archiveImage // "sha256:<hex>"
	lastScan  time.Time
	unpacking map[string]*unpackCall
}

type unpackCall struct {
	done chan struct{}
	err  error
}

func newArchiveStore(dirs []string, cacheDir string, logf func(string, ...any)) (*archiveStore, error) {
	s := &archiveStore{cacheDir: cacheDir, logf: logf, archives: map[string]*archiveIndex{},
		refs: map[string]*archiveImage{}, digests: map[string]*archiveImage{}, unpacking: map[string]*unpackCall{}}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		s.dirs = append(s.dirs, abs)
	}
	s.scan()
	return s, nil
}

// archiveFiles lists the archives of the store's directories: "*.tar" in each (a directory
// entry that is itself a tar file counts too). A missing directory is not an error: its
// archives may not be built yet.
func (s *archiveStore) archiveFiles() []string {
	var out []string
	for _, d := range s.dirs {
		fi, err := os.Stat(d)
		if err != nil {
			continue
		}
		if !fi.IsDir() {
			out = append(out, d)
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(d, "*.tar"))
		sort.Strings(matches)
		out = append(out, matches...)
	}
	return out
}

// scan (re)indexes the archives that are new or changed since the last scan.
func (s *archiveStore) scan() {
	files := s.archiveFiles()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastScan = time.Now()
	seen := map[string]bool{}
	changed := false
	for _, f := range files {
		seen[f] = true
		fi, err := os.Stat(f)
		if err != nil {
			continue
		}
		if old := s.archives[f]; old != nil && old.size == fi.Size() && old.modTime.Equal(fi.ModTime()) {
			continue
		}
		images, err := indexArchive(f)
		s.archives[f] = &archiveIndex{size: fi.Size(), modTime: fi.ModTime(), images: images, err: err}
		changed = true
		if err != nil {
			s.logf("image archive %s: %v", f, err)
			continue
		}
		for _, img := range images {
			s.logf("image archive %s: %s (%s)", f, strings.Join(img.Refs, ", "), img.Digest)
		}
	}
	for f := range s.archives {
		if !seen[f] {
			delete(s.archives, f)
			changed = true
		}
	}
	if !changed {
		return
	}
	s.refs, s.digests = map[string]*archiveImage{}, map[string]*archiveImage{}
	names := make([]string, 0, len(s.archives))
	for f := range s.archives {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		for _, img := range s.archives[f].images {
			if _, dup := s.digests[img.Digest]; !dup {
				s.digests[img.Digest] = img
			}
			for _, r := range img.Refs {
				if prev, dup := s.refs[r]; dup && prev.Digest != img.Digest {
					s.logf("image %s is in %s and %s: the first is used", r, prev.Archive, img.Archive)
					continue
				}
				s.refs[r] = img
			}
		}
	}
}

// find looks a reference up without rescanning.
func (s *archiveStore) find(ref string) *archiveImage {
	name, tag, digest := splitRef(ref)
	s.mu.Lock()
	defer s.mu.Unlock()
	if digest != "" {
		return s.digests[digest]
	}
	if tag == "" {
		tag = "latest"
	}
	return s.refs[canonicalName(name)+":"+tag]
}

// Lookup resolves a reference: exact name:tag, a name alone as name:latest, or name@sha256:…
// by manifest digest. A reference not found makes the store look for new or changed
// archives (at most once a second), so that an archive built after the node started is used.
func (s *archiveStore) Lookup(ref string) (*archiveImage, bool) {
	if img := s.find(ref); img != nil {
		return img, true
	}
	s.mu.Lock()
	recent := time.Since(s.lastScan) < time.Second
	s.mu.Unlock()
	if !recent {
		s.scan()
	}
	img := s.find(ref)
	return img, img != nil
}

// Names lists the references of the store, sorted.
func (s *archiveStore) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.refs))
	for r := range s.refs {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// canonicalName drops a registry host and "library/" from an image name, so that
// "docker.io/library/busybox" and "busybox" are the same image.
func canonicalName(name string) string {
	forms := shortNames(name)
	return forms[len(forms)-1]
}

// canonicalRef normalises a full reference "name[:tag]" to "name:tag" (tag "latest" if none).
func canonicalRef(ref string) string {
	name, tag, _ := splitRef(ref)
	if tag == "" {
		tag = "latest"
	}
	return canonicalName(name) + ":" + tag
}

// ID is what the node reports as the imageID of a container of this image.
func (img *archiveImage) ID() string {
	name := "unnamed"
	if len(img.Refs) > 0 {
		name, _, _ = splitRef(img.Refs[0])
	}
	return name + "@" + img.Digest
}

// Spec is the image's config as the node's ImageSpec (entrypoint, cmd, env, working directory).
func (img *archiveImage) Spec() ImageSpec {
	spec := ImageSpec{Entrypoint: img.Config.Entrypoint, Cmd: img.Config.Cmd, WorkingDir: img.Config.WorkingDir}
	if len(img.Config.Env) > 0 {
		spec.Env = map[string]string{}
		for _, kv := range img.Config.Env {
			k, v, _ := strings.Cut(kv, "=")
			if k != "" {
				spec.Env[k] = v
			}
		}
	}
	return spec
}

// cleanTarName makes a tar entry's name comparable: no "./" prefix, no trailing slash.
func cleanTarName(name string) string {
	name = path.Clean("/" + name)
	return strings.TrimPrefix(name, "/")
}

// tarFiles reads the small files of an archive into memory (metadata: index.json,
// manifest.json, manifests and configs; layers bigger than maxMetadataBlob are skipped,
// the tar reader seeks over them).
func tarFiles(file string) (map[string][]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the tar: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
			continue
		}
		if hdr.Size > maxMetadataBlob {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", hdr.Name, err)
		}
		out[cleanTarName(hdr.Name)] = data
	}
}

func blobPath(digest string) (string, error) {
	algo, hexPart, ok := strings.Cut(digest, ":")
	if !ok || algo != "sha256" || len(hexPart) != 64 {
		return "", fmt.Errorf("unsupported digest %q (sha256 only)", digest)
	}
	if _, err := hex.DecodeString(hexPart); err != nil {
		return "", fmt.Errorf("malformed digest %q", digest)
	}
	return "blobs/sha256/" + hexPart, nil
}

func sha256Digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// verifiedBlob returns a metadata blob of an OCI layout, checked against its digest.
func verifiedBlob(files map[string][]byte, digest string) ([]byte, error) {
	p, err := blobPath(digest)
	if err != nil {
		return nil, err
	}
	data, ok := files[p]
	if !ok {
		return nil, fmt.Errorf("blob %s is missing (or larger than %d bytes)", digest, maxMetadataBlob)
	}
	if got := sha256Digest(data); got != digest {
		return nil, fmt.Errorf("blob %s has digest %s", digest, got)
	}
	return data, nil
}

type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Platform    *struct {
		Architecture string `json:"architecture"`
		OS           string `json:"os"`
	} `json:"platform,omitempty"`
}

type ociIndex struct {
	MediaType string          `json:"mediaType,omitempty"`
	Manifests []ociDescriptor `json:"manifests"`
}

type ociManifest struct {
	MediaType string          `json:"mediaType,omitempty"`
	Config    ociDescriptor   `json:"config"`
	Layers    []ociDescriptor `json:"layers"`
	Manifests []ociDescriptor `json:"manifests,omitempty"` // set when it is an index after all
}

type configFile struct {
	Config imageConfig `json:"config"`
}

// indexArchive reads the images of an archive: an OCI image layout (index.json) or, if it
// has none, a Docker archive (manifest.json with RepoTags).
func indexArchive(file string) ([]*archiveImage, error) {
	files, err := tarFiles(file)
	if err != nil {
		return nil, err
	}
	if data, ok := files["index.json"]; ok {
		return ociImages(file, files, data)
	}
	if data, ok := files["manifest.json"]; ok {
		return dockerImages(file, files, data)
	}
	return nil, fmt.Errorf("neither an OCI image layout (index.json) nor a Docker archive (manifest.json)")
}

func ociImages(file string, files map[string][]byte, indexData []byte) ([]*archiveImage, error) {
	var idx ociIndex
	if err := json.Unmarshal(indexData, &idx); err != nil {
		return nil, fmt.Errorf("index.json: %w", err)
	}
	base := archiveBaseName(file)
	var out []*archiveImage
	for _, d := range idx.Manifests {
		img, err := ociImage(file, files, d, 0)
		if err != nil {
			return nil, fmt.Errorf("manifest %s: %w", d.Digest, err)
		}
		img.Refs = refNames(d.Annotations, base)
		out = append(out, img)
	}
	return out, nil
}

// refNames gives the references an index entry answers to. The full reference may be in
// io.containerd.image.name or org.opencontainers.image.ref.name; a ref.name that is only a
// tag ("0.1.0") is taken as a tag of the archive's base name, and also, as a name, with the
// tag "latest".
func refNames(ann map[string]string, base string) []string {
	var out []string
	add := func(r string) {
		r = canonicalRef(r)
		for _, have := range out {
			if have == r {
				return
			}
		}
		out = append(out, r)
	}
	if full := ann[annotationImageRef]; full != "" {
		add(full)
	}
	if r := ann[annotationRefName]; r != "" {
		if strings.ContainsAny(r, "/:@") {
			add(r)
		} else if ann[annotationImageRef] == "" {
			add(base + ":" + r)
			add(r)
		}
	}
	return out
}

// archiveBaseName is an archive's file name without its extensions ("task-runner.oci.tar" -> "task-runner").
func archiveBaseName(file string) string {
	b := filepath.Base(file)
	if i := strings.IndexByte(b, '.'); i > 0 {
		b = b[:i]
	}
	return b
}

// ociImage reads the manifest a descriptor points to; an index (multi-platform image) is
// followed to the manifest of this node's platform (or its first manifest).
func ociImage(file string, files map[string][]byte, d ociDescriptor, depth int) (*archiveImage, error) {
	data, err := verifiedBlob(files, d.Digest)
	if err != nil {
		return nil, err
	}
	var m ociManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if d.MediaType == mediaOCIIndex || d.MediaType == mediaDockerList || m.MediaType == mediaOCIIndex ||
		m.MediaType == mediaDockerList || (len(m.Manifests) > 0 && len(m.Layers) == 0) {
		if depth > 2 || len(m.Manifests) == 0 {
			return nil, fmt.Errorf("an image index without a usable manifest")
		}
		pick := m.Manifests[0]
		for _, c := range m.Manifests {
			if c.Platform != nil && c.Platform.OS == "linux" && c.Platform.Architecture == runtime.GOARCH {
				pick = c
				break
			}
		}
		return ociImage(file, files, pick, depth+1)
	}
	cfgData, err := verifiedBlob(files, m.Config.Digest)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var cf configFile
	if err := json.Unmarshal(cfgData, &cf); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	img := &archiveImage{Archive: file, Digest: d.Digest, Config: cf.Config}
	for _, l := range m.Layers {
		p, err := blobPath(l.Digest)
		if err != nil {
			return nil, err
		}
		img.Layers = append(img.Layers, blobRef{Path: p, Digest: l.Digest, MediaType: l.MediaType})
	}
	return img, nil
}

type dockerManifest struct {
	Config   string   `json:"Config"`
	RepoTags []string `json:"RepoTags"`
	Layers   []string `json:"Layers"`
}

func dockerImages(file string, files map[string][]byte, data []byte) ([]*archiveImage, error) {
	var ms []dockerManifest
	if err := json.Unmarshal(data, &ms); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	var out []*archiveImage
	for _, m := range ms {
		cfgData, ok := files[cleanTarName(m.Config)]
		if !ok {
			return nil, fmt.Errorf("config %s is missing", m.Config)
		}
		id := sha256Digest(cfgData)
		if hexName := strings.TrimSuffix(path.Base(m.Config), ".json"); len(hexName) == 64 && "sha256:"+hexName != id {
			return nil, fmt.Errorf("config %s has digest %s", m.Config, id)
		}
		var cf configFile
		if err := json.Unmarshal(cfgData, &cf); err != nil {
			return nil, fmt.Errorf("config %s: %w", m.Config, err)
		}
		img := &archiveImage{Archive: file, Digest: id, Config: cf.Config}
		for _, t := range m.RepoTags {
			img.Refs = append(img.Refs, canonicalRef(t))
		}
		for _, l := range m.Layers {
			p := cleanTarName(l)
			b := blobRef{Path: p}
			if strings.HasPrefix(p, "blobs/sha256/") {
				b.Digest = "sha256:" + strings.TrimPrefix(p, "blobs/sha256/")
			}
			img.Layers = append(img.Layers, b)
		}
		out = append(out, img)
	}
	return out, nil
}
