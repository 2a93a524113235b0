package io.stratoflow.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class IndexPathTest {

    @Test
    void pathsNavigateAndPrint() {
        IndexPath path = IndexPath.of(3, 1);
        assertThat(path).hasToString("3.1");
        assertThat(path.depth()).isEqualTo(2);
        assertThat(path.get(0)).isEqualTo(3);
        assertThat(path.last()).isEqualTo(1);
        assertThat(path.parent()).isEqualTo(IndexPath.of(3));
        assertThat(path.parent().parent()).isEqualTo(IndexPath.ROOT).hasSameHashCodeAs(IndexPath.ROOT);
        assertThat(IndexPath.ROOT.parent()).isSameAs(IndexPath.ROOT);
        assertThat(IndexPath.ROOT.child(4).child(0)).isEqualTo(IndexPath.of(4, 0));
        assertThat(IndexPath.of()).isSameAs(IndexPath.ROOT);
        assertThat(IndexPath.ROOT).hasToString("");
        assertThat(IndexPath.parse("12.0.7")).isEqualTo(IndexPath.of(12, 0, 7));
        assertThat(IndexPath.parse("")).isEqualTo(IndexPath.ROOT);
        assertThat(IndexPath.parse(IndexPath.of(5, 6).toString())).isEqualTo(IndexPath.of(5, 6)).hasSameHashCodeAs(IndexPath.of(5, 6));
    }

    @Test
    void ofCopiesItsArgument() {
        int[] indices = {1, 2};
        IndexPath path = IndexPath.of(indices);
        indices[0] = 9;
        assertThat(path).hasToString("1.2");
    }

    @Test
    void ordersNumericallyOuterFirst() {
        List<IndexPath> paths = new ArrayList<>(List.of(IndexPath.of(10), IndexPath.of(2, 1), IndexPath.ROOT, IndexPath.of(2), IndexPath.of(9)));
        paths.sort(null);
        assertThat(paths).containsExactly(IndexPath.ROOT, IndexPath.of(2), IndexPath.of(2, 1), IndexPath.of(9), IndexPath.of(10));
    }

    @Test
    void taskIds() {
        assertThat(TaskKey.root("start").taskId()).isEqualTo("0");
        assertThat(new TaskKey("train", IndexPath.of(4, 2))).hasToString("train/4.2");
        assertThat(TaskKey.root("a").compareTo(new TaskKey("a", IndexPath.of(0)))).isNegative();
        assertThat(TaskKey.root("a").compareTo(TaskKey.root("b"))).isNegative();
    }

    @Test
    void jsonAsValuesAndAsMapKeys() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Map<IndexPath, Integer> map = new TreeMap<>(Map.of(IndexPath.ROOT, 1, IndexPath.of(2, 3), 4));
        String json = mapper.writeValueAsString(map);
        assertThat(json).isEqualTo("{\"\":1,\"2.3\":4}");
        Map<IndexPath, Integer> back = mapper.readValue(json, mapper.getTypeFactory().constructMapType(TreeMap.class, IndexPath.class, Integer.class));
        assertThat(back).isEqualTo(map);
        TaskKey key = new TaskKey("train", IndexPath.of(7));
        assertThat(mapper.writeValueAsString(key)).isEqualTo("{\"step\":\"train\",\"path\":\"7\"}");
        assertThat(mapper.readValue(mapper.writeValueAsString(key), TaskKey.class)).isEqualTo(key);
    }
}
