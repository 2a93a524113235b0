package io.stratoflow.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.List;

/**
 * The one encoding of a {@link TaskSpec} (single-line JSON), and of the report a finished task
 * leaves in its Pod's termination message. Executors and the task runner use only this class,
 * so the names on the wire are written in one place.
 */
public final class TaskSpecCodec {

    /** The environment variable that carries the spec into a task's container: {@link EnvironmentNames#TASK}. */
    public static final String ENVIRONMENT_VARIABLE = EnvironmentNames.TASK;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .build();

    private TaskSpecCodec() {
    }

    public static String encode(TaskSpec spec) {
        return write(spec);
    }

    public static TaskSpec decode(String text) {
        try {
            return JSON.readValue(text, TaskSpec.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a task description (" + e.getOriginalMessage() + "): "
                    + (text.length() > 200 ? text.substring(0, 200) + "…" : text), e);
        }
    }

    /**
     * The tasks the spec's task starts from, as the spec's own {@code parents} and {@code branches} fields: the value of
     * {@link EnvironmentNames#INPUTS}, {@code {"parents":[{"step":"start","taskId":"0"}]}},
     * {@code {"branches":{"step":"work","prefix":"","count":3}}}, or {@code {}} for a run's first task. {@link #decode}
     * reads it as a spec with only those fields.
     */
    public static String encodeInputs(TaskSpec spec) {
        return write(new Inputs(spec.parents(), spec.branches()));
    }

    public static String encode(TaskReport report) {
        return write(report);
    }

    /** Reads a termination message; null when it is not a report (a plain container's text, a crash's log tail). */
    public static TaskReport decodeReport(String text) {
        if (text == null || !text.strip().startsWith("{")) {
            return null;
        }
        try {
            return JSON.readValue(text, TaskReport.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The input fields of a {@link TaskSpec}, without the empty one. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    private record Inputs(List<TaskSpec.TaskRef> parents, TaskSpec.Branches branches) {
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode " + value + ": " + e.getOriginalMessage(), e);
        }
    }
}
