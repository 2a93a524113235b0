package io.stratoflow.images;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes an image as an OCI image layout in a tar file: {@code oci-layout}, {@code index.json} (whose one manifest
 * carries the image's reference as {@code org.opencontainers.image.ref.name}) and {@code blobs/sha256/...}: the
 * configuration, the manifest and the gzip-compressed layers. The JSON documents hold no time but the epoch, so the
 * same layers and settings always give the same manifest digest.
 */
final class OciArchiveWriter {

  static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final String EPOCH = "1970-01-01T00:00:00Z";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A written image. Its size is that of its blobs (compressed layers, configuration, manifest); its image ID is the
   * digest of its configuration, what a container runtime reports for an image it did not pull by digest.
   */
  record Written(String reference, String manifestDigest, String imageId, long size, long unpackedSize, Path archive) {
  }

  Written write(ImageDefinition image, List<LayerBlob> layers, Path archive) throws IOException {
    byte[] config = JSON.writeValueAsBytes(config(image, layers));
    String configDigest = Digests.of(config);
    byte[] manifest = JSON.writeValueAsBytes(manifest(layers, configDigest, config.length));
    String manifestDigest = Digests.of(manifest);
    byte[] index = JSON.writeValueAsBytes(index(image.reference(), manifestDigest, manifest.length));

    Map<String, Object> blobs = new TreeMap<>();
    blobs.put(hex(configDigest), config);
    blobs.put(hex(manifestDigest), manifest);
    for (LayerBlob layer : layers) {
      blobs.put(hex(layer.digest()), layer.file());
    }

    Files.createDirectories(archive.getParent());
    Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
    try (OutputStream file = Files.newOutputStream(partial);
         TarArchiveOutputStream tar = new TarArchiveOutputStream(file, StandardCharsets.UTF_8.name())) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      directory(tar, "blobs/");
      directory(tar, "blobs/sha256/");
      for (Map.Entry<String, Object> blob : blobs.entrySet()) {
        String name = "blobs/sha256/" + blob.getKey();
        if (blob.getValue() instanceof byte[] bytes) {
          file(tar, name, bytes);
        } else {
          Path layer = (Path) blob.getValue();
          TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, 0644);
          entry.setSize(Files.size(layer));
          tar.putArchiveEntry(entry);
          try (InputStream in = Files.newInputStream(layer)) {
            in.transferTo(tar);
          }
          tar.closeArchiveEntry();
        }
      }
      file(tar, "index.json", index);
      file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
      tar.finish();
    }
    Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING);
    long size = config.length + manifest.length + layers.stream().mapToLong(LayerBlob::size).sum();
    long unpacked = layers.stream().mapToLong(LayerBlob::unpackedSize).sum();
    return new Written(image.reference(), manifestDigest, configDigest, size, unpacked, archive);
  }

  private static Map<String, Object> config(ImageDefinition image, List<LayerBlob> layers) {
    Map<String, Object> runtime = new LinkedHashMap<>();
    runtime.put("User", image.user());
    runtime.put("Env", image.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    runtime.put("Entrypoint", image.entrypoint());
    if (!image.workingDir().isEmpty()) {
      runtime.put("WorkingDir", image.workingDir());
    }
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.title", image.name());
    labels.put("org.opencontainers.image.version", image.reference().substring(image.reference().lastIndexOf(':') + 1));
    runtime.put("Labels", labels);

    List<Map<String, Object>> history = new ArrayList<>();
    for (LayerBlob layer : layers) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("created", EPOCH);
      step.put("created_by", "stratoflow-images: " + layer.name());
      history.add(step);
    }
    Map<String, Object> rootfs = new LinkedHashMap<>();
    rootfs.put("type", "layers");
    rootfs.put("diff_ids", layers.stream().map(LayerBlob::diffId).toList());

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("created", EPOCH);
    config.put("architecture", "amd64");
    config.put("os", "linux");
    config.put("config", runtime);
    config.put("rootfs", rootfs);
    config.put("history", history);
    return config;
  }

  private static Map<String, Object> manifest(List<LayerBlob> layers, String configDigest, long configSize) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MANIFEST_TYPE);
    manifest.put("config", descriptor(CONFIG_TYPE, configDigest, configSize));
    manifest.put("layers", layers.stream().map(l -> descriptor(LAYER_TYPE, l.digest(), l.size())).toList());
    return manifest;
  }

  private static Map<String, Object> index(String reference, String manifestDigest, long manifestSize) {
    Map<String, Object> manifest = descriptor(MANIFEST_TYPE, manifestDigest, manifestSize);
    manifest.put("annotations", Map.of(REF_NAME, reference));
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", INDEX_TYPE);
    index.put("manifests", List.of(manifest));
    return index;
  }

  private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("mediaType", mediaType);
    descriptor.put("digest", digest);
    descriptor.put("size", size);
    return descriptor;
  }

  private static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }

  private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
    tar.putArchiveEntry(entry(name, TarConstants.LF_DIR, 0755));
    tar.closeArchiveEntry();
  }

  private static void file(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
    TarArchiveEntry entry = entry(name, TarConstants.LF_NORMAL, 0644);
    entry.setSize(bytes.length);
    tar.putArchiveEntry(entry);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static TarArchiveEntry entry(String name, byte type, int mode) {
    TarArchiveEntry entry = new TarArchiveEntry(name, type);
    entry.setMode(mode);
    entry.setIds(0, 0);
    entry.setUserName("");
    entry.setGroupName("");
    entry.setModTime(FileTime.fromMillis(0));
    return entry;
  }
}
