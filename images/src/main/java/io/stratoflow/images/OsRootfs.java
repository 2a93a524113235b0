package io.stratoflow.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The operating system part of every image: the files of a few Debian packages (the C and C++ runtimes the JVM and
 * zstd-jni link against, zlib, CA certificates, time zones and dash as /bin/sh), a non-root user, a world-writable
 * /tmp, and nothing else: no package manager, no shell but dash, no documentation.
 *
 * <p>Each package's control fields are kept in /var/lib/dpkg/status.d/&lt;package&gt;, so that scanners (and the
 * tests) can tell what the root filesystem holds.
 */
final class OsRootfs {

  /** The packages, and why each is there. */
  static final List<String> PACKAGES = List.of(
      "libc6",          // everything links it
      "libgcc-s1",      // libjvm.so
      "libstdc++6",     // libjvm.so, libjimage.so
      "zlib1g",         // bin/java, libzip.so
      "ca-certificates", // /etc/ssl/certs/ca-certificates.crt for non-Java tools and TLS libraries
      "tzdata",         // /usr/share/zoneinfo
      "dash");          // /bin/sh, which runs the stratoflow-task script

  static final int USER_ID = 1000;
  static final int GROUP_ID = 1000;
  static final String USER_NAME = "stratoflow";
  static final String USER = USER_ID + ":" + GROUP_ID;

  /** Directories of the packages that no program reads at run time. */
  private static final List<String> PRUNED = List.of(
      "usr/share/man", "usr/share/info", "usr/share/lintian", "usr/share/locale", "usr/share/bug",
      "usr/share/gcc", "usr/share/gdb", "usr/share/menu", "usr/share/zoneinfo/right",
      "usr/lib/x86_64-linux-gnu/gconv", "usr/lib/x86_64-linux-gnu/audit");

  /** Changes whenever what this class adds to the packages changes. */
  private static final String FORMAT = "stratoflow-rootfs-1";

  private final DebianPackages packages;
  private final Path cacheDirectory;

  OsRootfs(DebianPackages packages, Path cacheDirectory) {
    this.packages = packages;
    this.cacheDirectory = cacheDirectory;
  }

  /** The root filesystem's directory, assembled unless the cache holds one of the same packages. */
  Path assemble() throws IOException {
    List<DebianPackages.Deb> debs = packages.fetch(PACKAGES);
    String key = Digests.of((FORMAT + "\n" + debs.stream().map(DebianPackages.Deb::fileName)
        .collect(Collectors.joining("\n"))).getBytes(StandardCharsets.UTF_8)).substring(7, 23);
    Path root = cacheDirectory.resolve(key);
    if (Files.isDirectory(root) && Files.exists(cacheDirectory.resolve(key + ".done"))) {
      return root;
    }
    Path partial = cacheDirectory.resolve(key + ".partial");
    deleteTree(partial);
    deleteTree(root);
    Files.createDirectories(partial);
    Path status = Files.createDirectories(partial.resolve("var/lib/dpkg/status.d"));
    for (DebianPackages.Deb deb : debs) {
      String control = DebianPackages.unpack(deb, partial);
      Files.writeString(status.resolve(deb.name()), control);
    }
    prune(partial);
    addSystemFiles(partial);
    Files.move(partial, root);
    Files.writeString(cacheDirectory.resolve(key + ".done"), String.join("\n", PACKAGES) + "\n");
    return root;
  }

  /** The layer: the root filesystem with /tmp sticky and world-writable and the user's home its own. */
  static Layer layer(Path root) {
    return Layer.named("os: " + String.join(" ", PACKAGES))
        .add(root, "/")
        .attributes("/tmp", 01777, 0, 0)
        .attributes("/root", 0700, 0, 0)
        .attributes("/home/" + USER_NAME, 0755, USER_ID, GROUP_ID)
        .build();
  }

  private static void prune(Path root) throws IOException {
    for (String directory : PRUNED) {
      deleteTree(root.resolve(directory));
    }
    // Licences stay; the rest of /usr/share/doc (changelogs, READMEs) goes.
    Path doc = root.resolve("usr/share/doc");
    if (Files.isDirectory(doc)) {
      try (Stream<Path> walk = Files.walk(doc)) {
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(path)) {
              if (children.findAny().isEmpty() && !path.equals(doc)) {
                Files.delete(path);
              }
            }
          } else if (!path.getFileName().toString().equals("copyright")) {
            Files.delete(path);
          }
        }
      }
    }
  }

  private static void addSystemFiles(Path root) throws IOException {
    Path etc = Files.createDirectories(root.resolve("etc"));
    Files.writeString(etc.resolve("passwd"),
        "root:x:0:0:root:/root:/usr/sbin/nologin\n"
            + USER_NAME + ":x:" + USER_ID + ":" + GROUP_ID + ":Stratoflow:/home/" + USER_NAME + ":/usr/sbin/nologin\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\n" + USER_NAME + ":x:" + GROUP_ID + ":\n");
    Files.writeString(etc.resolve("nsswitch.conf"),
        "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nservices: files\n");
    Files.deleteIfExists(etc.resolve("localtime"));
    Files.createSymbolicLink(etc.resolve("localtime"), Path.of("/usr/share/zoneinfo/Etc/UTC"));
    Files.writeString(etc.resolve("timezone"), "Etc/UTC\n");
    // dash's maintainer script would make this link; no script runs here.
    Path sh = root.resolve("bin/sh");
    if (!Files.exists(sh, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(sh, Path.of("dash"));
    }
    // What update-ca-certificates would write: every certificate of the package, in one PEM file.
    Path certificates = root.resolve("usr/share/ca-certificates");
    StringBuilder bundle = new StringBuilder();
    try (Stream<Path> walk = Files.walk(certificates)) {
      for (Path crt : walk.filter(p -> p.toString().endsWith(".crt")).sorted().toList()) {
        String pem = Files.readString(crt, StandardCharsets.US_ASCII);
        bundle.append(pem.endsWith("\n") ? pem : pem + "\n");
      }
    }
    Path certs = Files.createDirectories(root.resolve("etc/ssl/certs"));
    Files.writeString(certs.resolve("ca-certificates.crt"), bundle, StandardCharsets.US_ASCII);
    for (String directory : List.of("tmp", "root", "proc", "sys", "dev", "home/" + USER_NAME)) {
      Files.createDirectories(root.resolve(directory));
    }
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
