package io.stratoflow.view;

/** An artifact of a task: its name, its Java type and a preview of its value as JSON, cut at a size. */
public record ArtifactView(String name, String type, String preview, boolean truncated) {
}
