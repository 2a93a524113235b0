package io.stratoflow.engine;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/**
 * A set of non-negative integers kept as sorted, disjoint, non-adjacent ranges, written like a
 * Kubernetes Indexed Job's {@code completedIndexes}: {@code "0-997,999"}. Finished foreach splits
 * are recorded this way so that a run's state stays small at any fan-out.
 */
public final class IndexRanges {

    /** Pairs of [start, end) bounds; only the first {@code 2 * count} entries are used. */
    private int[] bounds = new int[4];
    private int count;
    private int size;

    public IndexRanges() {
    }

    public static IndexRanges range(int fromInclusive, int toExclusive) {
        IndexRanges ranges = new IndexRanges();
        ranges.addRange(fromInclusive, toExclusive);
        return ranges;
    }

    @JsonCreator
    public static IndexRanges parse(String text) {
        IndexRanges ranges = new IndexRanges();
        if (text == null || text.isBlank()) {
            return ranges;
        }
        for (String part : text.split(",")) {
            int dash = part.indexOf('-');
            if (dash < 0) {
                int index = Integer.parseInt(part.trim());
                ranges.addRange(index, index + 1);
            } else {
                ranges.addRange(Integer.parseInt(part.substring(0, dash).trim()), Integer.parseInt(part.substring(dash + 1).trim()) + 1);
            }
        }
        return ranges;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Number of ranges, which is what the text form's length depends on. */
    public int rangeCount() {
        return count;
    }

    public boolean contains(int index) {
        int position = find(index);
        return position >= 0 && index < bounds[2 * position + 1];
    }

    public int first() {
        if (size == 0) {
            throw new IllegalStateException("empty");
        }
        return bounds[0];
    }

    public void add(int index) {
        addRange(index, index + 1);
    }

    /** Adds every index in [from, to). */
    public void addRange(int from, int to) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("bad range [" + from + ", " + to + ")");
        }
        if (from == to) {
            return;
        }
        // Merge with every range that overlaps or touches [from, to).
        int first = 0;
        while (first < count && bounds[2 * first + 1] < from) {
            first++;
        }
        int last = first;
        int newFrom = from;
        int newTo = to;
        while (last < count && bounds[2 * last] <= to) {
            newFrom = Math.min(newFrom, bounds[2 * last]);
            newTo = Math.max(newTo, bounds[2 * last + 1]);
            size -= bounds[2 * last + 1] - bounds[2 * last];
            last++;
        }
        int removed = last - first;
        if (removed == 0) {
            ensureCapacity(count + 1);
            System.arraycopy(bounds, 2 * first, bounds, 2 * first + 2, 2 * (count - first));
            count++;
        } else if (removed > 1) {
            System.arraycopy(bounds, 2 * last, bounds, 2 * first + 2, 2 * (count - last));
            count -= removed - 1;
        }
        bounds[2 * first] = newFrom;
        bounds[2 * first + 1] = newTo;
        size += newTo - newFrom;
    }

    public void remove(int index) {
        int position = find(index);
        if (position < 0 || index >= bounds[2 * position + 1]) {
            return;
        }
        int start = bounds[2 * position];
        int end = bounds[2 * position + 1];
        size--;
        if (start == index && end == index + 1) {
            System.arraycopy(bounds, 2 * position + 2, bounds, 2 * position, 2 * (count - position - 1));
            count--;
        } else if (start == index) {
            bounds[2 * position] = index + 1;
        } else if (end == index + 1) {
            bounds[2 * position + 1] = index;
        } else {
            ensureCapacity(count + 1);
            System.arraycopy(bounds, 2 * position + 2, bounds, 2 * position + 4, 2 * (count - position - 1));
            count++;
            bounds[2 * position + 1] = index;
            bounds[2 * position + 2] = index + 1;
            bounds[2 * position + 3] = end;
        }
    }

    /** Removes and returns the smallest index. */
    public int pollFirst() {
        int first = first();
        remove(first);
        return first;
    }

    /** Position of the last range starting at or before {@code index}, or -1. */
    private int find(int index) {
        int low = 0;
        int high = count - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (bounds[2 * mid] <= index) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    private void ensureCapacity(int ranges) {
        if (bounds.length < 2 * ranges) {
            bounds = Arrays.copyOf(bounds, Math.max(2 * ranges, bounds.length * 2));
        }
    }

    public IndexRanges copy() {
        IndexRanges copy = new IndexRanges();
        copy.bounds = Arrays.copyOf(bounds, Math.max(4, 2 * count));
        copy.count = count;
        copy.size = size;
        return copy;
    }

    @JsonValue
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                text.append(',');
            }
            int start = bounds[2 * i];
            int end = bounds[2 * i + 1] - 1;
            text.append(start);
            if (end > start) {
                text.append('-').append(end);
            }
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IndexRanges ranges && toString().equals(ranges.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
