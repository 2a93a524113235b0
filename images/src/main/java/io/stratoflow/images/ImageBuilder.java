package io.stratoflow.images;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns an image definition into an OCI archive: each layer written (or taken from the cache), then the archive. */
final class ImageBuilder {

  private final LayerWriter layers;
  private final OciArchiveWriter archives = new OciArchiveWriter();

  ImageBuilder(Path layerCache) {
    this.layers = new LayerWriter(layerCache);
  }

  OciArchiveWriter.Written build(ImageDefinition image, Path archive) throws IOException {
    List<LayerBlob> blobs = new ArrayList<>();
    for (Layer layer : image.layers()) {
      blobs.add(layers.write(layer));
    }
    return archives.write(image, blobs, archive);
  }

  /** Drops cached layers that none of the images built by this builder uses. */
  void forgetUnusedLayers() throws IOException {
    layers.forgetUnused();
  }
}
