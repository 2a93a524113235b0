package io.stratoflow.view;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stratoflow.datastore.Json;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The views' JSON API over a {@link RunSource}, checked against the viewer's access:
 * <pre>
 * GET /api/runs?flow=&amp;phase=&amp;user=&amp;namespace=          runs (with the values each filter can take)
 * GET /api/runs/{namespace}/{flow}/{run}                     the run: steps with progress and resources
 * GET /api/runs/{ns}/{flow}/{run}/steps/{step}/tasks?offset=&amp;limit=   a page of a step's tasks (at most 500)
 * GET /api/runs/{ns}/{flow}/{run}/steps/{step}/tasks/{task}/log?stream=stdout|stderr
 * GET /api/runs/{ns}/{flow}/{run}/steps/{step}/tasks/{task}/artifacts
 * GET /api/pools                                             compute pools with their recent history
 * </pre>
 */
public final class ViewApi {

    public static final int MAX_PAGE = 500;
    static final int PREVIEW_BYTES = 4096;

    private final RunSource source;

    public ViewApi(RunSource source) {
        this.source = source;
    }

    /** An answer: a status, a content type and a body (JSON, or a log's stream). */
    public record Answer(int status, String contentType, byte[] body, InputStream stream) {

        static Answer json(Object value) throws IOException {
            return new Answer(200, "application/json", Json.METADATA.writeValueAsBytes(value), null);
        }

        static Answer error(int status, String message) throws IOException {
            ObjectNode error = Json.METADATA.createObjectNode().put("error", message);
            return new Answer(status, "application/json", Json.METADATA.writeValueAsBytes(error), null);
        }
    }

    public Answer get(String path, Map<String, String> query, Access.Viewer viewer) throws IOException {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                parts.add(URLDecoder.decode(part, StandardCharsets.UTF_8));
            }
        }
        if (parts.size() < 2 || !parts.get(0).equals("api")) {
            return Answer.error(404, "no such API: " + path);
        }
        if (parts.get(1).equals("pools") && parts.size() == 2) {
            return viewer.mayReadPools() ? Answer.json(Map.of("pools", source.pools()))
                    : Answer.error(403, viewer.name() + " may not read ComputePools");
        }
        if (!parts.get(1).equals("runs")) {
            return Answer.error(404, "no such API: " + path);
        }
        if (parts.size() == 2) {
            return Answer.json(runs(query, viewer));
        }
        if (parts.size() < 5) {
            return Answer.error(404, "a run is /api/runs/{namespace}/{flow}/{run}");
        }
        RunKey key = new RunKey(parts.get(2), parts.get(3), parts.get(4));
        if (!viewer.mayReadRuns(key.namespace())) {
            return Answer.error(403, viewer.name() + " may not read Runs in namespace " + key.namespace());
        }
        if (parts.size() == 5) {
            Optional<RunDetail> run = source.run(key);
            return run.isPresent() ? Answer.json(run.get()) : Answer.error(404, "no run " + key.flow() + "/" + key.run() + " in " + key.namespace());
        }
        if (parts.size() == 8 && parts.get(5).equals("steps") && parts.get(7).equals("tasks")) {
            int offset = Math.max(0, number(query.get("offset"), 0));
            int limit = Math.min(MAX_PAGE, Math.max(1, number(query.get("limit"), 100)));
            return Answer.json(source.tasks(key, parts.get(6), offset, limit));
        }
        if (parts.size() == 10 && parts.get(5).equals("steps") && parts.get(7).equals("tasks")) {
            String step = parts.get(6);
            String task = parts.get(8);
            if (parts.get(9).equals("log")) {
                String stream = "stderr".equals(query.get("stream")) ? "stderr" : "stdout";
                Optional<InputStream> log = source.log(key, step, task, stream);
                return log.isPresent() ? new Answer(200, "text/plain; charset=utf-8", null, log.get())
                        : Answer.error(404, "no " + stream + " log for task " + step + "/" + task);
            }
            if (parts.get(9).equals("artifacts")) {
                return Answer.json(Map.of("artifacts", source.artifacts(key, step, task, PREVIEW_BYTES)));
            }
        }
        return Answer.error(404, "no such API: " + path);
    }

    private ObjectNode runs(Map<String, String> query, Access.Viewer viewer) {
        List<RunSummary> visible = source.runs().stream().filter(run -> viewer.mayReadRuns(run.key().namespace())).toList();
        Predicate<RunSummary> filter = run -> matches(query.get("flow"), run.key().flow())
                && matches(query.get("phase"), run.phase()) && matches(query.get("user"), run.user())
                && matches(query.get("namespace"), run.key().namespace());
        ObjectNode answer = Json.METADATA.createObjectNode();
        answer.set("runs", Json.METADATA.valueToTree(visible.stream().filter(filter).toList()));
        answer.set("flows", Json.METADATA.valueToTree(distinct(visible, run -> run.key().flow())));
        answer.set("phases", Json.METADATA.valueToTree(distinct(visible, RunSummary::phase)));
        answer.set("users", Json.METADATA.valueToTree(distinct(visible, RunSummary::user)));
        answer.set("namespaces", Json.METADATA.valueToTree(distinct(visible, run -> run.key().namespace())));
        return answer;
    }

    private static boolean matches(String wanted, String value) {
        return wanted == null || wanted.isEmpty() || wanted.equals(value);
    }

    private static TreeSet<String> distinct(List<RunSummary> runs, java.util.function.Function<RunSummary, String> field) {
        TreeSet<String> values = new TreeSet<>();
        for (RunSummary run : runs) {
            String value = field.apply(run);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

    private static int number(String text, int otherwise) {
        try {
            return text == null ? otherwise : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
