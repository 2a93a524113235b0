package io.stratoflow.images;

import io.stratoflow.task.EnvironmentNames;
import java.nio.file.Path;

/**
 * Where the image build reads and writes.
 *
 * @param checkout the repository's root, whose modules are built
 * @param output   where the archives and images.properties go
 * @param jdk      the JDK whose jlink and jmods make the runtime
 * @param cache    Debian packages, root filesystems and runtimes kept between builds
 * @param version  the images' tag
 */
record BuildOptions(Path checkout, Path output, Path jdk, Path cache, String version) {

  static BuildOptions parse(String... args) {
    Path checkout = Path.of(".");
    Path output = null;
    Path jdk = Path.of(System.getProperty("java.home"));
    Path cache = null;
    String version = "0.1.0";
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1).strip();
      if (value.isEmpty() || value.startsWith("${")) {
        continue;
      }
      if (arg.startsWith("--root=")) {
        checkout = Path.of(value);
      } else if (arg.startsWith("--output=")) {
        output = Path.of(value);
      } else if (arg.startsWith("--jdk=")) {
        jdk = Path.of(value);
      } else if (arg.startsWith("--cache=")) {
        cache = Path.of(value);
      } else if (arg.startsWith("--version=")) {
        version = value;
      } else {
        throw new IllegalArgumentException("Unknown argument " + arg
            + " (expected --root=, --output=, --jdk=, --cache=, --version=)");
      }
    }
    checkout = checkout.toAbsolutePath().normalize();
    if (output == null) {
      output = checkout.resolve("images/target/images");
    }
    return new BuildOptions(checkout, output.toAbsolutePath().normalize(), jdk, cache == null ? defaultCache() : cache,
        version);
  }

  /** ${STRATOFLOW_CACHE:-$HOME/.cache/stratoflow}: outside the checkout, so that a clean build keeps it. */
  static Path defaultCache() {
    String env = System.getenv(EnvironmentNames.CACHE);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "stratoflow");
  }

  /** Written layers, kept beside the archives so that an unchanged layer is not compressed again. */
  Path layerCache() {
    return output.resolveSibling("layer-cache");
  }
}
