package io.stratoflow.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ImageArchiveTest {

  @ParameterizedTest
  @ValueSource(strings = {"operator", "task-runner", "examples"})
  void isAnOciLayoutWhoseManifestCarriesTheReference(String name) throws Exception {
    Properties built = BuiltImages.properties();
    BuiltImages.Archive archive = BuiltImages.archive(name);

    assertThat(new String(archive.files().get("oci-layout"))).contains("\"imageLayoutVersion\":\"1.0.0\"");
    JsonNode index = archive.index();
    assertThat(index.get("manifests")).hasSize(1);
    JsonNode descriptor = index.get("manifests").get(0);
    assertThat(descriptor.get("mediaType").asText()).isEqualTo(OciArchiveWriter.MANIFEST_TYPE);
    assertThat(descriptor.get("annotations").get(OciArchiveWriter.REF_NAME).asText())
        .isEqualTo(built.getProperty(name + ".reference"))
        .isEqualTo("stratoflow/" + name + ":" + System.getProperty("stratoflow.images.version", "0.1.0"));
    assertThat(descriptor.get("digest").asText()).isEqualTo(built.getProperty(name + ".digest"));
    assertThat(archive.manifest().get("config").get("digest").asText()).as("the image ID")
        .isEqualTo(built.getProperty(name + ".imageId"));

    // Every blob is stored under its own digest.
    archive.files().forEach((path, bytes) -> {
      if (path.startsWith("blobs/sha256/")) {
        assertThat(Digests.of(bytes)).isEqualTo("sha256:" + path.substring("blobs/sha256/".length()));
      }
    });
    archive.manifest().get("layers").forEach(layer ->
        assertThat(layer.get("mediaType").asText()).isEqualTo(OciArchiveWriter.LAYER_TYPE));
    assertThat(archive.config().get("rootfs").get("diff_ids")).hasSize(archive.layerDigests().size());
    // Reproducible: no time but the epoch in any entry.
    archive.entries().values().forEach(entry -> assertThat(entry.getModTime().getTime()).isZero());
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "task-runner", "examples"})
  void runsAsTheNonRootUser(String name) throws Exception {
    JsonNode config = BuiltImages.archive(name).config().get("config");
    assertThat(config.get("User").asText()).isEqualTo("1000:1000");
    assertThat(BuiltImages.archive(name).env()).containsEntry("JAVA_HOME", JavaRuntime.HOME);
  }

  @Test
  void taskImagesStartTheTaskRunnerFromThePath() throws Exception {
    for (String name : List.of("task-runner", "examples")) {
      BuiltImages.Archive archive = BuiltImages.archive(name);
      assertThat(archive.config().get("config").get("Entrypoint").get(0).asText()).isEqualTo("stratoflow-task");
      assertThat(archive.env().get("PATH")).startsWith(ImageDefinitions.TASK_RUNNER_HOME + "/bin:");
    }
    BuiltImages.Archive examples = BuiltImages.archive("examples");
    assertThat(examples.env()).containsEntry("STRATOFLOW_TASK_CLASSPATH", ImageDefinitions.EXAMPLES_CLASSES);
    assertThat(examples.config().get("config").get("WorkingDir").asText()).isEqualTo(ImageDefinitions.EXAMPLES_HOME);
  }

  @Test
  void imagesShareTheirLowerLayers() throws Exception {
    List<String> operator = BuiltImages.archive("operator").layerDigests();
    List<String> taskRunner = BuiltImages.archive("task-runner").layerDigests();
    List<String> examples = BuiltImages.archive("examples").layerDigests();
    // OS and Java runtime in all three; the examples image is the task-runner image and one layer.
    assertThat(operator.subList(0, 2)).isEqualTo(taskRunner.subList(0, 2));
    assertThat(examples.subList(0, taskRunner.size())).isEqualTo(taskRunner);
    assertThat(examples).hasSize(taskRunner.size() + 1);
  }

  @Test
  void theOperatorStartsTheFastJarWhereTheChartSaysItIs() throws Exception {
    JsonNode entrypoint = BuiltImages.archive("operator").config().get("config").get("Entrypoint");
    assertThat(entrypoint.get(0).asText()).isEqualTo(JavaRuntime.HOME + "/bin/java");
    assertThat(entrypoint.get(entrypoint.size() - 1).asText()).isEqualTo("/deployments/quarkus-run.jar");
  }
}
