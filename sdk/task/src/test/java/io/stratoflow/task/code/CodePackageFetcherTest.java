package io.stratoflow.task.code;

import io.stratoflow.datastore.LocalContentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodePackageFetcherTest {

    @TempDir
    Path temp;

    private StoredPackage greeterPackage(RecordingStore store) throws IOException {
        Path classes = temp.resolve("flow/classes");
        TestCode.compile(classes, "demo.Greeter", TestCode.greeter("Hello"));
        Path lib = TestCode.jar(temp.resolve("repo/lib-1.0.jar"), Map.of("lib/message.txt", "from the lib"));
        RunnerDependencies none = RunnerDependencies.parse("");
        return new CodePackager(List.of(classes, lib), new ProvidedByRunner(none, Path.of(System.getProperty("java.home")))).store(store);
    }

    @Test
    void fetchesAPackageAndRunsItsClass() throws Exception {
        RecordingStore store = new RecordingStore(temp.resolve("store"));
        StoredPackage stored = greeterPackage(store);
        Path cache = temp.resolve("cache");

        try (FetchedPackage code = CodePackageFetcher.fetch(store, stored.id(), cache)) {
            Class<?> greeter = code.classLoader().loadClass("demo.Greeter");
            Object greeting = greeter.getMethod("greet", String.class).invoke(greeter.getConstructor().newInstance(), "Ada");

            assertThat(greeting).isEqualTo("Hello, Ada");
            assertThat(greeter.getClassLoader()).isSameAs(code.classLoader());
            assertThat(code.classLoader().getParent()).isSameAs(CodePackageFetcher.class.getClassLoader());
            assertThat(code.classLoader().loadClass(CodePackageFetcher.class.getName()))
                    .as("parent first: the runner's classes come from the runner").isSameAs(CodePackageFetcher.class);
            try (InputStream in = code.classLoader().getResourceAsStream("lib/message.txt")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from the lib");
            }
            assertThat(code.classpath()).hasSize(2).allMatch(p -> p.getParent().equals(cache));
            assertThat(code.classpath().get(0).getFileName().toString()).matches("[0-9a-f]{64}\\.jar");
        }
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).as("no partial download left").noneMatch(p -> p.toString().endsWith(".partial"));
        }
    }

    @Test
    void aSecondTaskOnTheNodeReusesTheCache() throws Exception {
        RecordingStore store = new RecordingStore(temp.resolve("store"));
        StoredPackage stored = greeterPackage(store);
        Path cache = temp.resolve("cache");
        CodePackageFetcher.fetch(store, stored.id(), cache).close();
        int opened = store.opens.size();

        try (FetchedPackage again = CodePackageFetcher.fetch(store, stored.id(), cache)) {
            assertThat(again.classLoader().loadClass("demo.Greeter")).isNotNull();
        }
        assertThat(store.opens).hasSize(opened);
    }

    @Test
    void aPackageMissingFromTheDatastoreSaysToUploadItAgain() throws IOException {
        RecordingStore store = new RecordingStore(temp.resolve("store"));
        String id = "0123456789abcdef".repeat(4);

        assertThatThrownBy(() -> CodePackageFetcher.fetch(store, id, temp.resolve("cache")))
                .isInstanceOf(CodePackageException.class)
                .hasMessage("code package " + id + " is not in the datastore test-store; run `export`/`run --with kubernetes` again to upload it");
    }

    @Test
    void anEntryMissingFromTheDatastoreIsNamed() throws IOException {
        RecordingStore complete = new RecordingStore(temp.resolve("complete"));
        StoredPackage stored = greeterPackage(complete);
        LocalContentStore onlyManifest = new LocalContentStore(temp.resolve("partial"));
        try (InputStream manifest = complete.open(stored.id())) {
            byte[] bytes = manifest.readAllBytes();
            assertThat(onlyManifest.put(out -> out.write(bytes))).isEqualTo(stored.id());
        }

        assertThatThrownBy(() -> new CodePackageFetcher(onlyManifest, "s3://bucket/prefix", temp.resolve("cache")).fetch(stored.id(), getClass().getClassLoader()))
                .isInstanceOf(CodePackageException.class)
                .hasMessageMatching("entry classes\\.jar \\([0-9a-f]{64}\\) of code package " + stored.id()
                        + " is not in the datastore s3://bucket/prefix; run `export`/`run --with kubernetes` again to upload it");
    }

    @Test
    void aCorruptedEntryIsRefusedAndNotCached() throws IOException {
        RecordingStore store = new RecordingStore(temp.resolve("store"));
        StoredPackage stored = greeterPackage(store);
        CodeManifest manifest;
        try (InputStream in = store.open(stored.id())) {
            manifest = CodeManifest.readFrom(in, stored.id());
        }
        CodeManifest.Entry lib = manifest.entries().get(1);
        store.tamper(lib.sha256(), "not the jar".getBytes(StandardCharsets.UTF_8));
        Path cache = temp.resolve("cache");

        assertThatThrownBy(() -> CodePackageFetcher.fetch(store, stored.id(), cache))
                .isInstanceOf(CodePackageException.class)
                .hasMessageStartingWith("entry lib-1.0.jar (" + lib.sha256() + ") of code package " + stored.id()
                        + " is corrupt in the datastore test-store: its SHA-256 is ")
                .hasMessageEndingWith("the package expects " + lib.sha256() + " (" + lib.size() + " bytes); delete object " + lib.sha256()
                        + " from the datastore and run `export`/`run --with kubernetes` again to upload it");
        assertThat(cache.resolve(lib.sha256() + ".jar")).doesNotExist();
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).noneMatch(p -> p.toString().endsWith(".partial"));
        }
    }

    @Test
    void anIdThatIsNotAHashIsRefused() {
        assertThatThrownBy(() -> CodePackageFetcher.fetch(new RecordingStore(temp.resolve("store")), "flow.jar", temp.resolve("cache")))
                .isInstanceOf(CodePackageException.class)
                .hasMessageContaining("'flow.jar' is not a code package id");
    }
}
