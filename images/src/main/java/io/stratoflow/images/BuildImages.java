package io.stratoflow.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds the product's images into {@code <output>/<name>.oci.tar} and lists them (reference, manifest digest, sizes)
 * in {@code <output>/images.properties}. Run by the images module in package; see docs/operations.md, "Container images".
 */
public final class BuildImages {

  private BuildImages() {
  }

  public static void main(String[] args) throws IOException {
    long start = System.nanoTime();
    BuildOptions options = BuildOptions.parse(args);
    List<OciArchiveWriter.Written> written = build(options);
    StringBuilder properties = new StringBuilder("# The images the images module built: reference, manifest digest, "
        + "image ID (the configuration's digest), size of the compressed blobs and of the unpacked layers, in bytes.\n");
    for (OciArchiveWriter.Written image : written) {
      String name = image.archive().getFileName().toString().replace(".oci.tar", "");
      properties.append(name).append(".reference=").append(image.reference()).append('\n')
          .append(name).append(".digest=").append(image.manifestDigest()).append('\n')
          .append(name).append(".imageId=").append(image.imageId()).append('\n')
          .append(name).append(".size=").append(image.size()).append('\n')
          .append(name).append(".unpackedSize=").append(image.unpackedSize()).append('\n')
          .append(name).append(".archive=").append(image.archive().getFileName()).append('\n');
      System.out.printf(Locale.ROOT, "[images] %-30s %s  %6.1f MB compressed, %6.1f MB unpacked  %s%n",
          image.reference(), image.manifestDigest(), image.size() / 1e6, image.unpackedSize() / 1e6,
          image.archive().startsWith(options.checkout()) ? options.checkout().relativize(image.archive())
              : image.archive());
    }
    Files.writeString(options.output().resolve("images.properties"), properties);
    System.out.printf(Locale.ROOT, "[images] built in %.1f s%n", (System.nanoTime() - start) / 1e9);
  }

  static List<OciArchiveWriter.Written> build(BuildOptions options) throws IOException {
    List<OciArchiveWriter.Written> written = new ArrayList<>();
    ImageBuilder builder = new ImageBuilder(options.layerCache());
    for (ImageDefinition image : definitions(options)) {
      written.add(builder.build(image, options.output().resolve(image.name() + ".oci.tar")));
    }
    builder.forgetUnusedLayers();
    return written;
  }

  /** The images, with their OS root filesystem and Java runtime made (or taken from the cache). */
  static List<ImageDefinition> definitions(BuildOptions options) throws IOException {
    ImageDefinitions images = new ImageDefinitions(options.checkout(), options.version());
    Path cache = options.cache();
    Path osRoot = new OsRootfs(new DebianPackages(cache.resolve("debian")), cache.resolve("rootfs")).assemble();
    JavaRuntime java = new JavaRuntime(options.jdk(), cache.resolve("java"));
    Set<String> modules = java.modules(images.classpath());
    System.out.println("[images] Java modules: " + String.join(",", modules));
    return images.all(osRoot, java.link(modules));
  }
}
