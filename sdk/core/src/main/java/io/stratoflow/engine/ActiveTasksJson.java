package io.stratoflow.engine;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes running and retrying tasks grouped by step, foreach split, attempt and start time, with
 * their innermost indices as ranges: the tasks one decision starts share all four, so ten
 * thousand running splits take one short entry instead of ten thousand.
 */
final class ActiveTasksJson {

    private record Group(String step, String prefix, boolean root, int attempt, long since) {
    }

    private ActiveTasksJson() {
    }

    static final class Serializer extends JsonSerializer<List<ActiveTask>> {
        @Override
        public void serialize(List<ActiveTask> tasks, JsonGenerator out, SerializerProvider provider) throws IOException {
            Map<Group, IndexRanges> groups = new LinkedHashMap<>();
            for (ActiveTask task : tasks) {
                IndexPath path = task.task().path();
                Group group = new Group(task.task().step(), path.parent().toString(), path.depth() == 0, task.attempt(), task.sinceMillis());
                groups.computeIfAbsent(group, g -> new IndexRanges()).add(path.last());
            }
            out.writeStartArray();
            for (Map.Entry<Group, IndexRanges> entry : groups.entrySet()) {
                Group group = entry.getKey();
                out.writeStartObject();
                out.writeStringField("step", group.step());
                if (!group.root()) {
                    out.writeStringField("prefix", group.prefix());
                    out.writeStringField("indices", entry.getValue().toString());
                }
                out.writeNumberField("attempt", group.attempt());
                out.writeNumberField("since", group.since());
                out.writeEndObject();
            }
            out.writeEndArray();
        }
    }

    static final class Deserializer extends JsonDeserializer<List<ActiveTask>> {
        @Override
        public List<ActiveTask> deserialize(JsonParser in, DeserializationContext context) throws IOException {
            JsonNode array = in.readValueAsTree();
            List<ActiveTask> tasks = new ArrayList<>();
            for (JsonNode group : array) {
                String step = group.get("step").asText();
                int attempt = group.get("attempt").asInt();
                long since = group.get("since").asLong();
                if (!group.has("indices")) {
                    tasks.add(new ActiveTask(TaskKey.root(step), attempt, since));
                    continue;
                }
                IndexPath prefix = IndexPath.parse(group.get("prefix").asText());
                IndexRanges indices = IndexRanges.parse(group.get("indices").asText());
                while (!indices.isEmpty()) {
                    tasks.add(new ActiveTask(new TaskKey(step, prefix.child(indices.pollFirst())), attempt, since));
                }
            }
            return tasks;
        }
    }
}
