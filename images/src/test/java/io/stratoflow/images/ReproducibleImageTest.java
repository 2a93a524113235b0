package io.stratoflow.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproducibleImageTest {

  @Test
  void theSameInputsGiveTheSameDigest(@TempDir Path first, @TempDir Path second) throws Exception {
    // Fresh layer caches: every layer is written again, twice.
    List<ImageDefinition> images = BuildImages.definitions(BuiltImages.options());
    ImageDefinition taskRunner = images.stream().filter(i -> i.name().equals("task-runner")).findFirst().orElseThrow();

    OciArchiveWriter.Written once = new ImageBuilder(first.resolve("layers")).build(taskRunner,
        first.resolve("task-runner.oci.tar"));
    OciArchiveWriter.Written twice = new ImageBuilder(second.resolve("layers")).build(taskRunner,
        second.resolve("task-runner.oci.tar"));

    assertThat(twice.manifestDigest()).isEqualTo(once.manifestDigest());
    assertThat(once.manifestDigest()).isEqualTo(BuiltImages.properties().getProperty("task-runner.digest"));
  }
}
