package io.stratoflow.datastore;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectWriter;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;

/**
 * Writes and reads artifacts as JSON according to the declared type of the field that holds
 * them, so reading never needs type information from the data and never runs Java
 * deserialization.
 */
public final class ArtifactCodec {

    private final ContentStore store;

    public ArtifactCodec(ContentStore store) {
        this.store = store;
    }

    public ArtifactRef write(String name, Type declaredType, Object value) {
        JavaType type = Json.ARTIFACTS.constructType(declaredType);
        checkStorable(name, type);
        ObjectWriter writer = Json.ARTIFACTS.writerFor(type).without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        try {
            String hash = store.put(out -> writer.writeValue(out, value));
            return new ArtifactRef(hash, type.toCanonical());
        } catch (IOException | RuntimeException e) {
            DatastoreException unreachable = storageFailure(e);
            if (unreachable != null) {
                throw new DatastoreException("Artifact '" + name + "' cannot be stored: " + unreachable.getMessage(), unreachable);
            }
            throw new ArtifactSerializationException("Artifact '" + name + "' of type " + type.toCanonical()
                    + " cannot be stored: " + rootMessage(e) + ". Artifacts are stored as JSON by their declared type: use "
                    + "records, collections or classes with a no-argument constructor and properties, or mark the field "
                    + "transient to keep it out of the datastore.", e);
        }
    }

    public Object read(String name, ArtifactRef ref, Type declaredType) {
        JavaType type = Json.ARTIFACTS.constructType(declaredType);
        try (InputStream in = store.open(ref.hash())) {
            return Json.ARTIFACTS.readerFor(type).readValue(in);
        } catch (IOException | RuntimeException e) {
            DatastoreException unreachable = storageFailure(e);
            if (unreachable != null) {
                throw new DatastoreException("Artifact '" + name + "' cannot be read: " + unreachable.getMessage(), unreachable);
            }
            throw new ArtifactSerializationException("Artifact '" + name + "' (stored as " + ref.type() + ") cannot be read as "
                    + type.toCanonical() + ": " + rootMessage(e), e);
        }
    }

    /** Reads an artifact without knowing its Java type: maps, lists, strings, numbers. */
    public Object readUntyped(String name, ArtifactRef ref) {
        return read(name, ref, Object.class);
    }

    private static void checkStorable(String name, JavaType type) {
        Class<?> raw = type.getRawClass();
        boolean abstractType = raw.isInterface() || Modifier.isAbstract(raw.getModifiers());
        boolean containerOrValue = Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)
                || raw.isPrimitive() || Number.class.isAssignableFrom(raw) || raw.isArray() || raw.isEnum();
        if (raw == Object.class || abstractType && !containerOrValue) {
            throw new ArtifactSerializationException("Artifact '" + name + "' is declared as " + type.toCanonical()
                    + ", which says nothing about how to read it back. Declare the field with a concrete type "
                    + "(a record, a collection, a class with a no-argument constructor) or mark it transient.", null);
        }
    }

    /** The storage's own failure (a missing bucket, refused credentials…), however the JSON library wrapped it. */
    private static DatastoreException storageFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DatastoreException datastore) {
                return datastore;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
