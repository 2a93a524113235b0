package io.stratoflow.images;

import io.stratoflow.task.EnvironmentNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The product's images and where their files come from in a built checkout. Each starts with the same two layers
 * (the OS and the Java runtime), then the application's dependencies, which change rarely, then the application.
 * The examples image is the task-runner image with one more layer, so the two share every layer but that one.
 */
final class ImageDefinitions {

  static final String OPERATOR_HOME = "/deployments";
  static final String TASK_RUNNER_HOME = "/opt/stratoflow/task-runner";
  static final String EXAMPLES_HOME = "/opt/stratoflow";
  static final String EXAMPLES_CLASSES = EXAMPLES_HOME + "/examples/classes";

  private final Path checkout;
  private final String version;

  ImageDefinitions(Path checkout, String version) {
    this.checkout = checkout;
    this.version = version;
  }

  Path operatorApp() {
    return checkout.resolve("operator/target/quarkus-app");
  }

  Path taskRunner() {
    return checkout.resolve("sdk/runtime/target/task-runner");
  }

  Path examplesClasses() {
    return checkout.resolve("examples/target/classes");
  }

  Path examplesData() {
    return checkout.resolve("examples/data");
  }

  /** What jdeps looks at to choose the runtime's modules: everything the three images run. */
  List<Path> classpath() {
    return List.of(operatorApp(), taskRunner().resolve("lib"), examplesClasses());
  }

  List<ImageDefinition> all(Path osRoot, Path javaRuntime) throws IOException {
    Layer os = OsRootfs.layer(osRoot);
    Layer java = Layer.named("java runtime (jlink)").add(javaRuntime, JavaRuntime.HOME).build();
    return List.of(operator(os, java), taskRunner(os, java), examples(os, java));
  }

  ImageDefinition operator(Layer os, Layer java) throws IOException {
    Path app = require(operatorApp().resolve("quarkus-run.jar")).getParent();
    Layer dependencies = Layer.named("operator dependencies").add(app.resolve("lib"), OPERATOR_HOME + "/lib").build();
    Layer.Builder operator = Layer.named("operator");
    for (String part : List.of("app", "quarkus", "quarkus-run.jar", "quarkus-app-dependencies.txt")) {
      if (Files.exists(app.resolve(part))) {
        operator.add(app.resolve(part), OPERATOR_HOME + "/" + part);
      }
    }
    return new ImageDefinition("operator", "stratoflow/operator:" + version, List.of(os, java, dependencies,
        operator.build()), baseEnv(), List.of(JavaRuntime.HOME + "/bin/java",
        "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", OPERATOR_HOME + "/quarkus-run.jar"),
        OPERATOR_HOME, OsRootfs.USER);
  }

  ImageDefinition taskRunner(Layer os, Layer java) throws IOException {
    return new ImageDefinition("task-runner", "stratoflow/task-runner:" + version,
        taskRunnerLayers(os, java), taskRunnerEnv(), List.of("stratoflow-task"), "", OsRootfs.USER);
  }

  ImageDefinition examples(Layer os, Layer java) throws IOException {
    List<Layer> layers = new ArrayList<>(taskRunnerLayers(os, java));
    layers.add(Layer.named("examples")
        .add(require(examplesClasses()), EXAMPLES_CLASSES)
        .add(require(examplesData()), EXAMPLES_HOME + "/examples/data")
        .build());
    Map<String, String> env = taskRunnerEnv();
    env.put(EnvironmentNames.TASK_CLASSPATH, EXAMPLES_CLASSES);
    // HybridCloudFlow reads examples/data/..., relative to the working directory.
    return new ImageDefinition("examples", "stratoflow/examples:" + version, List.copyOf(layers), env,
        List.of("stratoflow-task"), EXAMPLES_HOME, OsRootfs.USER);
  }

  /** The task runner's jars in two layers: third-party ones, and Stratoflow's own (which change with each build). */
  private List<Layer> taskRunnerLayers(Layer os, Layer java) throws IOException {
    Path home = taskRunner();
    Path lib = require(home.resolve("lib"));
    Layer.Builder dependencies = Layer.named("task-runner dependencies");
    Layer.Builder runner = Layer.named("task-runner").add(require(home.resolve("bin/stratoflow-task")),
        TASK_RUNNER_HOME + "/bin/stratoflow-task");
    try (Stream<Path> jars = Files.list(lib)) {
      for (Path jar : jars.sorted().toList()) {
        String name = jar.getFileName().toString();
        (name.startsWith("stratoflow-") ? runner : dependencies).add(jar, TASK_RUNNER_HOME + "/lib/" + name);
      }
    }
    return List.of(os, java, dependencies.build(), runner.build());
  }

  private static Map<String, String> baseEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", JavaRuntime.HOME + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    env.put("JAVA_HOME", JavaRuntime.HOME);
    env.put("LANG", "C.UTF-8");
    return env;
  }

  private static Map<String, String> taskRunnerEnv() {
    Map<String, String> env = baseEnv();
    env.put("PATH", TASK_RUNNER_HOME + "/bin:" + env.get("PATH"));
    env.put(EnvironmentNames.TASK_RUNNER_HOME, TASK_RUNNER_HOME);
    return env;
  }

  private static Path require(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new IOException(path + " is missing: build the modules the images package first "
          + "(./mvnw install -DskipTests from the checkout's root)");
    }
    return path;
  }
}
