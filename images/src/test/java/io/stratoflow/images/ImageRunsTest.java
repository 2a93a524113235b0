package io.stratoflow.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each image started in its own root filesystem (as root: chroot and namespaces need it). */
class ImageRunsTest {

  @BeforeAll
  static void needsRoot() {
    assumeTrue(Chroot.available(), "running an image needs root, unshare and chroot");
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "task-runner", "examples"})
  void javaStartsFromTheImagesOwnFiles(String name, @TempDir Path dir) throws Exception {
    BuiltImages.Archive image = BuiltImages.archive(name);
    Path root = image.unpack(dir.resolve("root"));

    Chroot.Result result = Chroot.run(root, image.env(), true, "java -version");

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("openjdk version \"17");
  }

  @Test
  void theOperatorStartsOnAReadOnlyRootUntilItNeedsTheCluster(@TempDir Path dir) throws Exception {
    BuiltImages.Archive image = BuiltImages.archive("operator");
    Path root = image.unpack(dir.resolve("root"));
    Map<String, String> env = new HashMap<>(image.env());
    env.put("KUBERNETES_MASTER", "https://127.0.0.1:1");
    StringBuilder entrypoint = new StringBuilder("exec");
    image.config().get("config").get("Entrypoint").forEach(arg -> entrypoint.append(' ').append(arg.asText()));

    // No API server to reach: the operator stops after Quarkus and every controller have started, which needs all
    // of its classes and the runtime's modules.
    Chroot.Result result = Chroot.run(root, env, true,
        "cd " + image.config().get("config").get("WorkingDir").asText() + " && " + entrypoint);

    assertThat(result.output()).contains("Starting operator").contains("Starting 'run' controller")
        .doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
  }

  @Test
  void theTaskRunnerLoadsItsMainClassOnAReadOnlyRoot(@TempDir Path dir) throws Exception {
    BuiltImages.Archive image = BuiltImages.archive("task-runner");
    Path root = image.unpack(dir.resolve("root"));

    // The operator's container command: stratoflow-task, found on the PATH, run by dash. Without a task description
    // TaskMain refuses with its own message, which proves the JVM and the class path work.
    Chroot.Result result = Chroot.run(root, image.env(), true, "cd / && stratoflow-task");

    assertThat(result.exit()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("STRATOFLOW_TASK is not set");
  }

  @Test
  void zstdExtractsItsNativeLibraryIntoTmp(@TempDir Path dir) throws Exception {
    BuiltImages.Archive image = BuiltImages.archive("task-runner");
    Path root = image.unpack(dir.resolve("root"));
    Files.writeString(root.resolve("home/stratoflow/ZstdCheck.java"), """
        public class ZstdCheck {
          public static void main(String[] args) {
            byte[] data = "stratoflow stratoflow stratoflow".getBytes();
            byte[] packed = com.github.luben.zstd.Zstd.compress(data);
            byte[] unpacked = com.github.luben.zstd.Zstd.decompress(packed, data.length);
            System.out.println("zstd " + new String(unpacked).equals(new String(data)));
          }
        }
        """);

    Chroot.Result result = Chroot.run(root, image.env(), true,
        "java -cp '" + ImageDefinitions.TASK_RUNNER_HOME + "/lib/*' /home/stratoflow/ZstdCheck.java");

    assertThat(result.output()).contains("zstd true");
  }

  @Test
  void theExamplesImageRunsFlowsFromItsWorkingDirectory(@TempDir Path dir) throws Exception {
    BuiltImages.Archive image = BuiltImages.archive("examples");
    Path root = image.unpack(dir.resolve("root"));
    String workingDir = image.config().get("config").get("WorkingDir").asText();

    Chroot.Result result = Chroot.run(root, image.env(), true,
        "cd " + workingDir + " && test -f examples/data/US.data && test -f \"$STRATOFLOW_TASK_CLASSPATH/"
            + "io/stratoflow/examples/HybridCloudFlow.class\" && echo found && stratoflow-task");

    assertThat(result.output()).contains("found").contains("STRATOFLOW_TASK is not set");
  }

  @Test
  void withoutALibraryOfTheImageJavaDoesNotStart(@TempDir Path dir) throws Exception {
    BuiltImages.Archive image = BuiltImages.archive("task-runner");
    Path root = image.unpack(dir.resolve("root"));
    try (Stream<Path> libs = Files.list(root.resolve("usr/lib/x86_64-linux-gnu"))) {
      for (Path lib : libs.filter(p -> p.getFileName().toString().startsWith("libstdc++.so")).toList()) {
        Files.delete(lib);
      }
    }

    Chroot.Result result = Chroot.run(root, Map.copyOf(image.env()), false, "java -version");

    assertThat(result.exit()).isNotZero();
    assertThat(result.output()).contains("libstdc++.so.6");
  }
}
