package io.stratoflow.view;

import io.stratoflow.datastore.ArtifactRef;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.Json;
import io.stratoflow.datastore.RunRecord;
import io.stratoflow.datastore.TaskRecord;
import io.stratoflow.engine.RunPhase;
import io.stratoflow.engine.RunState;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Runs written into a datastore the way the local runtime leaves them: a small finished one, and
 * a 100,000-way fan-out in the middle of its work.
 */
final class ViewFixtures {

    static final String SMALL_FLOW = "SmallFlow";
    static final String SMALL_RUN = "1000";
    static final String WIDE_FLOW = "WideFlow";
    static final String WIDE_RUN = "2000";
    static final int WIDTH = 100_000;
    static final int WIDE_DONE = 60_000;

    private ViewFixtures() {
    }

    static List<StepShape> wideShapes() {
        return List.of(new StepShape("start", List.of("work"), "foreach", 0, "1", "4096M", null),
                new StepShape("work", List.of("join"), "linear", 1, "2", "8000M", 1),
                new StepShape("join", List.of("end"), "join", 0, "1", "4096M", null),
                new StepShape("end", List.of(), "end", 0, "1", "4096M", null));
    }

    static void write(Datastore datastore) throws IOException {
        long now = System.currentTimeMillis();
        datastore.runs().writeRun(new RunRecord(SMALL_FLOW, SMALL_RUN, "com.example.SmallFlow", RunPhase.SUCCEEDED, now - 60_000,
                now - 50_000, null, Map.of(), null, null));
        datastore.runs().writeState(SMALL_FLOW, SMALL_RUN, state("""
                {"phase":"SUCCEEDED","steps":{"start":{"frames":{"":{"total":1,"succeeded":"0"}}},
                 "end":{"frames":{"":{"total":1,"succeeded":"0"}}}},"running":[],"retrying":[]}"""));
        ArtifactRef greeting = datastore.artifacts().write("greeting", String.class, "hello from start");
        ArtifactRef big = datastore.artifacts().write("numbers", List.class, java.util.stream.IntStream.range(0, 10_000).boxed().toList());
        datastore.runs().writeTask(SMALL_FLOW, SMALL_RUN, new TaskRecord("start", "0", 0, TaskRecord.SUCCEEDED,
                Map.of("greeting", greeting, "numbers", big), null, null, now - 59_000, now - 58_000, null));
        datastore.runs().storeLog(SMALL_FLOW, SMALL_RUN, "start", "0", 0, "stdout",
                new ByteArrayInputStream("starting the small flow\n".getBytes(StandardCharsets.UTF_8)));

        datastore.runs().writeRun(new RunRecord(WIDE_FLOW, WIDE_RUN, "com.example.WideFlow", RunPhase.RUNNING, now - 30_000, null, null,
                Map.of(), null, null));
        datastore.runs().writeState(WIDE_FLOW, WIDE_RUN, state("""
                {"phase":"RUNNING","maxWorkers":100,"steps":{"start":{"frames":{"":{"total":1,"succeeded":"0"}},"splits":{"":%d}},
                 "work":{"frames":{"":{"total":%d,"succeeded":"0-%d","ready":"%d-%d"}}}},
                 "running":[{"step":"work","prefix":"","indices":"%d-%d","attempt":0,"since":%d}],
                 "retrying":[{"step":"work","prefix":"","indices":"%d","attempt":1,"since":%d}]}"""
                .formatted(WIDTH, WIDTH, WIDE_DONE - 1, WIDE_DONE + 100, WIDTH - 1, WIDE_DONE, WIDE_DONE + 98, now - 1_000,
                        WIDE_DONE + 99, now - 2_000)));
        datastore.runs().writeTask(WIDE_FLOW, WIDE_RUN, new TaskRecord("work", "7", 0, TaskRecord.SUCCEEDED, Map.of("greeting", greeting),
                null, null, now - 20_000, now - 19_000, null));
        datastore.runs().storeLog(WIDE_FLOW, WIDE_RUN, "work", "7", 0, "stdout",
                new ByteArrayInputStream("split 7 worked\n".getBytes(StandardCharsets.UTF_8)));
    }

    private static RunState state(String json) throws IOException {
        return Json.METADATA.readValue(json, RunState.class);
    }
}
