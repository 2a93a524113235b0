package io.stratoflow.task.runner;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.definition.FlowDefinition;
import io.stratoflow.definition.FlowIntrospector;
import io.stratoflow.definition.ParameterDefinition;
import io.stratoflow.engine.RunPhase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task runner of an SDK step inside a Pod: reads the task's context from the environment
 * the operator set, runs the step like a local worker does, and reports a foreach's split count
 * through the container's termination message.
 */
public final class PodTaskMain {

    static final Path TERMINATION_LOG = Path.of("/dev/termination-log");

    private PodTaskMain() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> env = System.getenv();
        TaskResult result = run(env);
        String message = result.succeeded()
                ? (result.splits() == null ? "{}" : "{\"splits\":" + result.splits() + "}")
                : result.reason() + "\n" + result.failure().stackTrace();
        Path log = Path.of(env.getOrDefault("STRATOFLOW_TERMINATION_LOG", TERMINATION_LOG.toString()));
        if (Files.isWritable(log) || Files.isWritable(log.getParent())) {
            Files.writeString(log, message.length() > 4000 ? message.substring(0, 4000) : message, StandardCharsets.UTF_8);
        }
        if (!result.succeeded()) {
            System.err.println(message);
            System.exit(1);
        }
    }

    static TaskResult run(Map<String, String> env) throws IOException {
        String root = required(env, "STRATOFLOW_DATASTORE");
        if (root.contains("://")) {
            throw new IllegalArgumentException("STRATOFLOW_DATASTORE=" + root + ": this task runner reads a datastore mounted as a "
                    + "directory; mount it and give its path");
        }
        String flowClass = required(env, "STRATOFLOW_FLOW_CLASS");
        String runId = required(env, "STRATOFLOW_RUN");
        FlowDefinition definition = definition(flowClass);
        Datastore datastore = new Datastore(Path.of(root));
        ensureRunRecord(datastore, definition, runId, env.getOrDefault("STRATOFLOW_PARAMETERS", "{}"));
        List<TaskRequest.TaskRef> parents = new ArrayList<>();
        TaskRequest.Branches branches = null;
        JsonNode inputs = Json.METADATA.readTree(env.getOrDefault("STRATOFLOW_INPUTS", "{}"));
        if (inputs.has("parents")) {
            for (String parent : inputs.get("parents").asText().split(",")) {
                int slash = parent.lastIndexOf('/');
                parents.add(new TaskRequest.TaskRef(parent.substring(0, slash), parent.substring(slash + 1)));
            }
        } else if (inputs.has("branches")) {
            JsonNode b = inputs.get("branches");
            branches = new TaskRequest.Branches(b.get("step").asText(), b.get("prefix").asText(), b.get("count").asInt());
        }
        TaskRequest request = new TaskRequest(flowClass, datastore.root().toString(), definition.name(), runId,
                required(env, "STRATOFLOW_STEP"), required(env, "STRATOFLOW_TASK_ID"), Integer.parseInt(env.getOrDefault("STRATOFLOW_ATTEMPT", "0")),
                parents, branches);
        return new TaskExecutor(PodTaskMain.class.getClassLoader()).execute(request);
    }

    /** The first task of a run on the cluster writes the run's record with its parameters; later ones find it. */
    @SuppressWarnings("unchecked")
    private static FlowDefinition definition(String flowClass) {
        try {
            return FlowIntrospector.inspect((Class<? extends FlowSpec>) Class.forName(flowClass));
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("Flow class " + flowClass + " is not in this image", e);
        }
    }

    private static void ensureRunRecord(Datastore datastore, FlowDefinition definition, String runId, String parametersJson)
            throws IOException {
        String flow = definition.name();
        if (datastore.runs().readRun(flow, runId).isPresent()) {
            return;
        }
        Map<String, String> given = Json.METADATA.readValue(parametersJson, new TypeReference<Map<String, String>>() { });
        Map<String, ArtifactRef> parameters = new LinkedHashMap<>();
        for (ParameterDefinition parameter : definition.parameters()) {
            Object value = parameter.defaultValue();
            String text = given.get(parameter.name());
            if (text != null) {
                value = parameter.type() == String.class ? text
                        : Json.ARTIFACTS.readValue(text, Json.ARTIFACTS.constructType(parameter.field().getGenericType()));
            }
            parameters.put(parameter.name(), datastore.artifacts().write(parameter.name(), parameter.field().getGenericType(), value));
        }
        datastore.runs().writeRun(new RunRecord(flow, runId, definition.type().getName(), RunPhase.RUNNING, System.currentTimeMillis(), null, null,
                parameters, null, null));
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Environment variable " + name + " is not set; the Stratoflow operator sets it on task Pods");
        }
        return value;
    }
}
