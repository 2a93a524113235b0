package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// resolvedImage is an image reference resolved to what runs it on this node.
type resolvedImage struct {
	spec   ImageSpec // entrypoint, cmd, env, working directory (and, for a stand-in, PATH entries)
	id     string    // the container's imageID
	rootfs string    // the image's unpacked root file system; "" for a stand-in of the image map
	user   string    // the image's USER ("uid[:gid]" or names); only for images with a rootfs
}

// imagePullError is an image the node cannot provide: the container waits in ErrImagePull.
type imagePullError struct{ msg string }

func (e *imagePullError) Error() string { return e.msg }

// resolveImage finds an image: first in the image archives (unpacking it on first use), then
// in the stand-in map.
func (n *node) resolveImage(ref string) (*resolvedImage, error) {
	if n.archives != nil {
		if img, ok := n.archives.Lookup(ref); ok {
			root, err := n.archives.Rootfs(img)
			if err != nil {
				return nil, &imagePullError{fmt.Sprintf("failed to unpack image %q from %s: %v", ref, img.Archive, err)}
			}
			return &resolvedImage{spec: img.Spec(), id: img.ID(), rootfs: root, user: img.Config.User}, nil
		}
	}
	if n.images != nil {
		m := n.images.get()
		if spec, key, ok := m.Lookup(ref); ok {
			return &resolvedImage{spec: spec, id: m.ImageID(key)}, nil
		}
	}
	return nil, &imagePullError{n.unknownImageMessage(ref)}
}

// unknownImageMessage says that an image is not known, where the node looked, and what it knows.
func (n *node) unknownImageMessage(ref string) string {
	var where, known []string
	if n.archives != nil {
		where = append(where, "from the image archives (*.tar) in "+strings.Join(n.archives.dirs, ", "))
		known = append(known, n.archives.Names()...)
	}
	if n.images != nil {
		m := n.images.get()
		where = append(where, "mapped to local runtimes in "+n.images.path)
		known = append(known, m.Names()...)
	}
	return formatUnknownImage(ref, where, known)
}

func formatUnknownImage(ref string, where, known []string) string {
	sort.Strings(known)
	var uniq []string
	for i, k := range known {
		if i == 0 || k != known[i-1] {
			uniq = append(uniq, k)
		}
	}
	list := "none"
	if len(uniq) > 0 {
		list = strings.Join(uniq, ", ")
	}
	how := "no images"
	if len(where) > 0 {
		how = "images " + strings.Join(where, " and images ")
	}
	return fmt.Sprintf("image %q is not known to this node (stratoflow-node runs %s); known images: %s", ref, how, list)
}

// imageUser is an image's USER resolved in its root file system.
type imageUser struct {
	uid, gid int
	hasGID   bool // the group is known: given, or the user's primary group in /etc/passwd
	numeric  bool // the user was given as a number
}

// resolveImageUser resolves "user[:group]" (names or numbers) as a container runtime does:
// names through the image's /etc/passwd and /etc/group; a numeric user without a group takes
// its primary group from /etc/passwd if it is there.
func resolveImageUser(rootfs, spec string) (imageUser, error) {
	user, group, hasGroup := strings.Cut(spec, ":")
	var u imageUser
	if n, err := strconv.Atoi(user); err == nil {
		u.uid, u.numeric = n, true
		if e, ok := findEntry(filepath.Join(rootfs, "etc/passwd"), func(f []string) bool { return f[2] == user }); ok && len(e) > 3 {
			if g, err := strconv.Atoi(e[3]); err == nil {
				u.gid, u.hasGID = g, true
			}
		}
	} else {
		e, ok := findEntry(filepath.Join(rootfs, "etc/passwd"), func(f []string) bool { return f[0] == user })
		if !ok || len(e) < 4 {
			return u, fmt.Errorf("unable to find user %s: no matching entries in passwd file", user)
		}
		if u.uid, err = strconv.Atoi(e[2]); err != nil {
			return u, fmt.Errorf("user %s: malformed passwd entry", user)
		}
		if g, err := strconv.Atoi(e[3]); err == nil {
			u.gid, u.hasGID = g, true
		}
	}
	if hasGroup && group != "" {
		if g, err := strconv.Atoi(group); err == nil {
			u.gid, u.hasGID = g, true
		} else {
			e, ok := findEntry(filepath.Join(rootfs, "etc/group"), func(f []string) bool { return f[0] == group })
			if !ok || len(e) < 3 {
				return u, fmt.Errorf("unable to find group %s: no matching entries in group file", group)
			}
			if u.gid, err = strconv.Atoi(e[2]); err != nil {
				return u, fmt.Errorf("group %s: malformed group entry", group)
			}
			u.hasGID = true
		}
	}
	return u, nil
}

// findEntry returns the fields of the first line of a colon-separated file that match.
func findEntry(file string, match func([]string) bool) ([]string, bool) {
	f, err := os.Open(file)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= 3 && match(fields) {
			return fields, true
		}
	}
	return nil, false
}
