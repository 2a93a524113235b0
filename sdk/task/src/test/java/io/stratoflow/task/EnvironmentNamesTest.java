package io.stratoflow.task;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files that Java does not compile (the chart, the task runner's launcher, the dev scripts, the docs) spell every
 * {@code STRATOFLOW_*} name as {@link EnvironmentNames} does, or use one of the few settings listed here that belong
 * to the operator's configuration or to the dev stack.
 */
class EnvironmentNamesTest {

    /**
     * The operator's settings, which the chart and dev/cluster set. Quarkus maps them onto its configuration properties
     * ({@code stratoflow.operator.*}, {@code stratoflow.web.*}, {@code stratoflow.leader-election.*}), or the operator's
     * application.properties names them (the watched namespaces, the reconcile threads): no Java code spells them, and
     * nothing here checks this list against that configuration.
     */
    private static final Set<String> OPERATOR_SETTINGS = Set.of(
            "STRATOFLOW_WATCH_NAMESPACES",
            "STRATOFLOW_RECONCILE_THREADS",
            "STRATOFLOW_WEB_PORT",
            "STRATOFLOW_WEB_ANONYMOUS",
            "STRATOFLOW_WEB_POOL_HISTORY_PERIOD",
            "STRATOFLOW_LEADER_ELECTION_ENABLED",
            "STRATOFLOW_LEADER_ELECTION_LEASE_NAME",
            "STRATOFLOW_OPERATOR_POD_CREATES_PER_SECOND",
            "STRATOFLOW_OPERATOR_UNSCHEDULABLE_GRACE_PERIOD",
            "STRATOFLOW_OPERATOR_DELETE_SUCCEEDED_PODS",
            "STRATOFLOW_OPERATOR_DEFAULT_IMAGE",
            "STRATOFLOW_OPERATOR_TASK_SERVICE_ACCOUNT",
            "STRATOFLOW_OPERATOR_DATASTORE_ROOT",
            "STRATOFLOW_OPERATOR_DATASTORE_ENDPOINT",
            "STRATOFLOW_OPERATOR_DATASTORE_REGION",
            "STRATOFLOW_OPERATOR_DATASTORE_PATH_STYLE",
            "STRATOFLOW_OPERATOR_DATASTORE_SECRET");

    /** Settings of the dev stack's scripts (dev/cluster, dev/kubelet-node) and of the end-to-end tier's benchmark. */
    private static final Set<String> DEV_SETTINGS = Set.of(
            "STRATOFLOW_CLUSTER_DIR",
            "STRATOFLOW_CLUSTER_TIMEOUT",
            "STRATOFLOW_PKI_TOOL",
            "STRATOFLOW_APISERVER_PORT",
            "STRATOFLOW_ETCD_PORT",
            "STRATOFLOW_ETCD_PEER_PORT",
            "STRATOFLOW_KCM_PORT",
            "STRATOFLOW_SCHEDULER_PORT",
            "STRATOFLOW_NODES_FILE",
            "STRATOFLOW_NODE_SLOT",
            "STRATOFLOW_NODE_IMAGE_DIR",
            "STRATOFLOW_EXEC_NODES",
            "STRATOFLOW_EXEC_NODES_FILE",
            "STRATOFLOW_EXEC_NODE_LABELS",
            "STRATOFLOW_EXEC_NODE_TAINTS",
            "STRATOFLOW_EXEC_NODE_CAPACITY",
            "STRATOFLOW_KUBELET_INDEX",
            "STRATOFLOW_KUBELET_LABELS",
            "STRATOFLOW_KUBELET_TAINTS",
            "STRATOFLOW_KUBELET_CAPACITY",
            "STRATOFLOW_KUBELET_IMAGES",
            "STRATOFLOW_KUBELET_TIMEOUT",
            "STRATOFLOW_S3",
            "STRATOFLOW_S3_PORT",
            "STRATOFLOW_OPERATOR",
            "STRATOFLOW_OPERATOR_PORT",
            "STRATOFLOW_DELETE_SUCCEEDED_PODS",
            "STRATOFLOW_AUTOSCALER",
            "STRATOFLOW_KARPENTER_PORT",
            "STRATOFLOW_BENCH_OPERATOR_JAVA_OPTIONS");

    /** What is scanned, from the repository's root: directories whole (but for build output), or single files. */
    private static final List<String> SCANNED = List.of(
            "helm/stratoflow",
            "sdk/runtime/src/main/task-runner",
            "operator/src/main/resources",
            "images/src",
            "examples/yaml",
            "dev",
            "docs",
            "README.md");

    private static final String LAUNCHER = "sdk/runtime/src/main/task-runner/bin/stratoflow-task";

    /** The main Java sources that may spell a name in a string: EnvironmentNames, and modules it cannot reach. */
    private static final Set<String> JAVA_SPELLING_NAMES = Set.of(
            "sdk/task/src/main/java/io/stratoflow/task/EnvironmentNames.java",
            // The datastore module is below the task module: EnvironmentNames.DATASTORE is this class's constant.
            "sdk/datastore/src/main/java/io/stratoflow/datastore/Datastore.java",
            // The model depends on no other module; this description is copied into the CRD.
            "sdk/model/src/main/java/io/stratoflow/model/ExternalTask.java");

    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", "node_modules", ".git");

    // A name ending in '_' is a family (STRATOFLOW_OPERATOR_*), not a variable.
    private static final Pattern NAME = Pattern.compile("(?<![A-Za-z0-9_])STRATOFLOW_[A-Z0-9_]*[A-Z0-9](?![A-Za-z0-9_])");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\\n]|\\\\.)*\"");

    private final Path root = repositoryRoot();

    @Test
    void everyConstantIsADistinctStratoflowName() {
        List<String> values = constants();
        assertThat(values).isNotEmpty().doesNotHaveDuplicates().allMatch(value -> NAME.matcher(value).matches());
        assertThat(values).doesNotContainAnyElementsOf(OPERATOR_SETTINGS).doesNotContainAnyElementsOf(DEV_SETTINGS);
    }

    @Test
    void theScannedFilesUseOnlyKnownNames() {
        Set<String> known = new HashSet<>(constants());
        known.addAll(OPERATOR_SETTINGS);
        known.addAll(DEV_SETTINGS);
        Map<String, Set<String>> unknown = new TreeMap<>();
        namesByFile().forEach((file, names) -> names.stream().filter(name -> !known.contains(name))
                .forEach(name -> unknown.computeIfAbsent(name, n -> new TreeSet<>()).add(file)));
        assertThat(unknown).as("STRATOFLOW_* names that are not in EnvironmentNames, and the files that use them").isEmpty();
    }

    @Test
    void theLauncherAndTheChartAreAmongTheScannedFiles() {
        Map<String, Set<String>> names = namesByFile();
        assertThat(names.get(LAUNCHER)).contains(EnvironmentNames.TASK, EnvironmentNames.TASK_CLASSPATH,
                EnvironmentNames.TASK_JAVA_OPTIONS);
        assertThat(names.get("helm/stratoflow/templates/deployment.yaml")).contains("STRATOFLOW_OPERATOR_DATASTORE_ROOT");
    }

    @Test
    void everyListedSettingIsStillUsed() {
        Set<String> used = new HashSet<>();
        namesByFile().values().forEach(used::addAll);
        assertThat(used).as("listed settings that no scanned file names any more").containsAll(OPERATOR_SETTINGS)
                .containsAll(DEV_SETTINGS);
    }

    @Test
    void mainJavaCodeSpellsNamesOnlyInEnvironmentNames() {
        Set<String> spelling = new TreeSet<>();
        for (Path file : files(root)) {
            String path = relative(file);
            if (path.endsWith(".java") && path.contains("src/main/java/")
                    && STRING_LITERAL.matcher(text(file)).results().anyMatch(literal -> NAME.matcher(literal.group()).find())) {
                spelling.add(path);
            }
        }
        assertThat(spelling).as("main sources with a STRATOFLOW_* name in a string")
                .contains("sdk/task/src/main/java/io/stratoflow/task/EnvironmentNames.java")
                .isSubsetOf(JAVA_SPELLING_NAMES);
    }

    @Test
    void findsAMisspelledNameButNotFamiliesOrLongerWords() {
        assertThat(names("exec java -cp \"${STRATOFLOW_TASK_CLASPATH:+$STRATOFLOW_TASK_CLASPATH:}\" # STRATOFLOW_OPERATOR_*, "
                + "STRATOFLOW_*_PORT, MY_STRATOFLOW_RUN"))
                .containsExactly("STRATOFLOW_TASK_CLASPATH");
    }

    private static List<String> constants() {
        List<String> values = new ArrayList<>();
        for (Field field : EnvironmentNames.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && field.getType() == String.class) {
                try {
                    values.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return values;
    }

    /** Each scanned text file that names any, by its path from the root. */
    private Map<String, Set<String>> namesByFile() {
        Map<String, Set<String>> byFile = new TreeMap<>();
        for (String scanned : SCANNED) {
            Path start = root.resolve(scanned);
            assertThat(start).as("a scanned path").exists();
            for (Path file : files(start)) {
                Set<String> names = file.toString().endsWith(".java") ? Set.of() : names(text(file));
                if (!names.isEmpty()) {
                    byFile.put(relative(file), names);
                }
            }
        }
        return byFile;
    }

    /** The regular files under {@code start} (or {@code start} itself), build output and the like left out. */
    private static List<Path> files(Path start) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return SKIPPED_DIRECTORIES.contains(String.valueOf(dir.getFileName())) ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** The file's text, or "" for a file that is not UTF-8 text (an image, an archive). */
    private static String text(Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = NAME.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(".ci/run")) || Files.exists(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No repository root (a directory with .ci/run or mvnw) above " + Path.of("").toAbsolutePath());
    }
}
