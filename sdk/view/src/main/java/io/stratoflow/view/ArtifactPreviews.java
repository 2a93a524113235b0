package io.stratoflow.view;

import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Previews of artifacts: the first bytes of each stored value (artifacts are stored as JSON),
 * read as a stream and cut, so a large artifact costs no more than its preview.
 */
public final class ArtifactPreviews {

    private ArtifactPreviews() {
    }

    public static List<ArtifactView> of(Datastore datastore, Map<String, ArtifactRef> artifacts, int previewBytes) {
        List<ArtifactView> views = new ArrayList<>();
        for (Map.Entry<String, ArtifactRef> artifact : new TreeMap<>(artifacts).entrySet()) {
            views.add(preview(datastore, artifact.getKey(), artifact.getValue(), previewBytes));
        }
        return views;
    }

    private static ArtifactView preview(Datastore datastore, String name, ArtifactRef ref, int previewBytes) {
        try (InputStream in = datastore.content().open(ref.hash())) {
            byte[] head = in.readNBytes(previewBytes + 1);
            boolean truncated = head.length > previewBytes;
            String text = new String(head, 0, Math.min(head.length, previewBytes), StandardCharsets.UTF_8);
            return new ArtifactView(name, ref.type(), text, truncated);
        } catch (IOException | RuntimeException e) {
            return new ArtifactView(name, ref.type(), "(cannot be read: " + e.getMessage() + ")", false);
        }
    }
}
