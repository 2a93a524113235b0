package io.stratoflow.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The chart installs, by default, exactly the images this module builds, as their user. */
class ChartValuesTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final Path chart = BuiltImages.options().checkout().resolve("helm/stratoflow");

  @Test
  void defaultImagesAreTheBuiltReferences() throws Exception {
    Properties built = BuiltImages.properties();
    JsonNode values = YAML.readTree(chart.resolve("values.yaml").toFile());
    JsonNode chartYaml = YAML.readTree(chart.resolve("Chart.yaml").toFile());

    String tag = values.get("image").get("tag").asText();
    String operator = values.get("image").get("repository").asText() + ":"
        + (tag.isEmpty() ? chartYaml.get("appVersion").asText() : tag);
    assertThat(operator).isEqualTo(built.getProperty("operator.reference"));
    assertThat(values.get("defaultTaskImage").asText()).isEqualTo(built.getProperty("task-runner.reference"));
  }

  @Test
  void podsRunAsTheImagesUserWithAReadOnlyRoot() throws Exception {
    JsonNode values = YAML.readTree(chart.resolve("values.yaml").toFile());
    assertThat(values.get("podSecurityContext").get("runAsUser").asInt()).isEqualTo(OsRootfs.USER_ID);
    assertThat(values.get("podSecurityContext").get("runAsGroup").asInt()).isEqualTo(OsRootfs.GROUP_ID);
    assertThat(values.get("securityContext").get("readOnlyRootFilesystem").asBoolean()).isTrue();
    String deployment = Files.readString(chart.resolve("templates/deployment.yaml"));
    // The image's entrypoint starts the operator: the chart must not replace it with another path.
    assertThat(deployment).doesNotContain("command:").contains("mountPath: /tmp");
  }
}
