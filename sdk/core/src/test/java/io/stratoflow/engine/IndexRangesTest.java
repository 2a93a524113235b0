package io.stratoflow.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Iterator;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexRangesTest {

    @Test
    void addMergesAdjacentIndices() {
        IndexRanges ranges = new IndexRanges();
        ranges.add(3);
        ranges.add(5);
        assertThat(ranges).hasToString("3,5");
        assertThat(ranges.rangeCount()).isEqualTo(2);
        ranges.add(4);
        assertThat(ranges).hasToString("3-5");
        assertThat(ranges.rangeCount()).isEqualTo(1);
        ranges.add(2);
        ranges.add(6);
        assertThat(ranges).hasToString("2-6");
        assertThat(ranges.size()).isEqualTo(5);
        ranges.add(4);
        assertThat(ranges.size()).isEqualTo(5);
    }

    @Test
    void addRangeMergesOverlappingAndAdjacentRanges() {
        IndexRanges ranges = IndexRanges.parse("0-1,5-6,10,20-22");
        ranges.addRange(2, 5); // touches both 0-1 and 5-6
        assertThat(ranges).hasToString("0-6,10,20-22");
        ranges.addRange(9, 21); // swallows 10, overlaps 20-22
        assertThat(ranges).hasToString("0-6,9-22");
        assertThat(ranges.size()).isEqualTo(7 + 14);
        ranges.addRange(30, 30); // empty
        assertThat(ranges).hasToString("0-6,9-22");
        ranges.addRange(7, 9);
        assertThat(ranges).hasToString("0-22");
        assertThat(ranges.rangeCount()).isEqualTo(1);
        ranges.addRange(40, 50);
        ranges.addRange(25, 30);
        assertThat(ranges).hasToString("0-22,25-29,40-49");
        ranges.addRange(0, 100);
        assertThat(ranges).hasToString("0-99");
        assertThat(ranges.size()).isEqualTo(100);
    }

    @Test
    void addRangeRejectsBadBounds() {
        IndexRanges ranges = new IndexRanges();
        assertThatThrownBy(() -> ranges.addRange(-1, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ranges.addRange(5, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void removeSplitsShrinksAndDeletesRanges() {
        IndexRanges ranges = IndexRanges.range(0, 10);
        ranges.remove(5);
        assertThat(ranges).hasToString("0-4,6-9");
        ranges.remove(0);
        assertThat(ranges).hasToString("1-4,6-9");
        ranges.remove(9);
        assertThat(ranges).hasToString("1-4,6-8");
        ranges.remove(7);
        assertThat(ranges).hasToString("1-4,6,8");
        ranges.remove(6);
        assertThat(ranges).hasToString("1-4,8");
        ranges.remove(100);
        ranges.remove(5);
        assertThat(ranges).hasToString("1-4,8");
        assertThat(ranges.size()).isEqualTo(5);
        assertThat(ranges.contains(4)).isTrue();
        assertThat(ranges.contains(5)).isFalse();
        assertThat(ranges.contains(0)).isFalse();
    }

    @Test
    void pollFirstTakesTheSmallest() {
        IndexRanges ranges = IndexRanges.parse("7,3-4");
        assertThat(ranges.pollFirst()).isEqualTo(3);
        assertThat(ranges.pollFirst()).isEqualTo(4);
        assertThat(ranges.first()).isEqualTo(7);
        assertThat(ranges.pollFirst()).isEqualTo(7);
        assertThat(ranges.isEmpty()).isTrue();
        assertThatThrownBy(ranges::pollFirst).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void textRoundTrip() {
        IndexRanges ranges = IndexRanges.range(0, 1000);
        ranges.remove(998);
        assertThat(ranges).hasToString("0-997,999");
        assertThat(IndexRanges.parse("0-997,999")).isEqualTo(ranges);
        assertThat(IndexRanges.parse("0-997,999").size()).isEqualTo(999);
        assertThat(IndexRanges.parse(" 0 - 2 , 5 ")).hasToString("0-2,5");
        assertThat(IndexRanges.parse("")).hasToString("").satisfies(r -> assertThat(r.isEmpty()).isTrue());
        assertThat(IndexRanges.parse(null).isEmpty()).isTrue();
        // Non-canonical input is normalized.
        assertThat(IndexRanges.parse("4,0-2,3")).hasToString("0-4");
    }

    @Test
    void copyIsIndependent() {
        IndexRanges original = IndexRanges.parse("0-9");
        IndexRanges copy = original.copy();
        copy.remove(5);
        copy.addRange(20, 30);
        assertThat(original).hasToString("0-9");
        assertThat(copy).hasToString("0-4,6-9,20-29");
        original.add(10);
        assertThat(copy).hasToString("0-4,6-9,20-29");
    }

    @Test
    void jsonIsTheText() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        IndexRanges ranges = IndexRanges.parse("0-997,999");
        assertThat(mapper.writeValueAsString(ranges)).isEqualTo("\"0-997,999\"");
        assertThat(mapper.readValue("\"0-997,999\"", IndexRanges.class)).isEqualTo(ranges);
    }

    /** Text form computed from the model, independently of the class under test. */
    private static String text(TreeSet<Integer> model) {
        StringBuilder text = new StringBuilder();
        Iterator<Integer> it = model.iterator();
        Integer start = null;
        Integer previous = null;
        while (it.hasNext()) {
            int value = it.next();
            if (start == null) {
                start = value;
            } else if (value != previous + 1) {
                appendRange(text, start, previous);
                start = value;
            }
            previous = value;
        }
        if (start != null) {
            appendRange(text, start, previous);
        }
        return text.toString();
    }

    private static void appendRange(StringBuilder text, int start, int end) {
        if (text.length() > 0) {
            text.append(',');
        }
        text.append(start);
        if (end > start) {
            text.append('-').append(end);
        }
    }

    private static int runs(TreeSet<Integer> model) {
        int runs = 0;
        Integer previous = null;
        for (int value : model) {
            if (previous == null || value != previous + 1) {
                runs++;
            }
            previous = value;
        }
        return runs;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234567, -99})
    void behavesLikeATreeSet(long seed) {
        Random random = new Random(seed);
        int universe = 10 + random.nextInt(300);
        IndexRanges ranges = new IndexRanges();
        TreeSet<Integer> model = new TreeSet<>();
        for (int op = 0; op < 5000; op++) {
            int choice = random.nextInt(10);
            int index = random.nextInt(universe);
            String what;
            if (choice < 3) {
                what = "add " + index;
                ranges.add(index);
                model.add(index);
            } else if (choice < 5) {
                int to = Math.min(universe, index + random.nextInt(12));
                what = "addRange " + index + " " + to;
                ranges.addRange(index, to);
                for (int i = index; i < to; i++) {
                    model.add(i);
                }
            } else if (choice < 8) {
                what = "remove " + index;
                ranges.remove(index);
                model.remove(index);
            } else if (choice < 9) {
                what = "pollFirst";
                if (model.isEmpty()) {
                    assertThat(ranges.isEmpty()).isTrue();
                } else {
                    assertThat(ranges.pollFirst()).as("seed %d op %d", seed, op).isEqualTo(model.pollFirst());
                }
            } else {
                what = "copy and round trip";
                IndexRanges copy = ranges.copy();
                ranges = IndexRanges.parse(copy.toString());
                copy.add(universe + 5); // the copy must not share storage with the original
            }
            String context = "seed " + seed + ", op " + op + " (" + what + ")";
            assertThat(ranges.toString()).as(context).isEqualTo(text(model));
            assertThat(ranges.size()).as(context).isEqualTo(model.size());
            assertThat(ranges.isEmpty()).as(context).isEqualTo(model.isEmpty());
            assertThat(ranges.rangeCount()).as(context).isEqualTo(runs(model));
            if (!model.isEmpty()) {
                assertThat(ranges.first()).as(context).isEqualTo(model.first());
            }
            int probe = random.nextInt(universe + 2);
            assertThat(ranges.contains(probe)).as(context + " contains " + probe).isEqualTo(model.contains(probe));
            assertThat(IndexRanges.parse(ranges.toString())).as(context).isEqualTo(ranges);
        }
        // A full scan at the end.
        for (int i = 0; i <= universe; i++) {
            assertThat(ranges.contains(i)).isEqualTo(model.contains(i));
        }
    }
}
