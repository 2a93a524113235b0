package io.stratoflow.images;

import java.nio.file.Path;

/**
 * A written layer: its gzip-compressed tar, the digest and size of that file, and the digest of the uncompressed tar
 * (the "diff ID" of the image configuration).
 */
record LayerBlob(String name, Path file, String digest, long size, String diffId, long unpackedSize) {
}
