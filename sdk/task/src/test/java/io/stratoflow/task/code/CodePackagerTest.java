package io.stratoflow.task.code;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

class CodePackagerTest {

    @TempDir
    Path temp;

    private static final RunnerDependencies RUNNER = RunnerDependencies.parse("   com.example:runner-lib:jar:1.2.3\n");

    private CodePackager packager(Path... classpath) {
        return new CodePackager(List.of(classpath), new ProvidedByRunner(RUNNER, Path.of(System.getProperty("java.home"))));
    }

    @Test
    void theSameClassesTwiceGiveTheSameIdAndUploadNothingTheSecondTime() throws IOException {
        Path classes = temp.resolve("flow/target/classes");
        TestCode.compile(classes, "demo.Greeter", TestCode.greeter("Hello"));
        Path lib = TestCode.jar(temp.resolve("repo/lib-1.0.jar"), Map.of("lib/Util.class", "not really a class"));
        RecordingStore store = new RecordingStore(temp.resolve("store"));

        StoredPackage first = packager(classes, lib).store(store);
        int putsAfterFirst = store.puts.size();
        StoredPackage second = packager(classes, lib).store(store);

        assertThat(first.entries()).isEqualTo(2);
        assertThat(first.uploaded()).isEqualTo(2);
        assertThat(first.uploadedBytes()).isEqualTo(first.bytes()).isPositive();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.uploaded()).isZero();
        assertThat(second.uploadedBytes()).isZero();
        assertThat(second.alreadyPresent()).isEqualTo(2);
        assertThat(store.puts.subList(putsAfterFirst, store.puts.size()))
                .as("only the manifest is written again, and it is already there").containsExactly(second.id());
        assertThat(second.summary()).startsWith("code package " + second.id().substring(0, 12) + ": 2 jars, 0 uploaded (0 B), 2 already in the datastore");
    }

    @Test
    void editingOneClassChangesOnlyItsEntry() throws IOException {
        Path classes = temp.resolve("classes");
        TestCode.compile(classes, "demo.Greeter", TestCode.greeter("Hello"));
        TestCode.compile(classes, "demo.Other", "package demo; public class Other { }");
        Path lib = TestCode.jar(temp.resolve("lib-1.0.jar"), Map.of("lib/A.txt", "a"));
        RecordingStore store = new RecordingStore(temp.resolve("store"));
        StoredPackage before = packager(classes, lib).store(store);
        CodeManifest manifestBefore = manifest(store, before.id());

        TestCode.compile(classes, "demo.Greeter", TestCode.greeter("Goodbye"));
        StoredPackage after = packager(classes, lib).store(store);
        CodeManifest manifestAfter = manifest(store, after.id());

        assertThat(after.id()).isNotEqualTo(before.id());
        assertThat(after.uploaded()).isEqualTo(1);
        assertThat(after.uploadedBytes()).isEqualTo(manifestAfter.entries().get(0).size());
        assertThat(manifestAfter.entries().get(0).name()).isEqualTo("classes.jar");
        assertThat(manifestAfter.entries().get(0).sha256()).isNotEqualTo(manifestBefore.entries().get(0).sha256());
        assertThat(manifestAfter.entries().get(1)).isEqualTo(manifestBefore.entries().get(1));
    }

    @Test
    void aClassesDirectoryPacksToTheSameBytesWhateverItsPathAndFileTimes() throws IOException {
        Path one = temp.resolve("machine-a/classes");
        Path two = temp.resolve("machine-b/build/classes");
        for (Path dir : List.of(one, two)) {
            TestCode.compile(dir, "demo.Greeter", TestCode.greeter("Hello"));
            TestCode.file(dir, "demo/config.properties", "greeting=hello\n");
            TestCode.file(dir, "empty/.keep", "");
        }
        TestCode.touchAll(one, 1_000_000_000_000L);
        TestCode.touchAll(two, 1_700_000_000_000L);

        byte[] first = bytes(DirectoryJar.of(one));
        byte[] second = bytes(DirectoryJar.of(two));

        assertThat(second).isEqualTo(first);
        Path jar = Files.write(temp.resolve("packed.jar"), first);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertThat(Collections.list(zip.entries())).extracting(ZipEntry::getName)
                    .containsExactly("demo/", "demo/Greeter.class", "demo/config.properties", "empty/", "empty/.keep");
            assertThat(new String(zip.getInputStream(zip.getEntry("demo/config.properties")).readAllBytes())).isEqualTo("greeting=hello\n");
        }
    }

    @Test
    void leavesOutSdkModulesRunnerDependenciesTheJdkAndWhatIsNotAClasspathEntry() throws IOException {
        Path flow = temp.resolve("flow/classes");
        TestCode.compile(flow, "demo.Greeter", TestCode.greeter("Hello"));
        Path sdkClasses = temp.resolve("sdk/core/target/classes");
        TestCode.file(sdkClasses, "io/stratoflow/api/FlowSpec.class", "sdk");
        TestCode.file(sdkClasses, ProvidedByRunner.MODULE_MARKER, "io.stratoflow:stratoflow-core:0.1.0\n");
        Path sdkJar = TestCode.jar(temp.resolve("repo/stratoflow-datastore-0.1.0.jar"),
                Map.of(ProvidedByRunner.MODULE_MARKER, "io.stratoflow:stratoflow-datastore:0.1.0"));
        Path runnerLib = TestCode.jar(temp.resolve("repo/runner-lib-1.2.3.jar"), Map.of("r/R.class", "r"));
        Path otherVersion = TestCode.jar(temp.resolve("repo/runner-lib-1.2.4.jar"), Map.of("r/R.class", "r2"));
        Path userLib = TestCode.jar(temp.resolve("repo/user-lib-2.0.jar"), Map.of("u/U.class", "u"));
        Path jdk = Files.list(Path.of(System.getProperty("java.home"), "lib")).filter(Files::isRegularFile).findFirst().orElseThrow();
        Path missing = temp.resolve("does-not-exist.jar");
        Path notAJar = Files.writeString(temp.resolve("notes.txt"), "not a jar");
        CodePackager packager = packager(flow, sdkClasses, sdkJar, runnerLib, otherVersion, userLib, jdk, missing, notAJar);

        assertThat(packager.entries()).containsExactly(flow, otherVersion, userLib);
        ProvidedByRunner rule = new ProvidedByRunner(RUNNER, Path.of(System.getProperty("java.home")));
        assertThat(rule.reason(sdkClasses)).contains("Stratoflow SDK module io.stratoflow:stratoflow-core:0.1.0");
        assertThat(rule.reason(sdkJar)).contains("Stratoflow SDK module io.stratoflow:stratoflow-datastore:0.1.0");
        assertThat(rule.reason(runnerLib)).contains("task runner dependency com.example:runner-lib:1.2.3");
        assertThat(rule.reason(jdk)).contains("part of the JDK");

        RecordingStore store = new RecordingStore(temp.resolve("store"));
        StoredPackage stored = packager.store(store);
        assertThat(manifest(store, stored.id()).entries()).extracting(CodeManifest.Entry::name)
                .containsExactly("classes.jar", "runner-lib-1.2.4.jar", "user-lib-2.0.jar");
    }

    @Test
    void theCurrentClasspathLeavesOutTheTaskRunnersDependencies() throws IOException {
        List<Path> classpath = Classpath.current();
        List<Path> packaged = CodePackager.forCurrentClasspath().entries();

        assertThat(classpath).anyMatch(p -> p.getFileName().toString().startsWith("jackson-databind-"));
        assertThat(packaged).noneMatch(p -> p.getFileName().toString().startsWith("jackson-"));
        assertThat(packaged).anyMatch(p -> p.getFileName().toString().startsWith("assertj-core-"));
    }

    @Test
    void aPathingJarBringsTheEntriesOfItsClassPath() throws IOException {
        Path lib = TestCode.jar(temp.resolve("libs/a b.jar"), Map.of("a/A.txt", "a"));
        Path classes = Files.createDirectories(temp.resolve("out/classes"));
        Path pathing = TestCode.jar(temp.resolve("pathing.jar"), Map.of("META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\r\nClass-Path: libs/a%20b.jar " + classes.toUri() + "\r\n\r\n"));

        assertThat(Classpath.parse(pathing + java.io.File.pathSeparator + lib)).containsExactly(pathing, lib, classes);
    }

    @Test
    void theManifestIsSmallJsonInClasspathOrder() throws IOException {
        String a = "a".repeat(64);
        String b = "b".repeat(64);
        CodeManifest manifest = new CodeManifest(List.of(new CodeManifest.Entry("z.jar", a, 10), new CodeManifest.Entry("a.jar", b, 20)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        manifest.writeTo(out);

        assertThat(out.toString()).isEqualTo("{\"format\":\"stratoflow-code-package/1\",\"entries\":["
                + "{\"name\":\"z.jar\",\"sha256\":\"" + a + "\",\"size\":10},"
                + "{\"name\":\"a.jar\",\"sha256\":\"" + b + "\",\"size\":20}]}");
        assertThat(CodeManifest.readFrom(new java.io.ByteArrayInputStream(out.toByteArray()), "id")).isEqualTo(manifest);
    }

    private static CodeManifest manifest(RecordingStore store, String id) throws IOException {
        try (InputStream in = store.open(id)) {
            return CodeManifest.readFrom(in, id);
        }
    }

    private static byte[] bytes(DirectoryJar jar) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        jar.writeTo(out);
        return out.toByteArray();
    }
}
