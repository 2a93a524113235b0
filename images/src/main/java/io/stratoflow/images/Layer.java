package io.stratoflow.images;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one image layer holds: host files and directories placed at paths of the image, and the owners and modes
 * that differ from the defaults (root, 0755 for directories and executables, 0644 for other files).
 *
 * @param name      a short name, shown in the image's history
 * @param contents  host path to image path (a directory is copied with everything under it)
 * @param overrides image path to attributes
 */
record Layer(String name, List<Placement> contents, Map<String, Attributes> overrides) {

  record Placement(Path source, String target) {
  }

  /** Mode bits (with sticky and setuid bits) and numeric owner of one entry. */
  record Attributes(int mode, int uid, int gid) {
  }

  static Builder named(String name) {
    return new Builder(name);
  }

  static final class Builder {
    private final String name;
    private final List<Placement> contents = new ArrayList<>();
    private final Map<String, Attributes> overrides = new TreeMap<>();

    private Builder(String name) {
      this.name = name;
    }

    Builder add(Path source, String target) {
      contents.add(new Placement(source, target));
      return this;
    }

    Builder attributes(String target, int mode, int uid, int gid) {
      overrides.put(target, new Attributes(mode, uid, gid));
      return this;
    }

    Layer build() {
      return new Layer(name, List.copyOf(contents), Map.copyOf(overrides));
    }
  }
}
