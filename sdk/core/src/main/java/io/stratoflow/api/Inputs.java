package io.stratoflow.api;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * What a join step receives: one flow object per incoming branch, with that branch's
 * artifacts. Branches of a foreach are in foreach order; branches of a static split can also be
 * addressed by the name of the step that ends them.
 */
public final class Inputs<T extends FlowSpec> implements Iterable<T> {

    /** Loads the branches of a join; implemented by the runtime. */
    public interface Source<T> {
        int size();

        T load(int position);

        String stepOf(int position);
    }

    private final Source<T> source;

    public Inputs(Source<T> source) {
        this.source = source;
    }

    public int size() {
        return source.size();
    }

    public T get(int position) {
        if (position < 0 || position >= size()) {
            throw new IndexOutOfBoundsException("Input " + position + " does not exist; this join has " + size() + " inputs");
        }
        return source.load(position);
    }

    /** The input from the branch that ends with {@code step}. */
    public T get(String step) {
        for (int i = 0; i < size(); i++) {
            if (source.stepOf(i).equals(step)) {
                return source.load(i);
            }
        }
        throw new NoSuchElementException("No input comes from step '" + step + "'; inputs come from " + stepNames());
    }

    public Stream<T> stream() {
        return IntStream.range(0, size()).mapToObj(source::load);
    }

    @Override
    public Iterator<T> iterator() {
        return stream().iterator();
    }

    private String stepNames() {
        return IntStream.range(0, size()).mapToObj(source::stepOf).distinct().toList().toString();
    }
}
