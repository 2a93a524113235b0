package io.stratoflow.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A Java runtime holding only the modules the applications use, made by {@code jlink} from a JDK's jmods. The modules
 * come from {@code jdeps} over the applications' jars and classes, plus those loaded by name at run time, which jdeps
 * cannot see. Both results are kept in the cache, keyed by their inputs.
 */
final class JavaRuntime {

  /** Modules found by name at run time: TLS with EC keys (Kubernetes API servers), zip file systems, JNDI/DNS. */
  static final List<String> REFLECTIVE_MODULES = List.of("jdk.crypto.ec", "jdk.zipfs", "java.naming");

  /** Where the runtime is in the images. */
  static final String HOME = "/opt/java";

  private final Path jdk;
  private final Path cacheDirectory;

  JavaRuntime(Path jdk, Path cacheDirectory) {
    this.jdk = jdk;
    this.cacheDirectory = cacheDirectory;
  }

  /** The modules that the given jars and class directories need. */
  Set<String> modules(List<Path> classpath) throws IOException {
    List<Path> inputs = new ArrayList<>();
    for (Path entry : classpath) {
      if (Files.isDirectory(entry)) {
        try (Stream<Path> walk = Files.walk(entry)) {
          walk.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(inputs::add);
        }
        if (hasClasses(entry)) {
          inputs.add(entry);
        }
      } else {
        inputs.add(entry);
      }
    }
    StringBuilder listing = new StringBuilder(release()).append('\n').append(REFLECTIVE_MODULES).append('\n');
    for (Path input : inputs) {
      listing.append(input.getFileName()).append('\t').append(sizeOf(input)).append('\n');
    }
    String key = Digests.of(listing.toString().getBytes(StandardCharsets.UTF_8)).substring(7, 23);
    Path cached = cacheDirectory.resolve("modules-" + key + ".txt");
    if (Files.isRegularFile(cached)) {
      return new TreeSet<>(List.of(Files.readString(cached).strip().split(",")));
    }
    Set<String> modules = new TreeSet<>(jdeps(inputs));
    modules.addAll(REFLECTIVE_MODULES);
    Files.createDirectories(cacheDirectory);
    Files.writeString(cached, String.join(",", modules) + "\n");
    return modules;
  }

  /** The runtime's directory, linked unless the cache holds one of the same JDK and modules. */
  Path link(Set<String> modules) throws IOException {
    String key = Digests.of((release() + "\n" + modules).getBytes(StandardCharsets.UTF_8)).substring(7, 23);
    Path runtime = cacheDirectory.resolve("jre-" + key);
    if (Files.isRegularFile(runtime.resolve("release"))) {
      return runtime;
    }
    OsRootfs.deleteTree(runtime);
    Files.createDirectories(cacheDirectory);
    Processes.run(null, List.of(tool("jlink"), "--add-modules", String.join(",", modules),
        "--strip-debug", "--no-header-files", "--no-man-pages", "--output", runtime.toString()));
    return runtime;
  }

  private List<String> jdeps(List<Path> inputs) throws IOException {
    // jdeps resolves the "requires" of every modular jar it is given and stops at the first it cannot find (libraries
    // often require optional modules). Copies without module-info are analysed as plain class path jars instead.
    Path work = Files.createTempDirectory("stratoflow-jdeps");
    try {
      List<String> command = new ArrayList<>(List.of(tool("jdeps"), "--print-module-deps", "--ignore-missing-deps",
          "-q", "--multi-release", featureVersion()));
      int index = 0;
      for (Path input : inputs) {
        if (Files.isDirectory(input)) {
          command.add(input.toString());
        } else {
          Path copy = work.resolve(index++ + "-" + input.getFileName());
          withoutModuleInfo(input, copy);
          command.add(copy.toString());
        }
      }
      String output = Processes.run(null, command).strip();
      String last = output.lines().reduce((a, b) -> b).orElse("");
      return List.of(last.split(","));
    } finally {
      OsRootfs.deleteTree(work);
    }
  }

  private static void withoutModuleInfo(Path jar, Path copy) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
         ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
      out.setLevel(0);
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        if (entry.isDirectory() || entry.getName().endsWith("module-info.class")) {
          continue;
        }
        out.putNextEntry(new ZipEntry(entry.getName()));
        in.transferTo(out);
        out.closeEntry();
      }
    }
  }

  private String release() throws IOException {
    Path release = jdk.resolve("release");
    if (!Files.isDirectory(jdk.resolve("jmods")) || !Files.isRegularFile(release)) {
      throw new IOException(jdk + " is not a JDK with jmods: set -Dstratoflow.images.jdk to one (Debian: "
          + "apt-get install openjdk-17-jdk-headless, then /usr/lib/jvm/java-17-openjdk-amd64)");
    }
    return Files.readString(release).strip();
  }

  /** The JDK's feature version (17), from JAVA_VERSION="17.0.15" in its release file. */
  private String featureVersion() throws IOException {
    String version = release().lines().filter(line -> line.startsWith("JAVA_VERSION=")).findFirst()
        .orElseThrow(() -> new IOException("No JAVA_VERSION in " + jdk.resolve("release")));
    return version.replaceAll("[^0-9.]", "").split("\\.")[0];
  }

  private String tool(String name) {
    return jdk.resolve("bin").resolve(name).toString();
  }

  private static boolean hasClasses(Path directory) throws IOException {
    try (Stream<Path> walk = Files.walk(directory)) {
      return walk.anyMatch(p -> p.toString().endsWith(".class"));
    }
  }

  private static long sizeOf(Path input) throws IOException {
    if (!Files.isDirectory(input)) {
      return Files.size(input);
    }
    try (Stream<Path> walk = Files.walk(input)) {
      return walk.filter(Files::isRegularFile).collect(Collectors.summingLong(p -> p.toFile().length()));
    }
  }
}
