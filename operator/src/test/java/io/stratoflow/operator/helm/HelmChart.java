package io.stratoflow.operator.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stratoflow.model.ComputePool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The chart in {@code helm/stratoflow}, linted and rendered in-process by helm-java (the Helm Go
 * library through JNA; no helm binary, no cluster), and its output parsed into fabric8 objects.
 */
final class HelmChart {

    static final String RELEASE = "stratoflow";
    static final String NAMESPACE = "stratoflow-system";
    /** Rendered as if for this cluster version (Helm's own default, 1.20, is below the chart's kubeVersion). */
    static final String KUBE_VERSION = "1.33.0";

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    final Path repository;
    final Path chart;
    final KubernetesSerialization serialization = new KubernetesSerialization();

    HelmChart() {
        repository = findRepository();
        chart = repository.resolve("helm").resolve("stratoflow");
        serialization.registerKubernetesResource(ComputePool.class);
    }

    LintResult lint() {
        return new Helm(chart).lint().strict().call();
    }

    /** helm template with the chart's values and, if not null, a values file with {@code valuesYaml}. */
    String template(Path workDir, String valuesYaml) {
        TemplateCommand template = new Helm(chart).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valuesYaml != null) {
            try {
                Path values = Files.createTempFile(workDir, "values-", ".yaml");
                Files.writeString(values, valuesYaml);
                template.withValuesFile(values);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return template.call();
    }

    /** The objects of a rendered manifest, in order. */
    List<HasMetadata> parse(String manifest) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(manifest)) {
            boolean empty = document.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("#"));
            if (!empty) {
                objects.add(serialization.unmarshal(document, HasMetadata.class));
            }
        }
        return objects;
    }

    List<HasMetadata> render(Path workDir, String valuesYaml) {
        return parse(template(workDir, valuesYaml));
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = all(objects, type);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + type.getSimpleName() + " in the rendered chart, found " + found.size());
        }
        return found.get(0);
    }

    static <T extends HasMetadata> Optional<T> named(List<HasMetadata> objects, Class<T> type, String name) {
        return all(objects, type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    /** The repository root: the nearest folder up from the working directory that holds the chart. */
    private static Path findRepository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("helm/stratoflow/Chart.yaml")) && Files.isDirectory(dir.resolve("crds"))) {
                return dir;
            }
        }
        throw new IllegalStateException("helm/stratoflow/Chart.yaml not found above " + Path.of("").toAbsolutePath());
    }
}
