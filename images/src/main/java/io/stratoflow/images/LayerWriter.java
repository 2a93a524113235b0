package io.stratoflow.images;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a layer as a gzip-compressed tar that depends only on the files' paths, contents, link targets and
 * executable bits: entries sorted by path, every timestamp zero, owner root (unless a layer says otherwise), no user
 * or group names. The same files therefore always give the same digest.
 *
 * <p>A layer whose files (paths, sizes, modification times) have not changed since the last build is taken from the
 * cache directory instead of being compressed again.
 */
final class LayerWriter {

  /** Changes whenever the way a tar is written changes, so that cached layers of an older format are not reused. */
  private static final String FORMAT = "stratoflow-layer-1";
  private static final FileTime EPOCH = FileTime.fromMillis(0);

  private final Path cacheDirectory;
  private final Set<String> used = new HashSet<>();

  LayerWriter(Path cacheDirectory) {
    this.cacheDirectory = cacheDirectory;
  }

  LayerBlob write(Layer layer) throws IOException {
    Map<String, Entry> entries = entries(layer);
    String key = Digests.of(listing(entries).getBytes(StandardCharsets.UTF_8)).substring("sha256:".length());
    used.add(key);
    Path blob = cacheDirectory.resolve(key + ".tar.gz");
    Path facts = cacheDirectory.resolve(key + ".properties");
    if (Files.isRegularFile(blob) && Files.isRegularFile(facts)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(facts)) {
        p.load(in);
      }
      return new LayerBlob(layer.name(), blob, p.getProperty("digest"), Files.size(blob), p.getProperty("diffId"),
          Long.parseLong(p.getProperty("unpackedSize")));
    }
    Files.createDirectories(cacheDirectory);
    Path partial = cacheDirectory.resolve(key + ".partial");
    MessageDigest compressed = Digests.sha256();
    MessageDigest uncompressed = Digests.sha256();
    Counting tarBytes;
    try (OutputStream file = Files.newOutputStream(partial);
         DigestOutputStream compressedOut = new DigestOutputStream(file, compressed);
         GZIPOutputStream gzip = new GZIPOutputStream(compressedOut, 1 << 16);
         Counting counting = new Counting(new DigestOutputStream(gzip, uncompressed));
         TarArchiveOutputStream tar = new TarArchiveOutputStream(counting, StandardCharsets.UTF_8.name())) {
      tarBytes = counting;
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(true);
      for (Entry entry : entries.values()) {
        entry.writeTo(tar);
      }
      tar.finish();
    }
    String digest = "sha256:" + Digests.hex(compressed);
    String diffId = "sha256:" + Digests.hex(uncompressed);
    Properties p = new Properties();
    p.setProperty("digest", digest);
    p.setProperty("diffId", diffId);
    p.setProperty("unpackedSize", Long.toString(tarBytes.count));
    try (OutputStream out = Files.newOutputStream(facts)) {
      p.store(out, layer.name());
    }
    Files.move(partial, blob, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new LayerBlob(layer.name(), blob, digest, Files.size(blob), diffId, tarBytes.count);
  }

  /** Deletes the cached layers that no layer written since this writer was made uses. */
  void forgetUnused() throws IOException {
    if (!Files.isDirectory(cacheDirectory)) {
      return;
    }
    try (Stream<Path> files = Files.list(cacheDirectory)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (!used.contains(name.substring(0, name.indexOf('.') < 0 ? name.length() : name.indexOf('.')))) {
          Files.delete(file);
        }
      }
    }
  }

  /** Every entry of the layer by its path in the image (no leading slash), directories included. */
  static Map<String, Entry> entries(Layer layer) throws IOException {
    Map<String, Entry> entries = new TreeMap<>();
    for (Layer.Placement placement : layer.contents()) {
      String target = trim(placement.target());
      addParents(entries, target);
      Path source = placement.source();
      if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("Missing input of layer " + layer.name() + ": " + source);
      }
      try (Stream<Path> walk = Files.walk(source)) {
        walk.forEach(path -> {
          String relative = source.relativize(path).toString();
          String name = relative.isEmpty() ? target : target.isEmpty() ? relative : target + "/" + relative;
          if (name.isEmpty()) {
            return;
          }
          try {
            entries.put(name, Entry.of(name, path));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    for (Map.Entry<String, Layer.Attributes> override : layer.overrides().entrySet()) {
      String name = trim(override.getKey());
      Entry entry = entries.get(name);
      if (entry == null) {
        throw new IOException("Layer " + layer.name() + " has no entry " + override.getKey());
      }
      entries.put(name, entry.with(override.getValue()));
    }
    return entries;
  }

  private static void addParents(Map<String, Entry> entries, String target) {
    int slash = target.indexOf('/');
    while (slash > 0) {
      String parent = target.substring(0, slash);
      entries.putIfAbsent(parent, Entry.directory(parent));
      slash = target.indexOf('/', slash + 1);
    }
  }

  private static String trim(String path) {
    String trimmed = path;
    while (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed;
  }

  private static String listing(Map<String, Entry> entries) {
    StringBuilder listing = new StringBuilder(FORMAT).append('\n');
    entries.values().forEach(entry -> listing.append(entry.describe()).append('\n'));
    return listing.toString();
  }

  enum Type { DIRECTORY, FILE, SYMLINK }

  /** One tar entry and the host file it comes from (none for a directory the layer adds as a parent). */
  record Entry(String name, Type type, Path source, String linkTarget, long size, long modified, int mode, int uid,
               int gid) {

    static Entry directory(String name) {
      return new Entry(name, Type.DIRECTORY, null, null, 0, 0, 0755, 0, 0);
    }

    static Entry of(String name, Path path) throws IOException {
      if (Files.isSymbolicLink(path)) {
        return new Entry(name, Type.SYMLINK, path, Files.readSymbolicLink(path).toString(), 0, 0, 0777, 0, 0);
      }
      if (Files.isDirectory(path)) {
        return new Entry(name, Type.DIRECTORY, path, null, 0, 0, 0755, 0, 0);
      }
      int mode = Files.isExecutable(path) ? 0755 : 0644;
      return new Entry(name, Type.FILE, path, null, Files.size(path), Files.getLastModifiedTime(path).toMillis(),
          mode, 0, 0);
    }

    Entry with(Layer.Attributes attributes) {
      return new Entry(name, type, source, linkTarget, size, modified, attributes.mode(), attributes.uid(),
          attributes.gid());
    }

    String describe() {
      return String.join("\t", name, type.name(), String.valueOf(linkTarget), Long.toString(size),
          Long.toString(modified), Integer.toOctalString(mode), Integer.toString(uid), Integer.toString(gid));
    }

    void writeTo(TarArchiveOutputStream tar) throws IOException {
      TarArchiveEntry entry = switch (type) {
        case DIRECTORY -> new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
        case SYMLINK -> {
          TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
          link.setLinkName(linkTarget);
          yield link;
        }
        case FILE -> {
          TarArchiveEntry file = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
          file.setSize(size);
          yield file;
        }
      };
      entry.setMode(mode);
      entry.setIds(uid, gid);
      entry.setUserName("");
      entry.setGroupName("");
      entry.setModTime(EPOCH);
      tar.putArchiveEntry(entry);
      if (type == Type.FILE) {
        try (InputStream in = Files.newInputStream(source)) {
          long copied = in.transferTo(tar);
          if (copied != size) {
            throw new IOException(source + " changed while it was written into a layer");
          }
        }
      }
      tar.closeArchiveEntry();
    }
  }

  /** Counts the bytes of the uncompressed tar. */
  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
