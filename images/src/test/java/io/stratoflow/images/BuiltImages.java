package io.stratoflow.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** The archives the build wrote (images/target/images), read the way a container runtime reads them. */
final class BuiltImages {

  static final ObjectMapper JSON = new ObjectMapper();

  static Path output() {
    return Path.of(System.getProperty("stratoflow.images.output", "target/images"));
  }

  static BuildOptions options() {
    return BuildOptions.parse("--root=" + System.getProperty("stratoflow.root", ".."),
        "--output=" + output(), "--jdk=" + System.getProperty("stratoflow.images.jdk", ""),
        "--cache=" + System.getProperty("stratoflow.images.cache", ""),
        "--version=" + System.getProperty("stratoflow.images.version", ""));
  }

  static Properties properties() throws IOException {
    Path file = output().resolve("images.properties");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing: the images are built in package (./mvnw -pl images verify)");
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    }
    return properties;
  }

  /** One image archive's files by name (blobs/sha256/..., index.json, oci-layout). */
  record Archive(Map<String, byte[]> files, Map<String, TarArchiveEntry> entries) {

    static Archive read(Path tar) throws IOException {
      Map<String, byte[]> files = new HashMap<>();
      Map<String, TarArchiveEntry> entries = new HashMap<>();
      try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
        for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
          entries.put(entry.getName(), entry);
          if (entry.isFile()) {
            files.put(entry.getName(), in.readAllBytes());
          }
        }
      }
      return new Archive(files, entries);
    }

    JsonNode index() throws IOException {
      return JSON.readTree(files.get("index.json"));
    }

    byte[] blob(String digest) {
      byte[] blob = files.get("blobs/sha256/" + digest.substring("sha256:".length()));
      if (blob == null) {
        throw new AssertionError("no blob " + digest);
      }
      return blob;
    }

    JsonNode manifest() throws IOException {
      return JSON.readTree(blob(index().get("manifests").get(0).get("digest").asText()));
    }

    JsonNode config() throws IOException {
      return JSON.readTree(blob(manifest().get("config").get("digest").asText()));
    }

    List<String> layerDigests() throws IOException {
      List<String> digests = new ArrayList<>();
      manifest().get("layers").forEach(layer -> digests.add(layer.get("digest").asText()));
      return digests;
    }

    /** The image's environment as the config lists it. */
    Map<String, String> env() throws IOException {
      Map<String, String> env = new HashMap<>();
      config().get("config").get("Env").forEach(e -> {
        String pair = e.asText();
        env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      });
      return env;
    }

    /** Unpacks the layers in order into a directory, with the host's tar (which, as root, keeps owners and modes). */
    Path unpack(Path root) throws IOException, InterruptedException {
      Files.createDirectories(root);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
      for (String digest : layerDigests()) {
        Path layer = Files.createTempFile("layer", ".tar.gz");
        try {
          Files.write(layer, blob(digest));
          Process tar = new ProcessBuilder("tar", "-xzf", layer.toString(), "-C", root.toString())
              .redirectErrorStream(true).start();
          String out = new String(tar.getInputStream().readAllBytes());
          if (tar.waitFor() != 0) {
            throw new IOException("tar failed: " + out);
          }
        } finally {
          Files.delete(layer);
        }
      }
      return root;
    }
  }

  static Archive archive(String name) throws IOException {
    return Archive.read(output().resolve(name + ".oci.tar"));
  }
}
