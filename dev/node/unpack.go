package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Rootfs gives the unpacked root file system of an image, unpacking it first if needed:
// <cacheDir>/<manifest hex>/rootfs, made once per digest. Containers of the same image
// starting together wait for one unpack; other nodes sharing the cache wait on a file lock.
func (s *archiveStore) Rootfs(img *archiveImage) (string, error) {
	hexPart := strings.TrimPrefix(img.Digest, "sha256:")
	dir := filepath.Join(s.cacheDir, hexPart)
	root := filepath.Join(dir, "rootfs")
	if _, err := os.Stat(root); err == nil {
		return root, nil
	}
	s.mu.Lock()
	c := s.unpacking[hexPart]
	if c != nil {
		s.mu.Unlock()
		<-c.done
		return root, c.err
	}
	c = &unpackCall{done: make(chan struct{})}
	s.unpacking[hexPart] = c
	s.mu.Unlock()
	t0 := time.Now()
	c.err = unpackImage(img, s.cacheDir, dir)
	if c.err == nil {
		s.logf("image %s (%s) unpacked into %s in %s", strings.Join(img.Refs, ", "), img.Digest, dir, time.Since(t0).Round(time.Millisecond))
	}
	s.mu.Lock()
	delete(s.unpacking, hexPart)
	s.mu.Unlock()
	close(c.done)
	return root, c.err
}

// unpackImage unpacks img into dir (which must not exist): its layers are extracted from the
// archive into a temporary directory beside dir and checked against their digests, applied in
// order, and the directory is renamed to dir at the end.
func unpackImage(img *archiveImage, cacheDir, dir string) error {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("locking %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(filepath.Join(dir, "rootfs")); err == nil {
		return nil // another node did it
	}
	tmp, err := os.MkdirTemp(cacheDir, ".unpack-"+filepath.Base(dir)[:12]+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	blobs, err := extractBlobs(img, filepath.Join(tmp, "blobs"))
	if err != nil {
		return err
	}
	root := filepath.Join(tmp, "rootfs")
	if err := os.Mkdir(root, 0o755); err != nil {
		return err
	}
	for i, l := range img.Layers {
		if err := applyLayerFile(root, blobs[i]); err != nil {
			return fmt.Errorf("layer %d (%s): %w", i+1, layerName(l), err)
		}
	}
	if err := os.RemoveAll(filepath.Join(tmp, "blobs")); err != nil {
		return err
	}
	meta, _ := json.MarshalIndent(map[string]any{"refs": img.Refs, "digest": img.Digest, "archive": img.Archive, "config": img.Config}, "", "  ")
	if err := os.WriteFile(filepath.Join(tmp, "image.json"), meta, 0o644); err != nil {
		return err
	}
	_ = os.RemoveAll(dir) // a half-made dir cannot be there (rename is atomic), but a stray empty one may
	return os.Rename(tmp, dir)
}

func layerName(l blobRef) string {
	if l.Digest != "" {
		return l.Digest
	}
	return l.Path
}

// extractBlobs copies the image's layers out of its archive, one file per layer (in the
// order of img.Layers), checking each against its digest.
func extractBlobs(img *archiveImage, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	want := map[string][]int{}
	for i, l := range img.Layers {
		want[l.Path] = append(want[l.Path], i)
	}
	out := make([]string, len(img.Layers))
	f, err := os.Open(img.Archive)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", img.Archive, err)
		}
		idx, ok := want[cleanTarName(hdr.Name)]
		if !ok || out[idx[0]] != "" {
			continue
		}
		dst := filepath.Join(dir, fmt.Sprintf("%d", idx[0]))
		w, err := os.Create(dst)
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		_, err = io.Copy(io.MultiWriter(w, h), tr)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		got := "sha256:" + hex.EncodeToString(h.Sum(nil))
		if d := img.Layers[idx[0]].Digest; d != "" && got != d {
			return nil, fmt.Errorf("blob %s in %s has digest %s: the archive is corrupt", d, img.Archive, got)
		}
		for _, i := range idx {
			out[i] = dst
		}
	}
	for i, p := range out {
		if p == "" {
			return nil, fmt.Errorf("layer %s is missing from %s", layerName(img.Layers[i]), img.Archive)
		}
	}
	return out, nil
}

// applyLayerFile applies a layer file, gzip-compressed or not (told by its first bytes).
func applyLayerFile(root, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	magic, _ := br.Peek(4)
	var r io.Reader = br
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		defer gz.Close()
		r = gz
	case len(magic) == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd:
		return fmt.Errorf("zstd-compressed layers are not supported (use gzip or none)")
	}
	return applyLayer(root, r)
}

