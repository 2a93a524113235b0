package io.stratoflow.client;

import com.fasterxml.jackson.databind.JavaType;
import io.stratoflow.api.TaskFailure;
import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.TaskRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/** One task: status, artifacts and logs. */
public final class TaskRef {

    private final Datastore datastore;
    private final RunRecord run;
    private final TaskRecord record;

    TaskRef(Datastore datastore, RunRecord run, TaskRecord record) {
        this.datastore = datastore;
        this.run = run;
        this.record = record;
    }

    public String id() {
        return record.taskId();
    }

    public String step() {
        return record.step();
    }

    /** SUCCEEDED, FAILED, CAUGHT or CLONED. */
    public String status() {
        return record.status();
    }

    public int attempt() {
        return record.attempt();
    }

    public TaskFailure failure() {
        return record.failure();
    }

    public Set<String> artifactNames() {
        return record.artifacts().keySet();
    }

    /** An artifact read as the type its field was declared with, when that class is available here. */
    public Object artifact(String name) {
        return readDeclared(datastore, name, ref(name));
    }

    public <T> T artifact(String name, Class<T> type) {
        return type.cast(datastore.artifacts().read(name, ref(name), type));
    }

    public String stdout() {
        return log("stdout");
    }

    public String stderr() {
        return log("stderr");
    }

    private ArtifactRef ref(String name) {
        ArtifactRef ref = record.artifacts().get(name);
        if (ref == null) {
            throw new IllegalArgumentException("Task " + run.runId() + "/" + record.step() + "/" + record.taskId() + " has no artifact '"
                    + name + "'; it has " + record.artifacts().keySet());
        }
        return ref;
    }

    /** The latest attempt's log, from a local or an S3 datastore alike. */
    private String log(String stream) {
        return datastore.runs().openLatestLog(run.flow(), run.runId(), record.step(), record.taskId(), stream).map(in -> {
            try (in) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).orElse("");
    }

    static Object readDeclared(Datastore datastore, String name, ArtifactRef ref) {
        JavaType type;
        try {
            type = Json.ARTIFACTS.getTypeFactory().constructFromCanonical(ref.type());
        } catch (IllegalArgumentException classNotHere) {
            return datastore.artifacts().readUntyped(name, ref);
        }
        return datastore.artifacts().read(name, ref, type);
    }
}
