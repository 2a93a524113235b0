package io.stratoflow.engine;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/**
 * The foreach indices that identify a task within its step, outermost first: empty outside any
 * foreach, {@code 3} in the fourth split of a foreach, {@code 3.1} inside a nested foreach.
 */
public final class IndexPath implements Comparable<IndexPath> {

    public static final IndexPath ROOT = new IndexPath(new int[0]);

    private final int[] indices;

    private IndexPath(int[] indices) {
        this.indices = indices;
    }

    public static IndexPath of(int... indices) {
        return indices.length == 0 ? ROOT : new IndexPath(indices.clone());
    }

    @JsonCreator
    public static IndexPath parse(String text) {
        if (text == null || text.isEmpty()) {
            return ROOT;
        }
        String[] parts = text.split("\\.");
        int[] indices = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            indices[i] = Integer.parseInt(parts[i]);
        }
        return new IndexPath(indices);
    }

    public int depth() {
        return indices.length;
    }

    public int get(int level) {
        return indices[level];
    }

    /** The innermost index, or 0 for the root. */
    public int last() {
        return indices.length == 0 ? 0 : indices[indices.length - 1];
    }

    /** This path without its innermost index. */
    public IndexPath parent() {
        return indices.length == 0 ? ROOT : new IndexPath(Arrays.copyOf(indices, indices.length - 1));
    }

    public IndexPath child(int index) {
        int[] longer = Arrays.copyOf(indices, indices.length + 1);
        longer[indices.length] = index;
        return new IndexPath(longer);
    }

    @JsonValue
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < indices.length; i++) {
            if (i > 0) {
                text.append('.');
            }
            text.append(indices[i]);
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IndexPath path && Arrays.equals(indices, path.indices);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(indices);
    }

    @Override
    public int compareTo(IndexPath other) {
        return Arrays.compare(indices, other.indices);
    }
}