// applyLayer applies one layer tar to root, as overlay-style image layers are: entries
// replace what lower layers had at their path, ".wh.<name>" deletes <name>, ".wh..wh..opq"
// empties its directory of what lower layers put there. Symlinks are made as they are (they
// are resolved inside the root later, at run time); every path written to is resolved inside
// root, following symlinks as if root were "/", so nothing is ever written outside it. An
// entry whose name or hard-link target has a ".." component is refused.
func applyLayer(root string, r io.Reader) error {
	type dirMeta struct {
		path  string
		mode  int64
		mtime time.Time
	}
	var dirs []dirMeta
	written := map[string]bool{}
	euid := os.Geteuid()
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		rel, err := layerPath(hdr.Name)
		if err != nil {
			return err
		}
		if rel == "" { // the root itself
			if hdr.Typeflag == tar.TypeDir {
				dirs = append(dirs, dirMeta{root, hdr.Mode, hdr.ModTime})
			}
			continue
		}
		dirRel, base := path.Split(rel)
		parent, err := resolveInRoot(root, dirRel)
		if err != nil {
			return err
		}
		if base == ".wh..wh..opq" {
			entries, err := os.ReadDir(parent)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			for _, e := range entries {
				if !written[path.Join(dirRel, e.Name())] {
					if err := os.RemoveAll(filepath.Join(parent, e.Name())); err != nil {
						return err
					}
				}
			}
			continue
		}
		if strings.HasPrefix(base, ".wh.") {
			if err := os.RemoveAll(filepath.Join(parent, strings.TrimPrefix(base, ".wh."))); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return err
		}
		target := filepath.Join(parent, base)
		if fi, err := os.Lstat(target); err == nil && !(fi.IsDir() && hdr.Typeflag == tar.TypeDir) {
			if err := os.RemoveAll(target); err != nil {
				return err
			}
		}
		mode := uint32(hdr.Mode & 0o7777)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.Mkdir(target, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			dirs = append(dirs, dirMeta{target, hdr.Mode, hdr.ModTime})
		case tar.TypeReg, tar.TypeRegA:
			f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.Symlink(hdr.Linkname, target); err != nil {
				return err
			}
		case tar.TypeLink:
			linkRel, err := layerPath(hdr.Linkname)
			if err != nil {
				return fmt.Errorf("hard link %s: %w", hdr.Name, err)
			}
			ld, lb := path.Split(linkRel)
			lparent, err := resolveInRoot(root, ld)
			if err != nil {
				return err
			}
			if err := os.Link(filepath.Join(lparent, lb), target); err != nil {
				return fmt.Errorf("hard link %s to %s: %w", hdr.Name, hdr.Linkname, err)
			}
			continue // a hard link shares its target's owner, mode and times
		case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
			kind := uint32(syscall.S_IFIFO)
			switch hdr.Typeflag {
			case tar.TypeChar:
				kind = syscall.S_IFCHR
			case tar.TypeBlock:
				kind = syscall.S_IFBLK
			}
			dev := int((hdr.Devmajor&0xfff)<<8 | (hdr.Devminor & 0xff) | ((hdr.Devminor &^ 0xff) << 12))
			if err := syscall.Mknod(target, kind|mode, dev); err != nil {
				continue // devices are made by the runtime (/dev is mounted anew); skip what cannot be made
			}
		default:
			continue // PAX global headers and the like
		}
		written[rel] = true
		if euid == 0 {
			if err := os.Lchown(target, hdr.Uid, hdr.Gid); err != nil {
				return err
			}
		}
		if hdr.Typeflag == tar.TypeSymlink || hdr.Typeflag == tar.TypeDir {
			continue // a symlink's mode means nothing; directories get theirs at the end
		}
		// after chown, which clears set-uid and set-gid bits
		if err := syscall.Chmod(target, mode); err != nil {
			return err
		}
		_ = os.Chtimes(target, hdr.ModTime, hdr.ModTime)
	}
	// directories last: their files changed their times, and a read-only one could not be filled
	for i := len(dirs) - 1; i >= 0; i-- {
		d := dirs[i]
		if err := syscall.Chmod(d.path, uint32(d.mode&0o7777)); err != nil {
			return err
		}
		_ = os.Chtimes(d.path, d.mtime, d.mtime)
	}
	return nil
}

// layerPath cleans a layer entry's name to a path relative to the root ("" for the root
// itself); a name with a ".." component is refused.
func layerPath(name string) (string, error) {
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", fmt.Errorf("refusing layer entry %q: it leaves the root", name)
		}
	}
	return cleanTarName(name), nil
}

// resolveInRoot resolves rel inside root as if root were "/": symlinks met on the way are
// followed, absolute ones from root, and ".." never goes above root. The last component is
// followed too; a component that does not exist ends the walk (the rest is appended as it is).
func resolveInRoot(root, rel string) (string, error) {
	pending := splitPath(rel)
	cur := ""
	links := 0
	for len(pending) > 0 {
		c := pending[0]
		pending = pending[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			if cur == "." || cur == "/" {
				cur = ""
			}
			continue
		}
		next := path.Join(cur, c)
		fi, err := os.Lstat(filepath.Join(root, next))
		if errors.Is(err, fs.ErrNotExist) {
			return filepath.Join(append([]string{root, next}, pending...)...), nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if links++; links > 255 {
			return "", fmt.Errorf("%s: too many levels of symbolic links", rel)
		}
		target, err := os.Readlink(filepath.Join(root, next))
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			cur = ""
		}
		pending = append(splitPath(target), pending...)
	}
	return filepath.Join(root, cur), nil
}

func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}
