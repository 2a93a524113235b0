package io.stratoflow.e2e.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stratoflow.model.ComputePool;
import io.stratoflow.model.Flow;
import io.stratoflow.model.PodMetadata;
import io.stratoflow.model.Run;
import io.stratoflow.model.StepSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Example resources loaded from examples/yaml, and the KWOK knobs that stand in for what containers would do. */
public final class Fixtures {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Fixtures() {
    }

    /** Every document of a YAML file as its Stratoflow type. */
    public static List<HasMetadata> load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<HasMetadata> resources = new ArrayList<>();
        for (String document : text.split("(?m)^---\\s*$")) {
            if (document.isBlank() || document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            Map<?, ?> raw = SERIALIZATION.unmarshal(document, Map.class);
            Class<? extends HasMetadata> type = switch (String.valueOf(raw.get("kind"))) {
                case "Flow" -> Flow.class;
                case "Run" -> Run.class;
                case "ComputePool" -> ComputePool.class;
                default -> throw new IllegalArgumentException("unexpected kind " + raw.get("kind") + " in " + file);
            };
            resources.add(SERIALIZATION.unmarshal(document, type));
        }
        return resources;
    }

    public static <T extends HasMetadata> T first(List<HasMetadata> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    public static Path example(String name) {
        return examples().resolve(name);
    }

    public static Path examples() {
        return ControlPlane.projectDir().resolve("examples/yaml");
    }

    /** What a foreach step's container would write to its termination log: the number of splits. */
    public static void reportsSplits(StepSpec step, int splits) {
        metadata(step).annotations.put("stratoflow.io/kwok-message", "{\"splits\": " + splits + "}");
    }

    /** How long KWOK keeps the step's Pods running before they succeed (or fail). */
    public static void runsFor(StepSpec step, int millis) {
        metadata(step).annotations.put("stratoflow.io/kwok-duration-ms", Integer.toString(millis));
    }

    /** Makes KWOK fail the step's Pods. */
    public static void fails(StepSpec step) {
        metadata(step).labels.put("stratoflow.io/kwok-fail", "true");
    }

    /** Makes KWOK fail the first attempt of each of the step's Pods and succeed every retry. */
    public static void failsFirstAttempt(StepSpec step) {
        metadata(step).labels.put("stratoflow.io/kwok-fail-first", "true");
    }

    public static StepSpec step(Flow flow, String name) {
        return flow.getSpec().steps.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow();
    }

    private static PodMetadata metadata(StepSpec step) {
        if (step.podMetadata == null) {
            step.podMetadata = new PodMetadata();
        }
        return step.podMetadata;
    }

    public static boolean live(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return pod.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }
}
