package io.stratoflow.task.code;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What a code package holds: its entries in classpath order. Stored as a small JSON document
 * whose SHA-256 is the package id, so the same entries always give the same id:
 *
 * <pre>{"format":"stratoflow-code-package/1","entries":[{"name":"classes.jar","sha256":"…","size":1234},…]}</pre>
 *
 * @param entries in the order the class loader searches them
 */
public record CodeManifest(List<Entry> entries) {

    /** The format this version writes and reads. */
    public static final String FORMAT = "stratoflow-code-package/1";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One jar of the package.
     *
     * @param name   the file name it had on the classpath, for people ({@code classes.jar} for a
     *               packed classes directory named {@code classes})
     * @param sha256 its content address in the datastore
     * @param size   its length in bytes
     */
    public record Entry(String name, String sha256, long size) {
        public Entry {
            if (name == null || name.isBlank() || !Sha256.isHash(sha256) || size < 0) {
                throw new IllegalArgumentException("not a code package entry: " + name + " " + sha256 + " " + size);
            }
        }
    }

    public CodeManifest {
        entries = List.copyOf(entries);
    }

    /** Writes the manifest; the same entries always give the same bytes. */
    public void writeTo(OutputStream out) throws IOException {
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            json.writeStringField("format", FORMAT);
            json.writeArrayFieldStart("entries");
            for (Entry entry : entries) {
                json.writeStartObject();
                json.writeStringField("name", entry.name());
                json.writeStringField("sha256", entry.sha256());
                json.writeNumberField("size", entry.size());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    /**
     * Reads a manifest.
     *
     * @throws CodePackageException when the bytes are not a manifest this version can read
     */
    public static CodeManifest readFrom(InputStream in, String packageId) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new CodePackageException("object " + packageId + " is not a code package: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("entries").isArray()) {
            throw new CodePackageException("object " + packageId + " is not a code package: it has no list of entries");
        }
        String format = root.path("format").asText();
        if (!FORMAT.equals(format)) {
            throw new CodePackageException("code package " + packageId + " has format '" + format + "', this task runner reads "
                    + FORMAT + ": package the flow with the same Stratoflow version as the task image");
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode entry : root.get("entries")) {
            try {
                entries.add(new Entry(entry.path("name").asText(), entry.path("sha256").asText(), entry.path("size").asLong(-1)));
            } catch (IllegalArgumentException e) {
                throw new CodePackageException("code package " + packageId + " has a broken entry: " + entry, e);
            }
        }
        return new CodeManifest(entries);
    }
}
