package io.stratoflow.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian packages from the machine's apt sources: {@code apt-get download} into a cache directory (checked against
 * the SHA-256 of the apt lists), unpacked with {@code dpkg-deb -x}. Nothing is installed on the host.
 */
final class DebianPackages {

  /** A package file as apt names it. */
  record Deb(String name, String fileName, long size, String sha256, Path file) {
  }

  private final Path cacheDirectory;

  DebianPackages(Path cacheDirectory) {
    this.cacheDirectory = cacheDirectory;
  }

  /** The candidate version of each package, downloaded unless the cache already holds that exact file. */
  List<Deb> fetch(List<String> names) throws IOException {
    requireAptLists();
    Files.createDirectories(cacheDirectory);
    List<String> command = new ArrayList<>(List.of("apt-get", "download", "--print-uris"));
    command.addAll(names);
    // apt-get leaves out files that its working directory already holds: ask from an empty one.
    Path empty = Files.createTempDirectory("stratoflow-apt");
    String plan;
    try {
      plan = Processes.run(empty, command);
    } finally {
      Files.delete(empty);
    }
    List<Deb> debs = new ArrayList<>();
    for (String line : plan.lines().toList()) {
      // '<where>' <file name> <size> SHA256:<hex>
      String[] fields = line.trim().split("\\s+");
      if (fields.length != 4 || !fields[3].startsWith("SHA256:")) {
        continue;
      }
      String fileName = fields[1];
      String name = fileName.substring(0, fileName.indexOf('_'));
      debs.add(new Deb(name, fileName, Long.parseLong(fields[2]), fields[3].substring(7).toLowerCase(),
          cacheDirectory.resolve(fileName)));
    }
    if (debs.size() != names.size()) {
      throw new IOException("apt-get knows " + debs.size() + " of the packages " + names
          + "; run `apt-get update` if its lists are stale.\n" + plan.strip());
    }
    List<String> missing = debs.stream().filter(deb -> !isCached(deb)).map(Deb::name).toList();
    if (!missing.isEmpty()) {
      List<String> download = new ArrayList<>(List.of("apt-get", "download", "-q"));
      download.addAll(missing);
      Processes.run(cacheDirectory, download);
      for (Deb deb : debs) {
        if (!isCached(deb)) {
          throw new IOException("Downloaded " + deb.fileName() + " does not have the SHA-256 the apt lists give");
        }
      }
    }
    return debs.stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
  }

  /** Unpacks the package's files into a directory and returns its control fields (Package, Version, ...). */
  static String unpack(Deb deb, Path root) throws IOException {
    Processes.run(null, List.of("dpkg-deb", "-x", deb.file().toString(), root.toString()));
    return Processes.run(null, List.of("dpkg-deb", "-f", deb.file().toString()));
  }

  private static boolean isCached(Deb deb) {
    try {
      return Files.isRegularFile(deb.file()) && Files.size(deb.file()) == deb.size()
          && Digests.of(deb.file()).equals("sha256:" + deb.sha256());
    } catch (IOException e) {
      return false;
    }
  }

  private static void requireAptLists() throws IOException {
    Path lists = Path.of("/var/lib/apt/lists");
    boolean any;
    try (Stream<Path> files = Files.isDirectory(lists) ? Files.list(lists) : Stream.empty()) {
      any = files.anyMatch(file -> file.getFileName().toString().contains("_Packages"));
    }
    if (!any) {
      throw new IOException("The apt package lists are empty (" + lists + "): run `apt-get update` (as root) "
          + "so that the images' Debian packages can be downloaded.");
    }
  }
}
