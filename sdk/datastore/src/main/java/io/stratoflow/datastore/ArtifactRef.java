package io.stratoflow.datastore;

/**
 * A stored artifact: the hash of its content and the declared Java type it was written as.
 *
 * @param type the field's generic type, e.g. {@code java.util.List<java.lang.String>}
 */
public record ArtifactRef(String hash, String type) {
}
