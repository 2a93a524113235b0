package io.stratoflow.datastore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatastoreTest {

    @TempDir
    Path dir;

    @Test
    void findsTheNearestStratoflowDirectoryUpTheTree() throws Exception {
        Path project = dir.resolve("project");
        Files.createDirectories(project.resolve(".stratoflow"));
        Path deep = Files.createDirectories(project.resolve("src/main/java"));

        Datastore found = Datastore.locate(null, Map.of(), deep);

        assertThat(found.root()).isEqualTo(project.resolve(".stratoflow").toAbsolutePath().normalize());
    }

    @Test
    void nearerStratoflowDirectoryWinsOverOneFurtherUp() throws Exception {
        Files.createDirectories(dir.resolve(".stratoflow"));
        Path module = Files.createDirectories(dir.resolve("module/.stratoflow")).getParent();
        Path deep = Files.createDirectories(module.resolve("sub"));

        assertThat(Datastore.locate(null, Map.of(), deep).root()).isEqualTo(module.resolve(".stratoflow").toAbsolutePath().normalize());
    }

    @Test
    void withoutAnyStratoflowDirectoryUsesOneInTheWorkingDirectory() throws Exception {
        Path work = Files.createDirectories(dir.resolve("fresh"));
        // The temp directory's parents hold no .stratoflow (if the machine has one above /tmp, this test says so).
        assertThat(Datastore.locate(null, Map.of(), work).root()).isEqualTo(work.resolve(".stratoflow").toAbsolutePath().normalize());
    }

    @Test
    void environmentVariableWinsOverTheDirectoryTree() throws Exception {
        Files.createDirectories(dir.resolve(".stratoflow"));
        Path fromEnv = dir.resolve("elsewhere");

        Datastore found = Datastore.locate(null, Map.of(Datastore.ENVIRONMENT_VARIABLE, fromEnv.toString()), dir);

        assertThat(found.root()).isEqualTo(fromEnv.toAbsolutePath().normalize());
    }

    @Test
    void blankEnvironmentVariableIsIgnored() throws Exception {
        Files.createDirectories(dir.resolve(".stratoflow"));
        Datastore found = Datastore.locate(null, Map.of(Datastore.ENVIRONMENT_VARIABLE, "  "), dir);
        assertThat(found.root()).isEqualTo(dir.resolve(".stratoflow").toAbsolutePath().normalize());
    }

    @Test
    void explicitRootWinsOverEnvironmentAndTree() throws Exception {
        Files.createDirectories(dir.resolve(".stratoflow"));
        Path explicit = dir.resolve("explicit");

        Datastore found = Datastore.locate(explicit, Map.of(Datastore.ENVIRONMENT_VARIABLE, dir.resolve("env").toString()), dir);

        assertThat(found.root()).isEqualTo(explicit.toAbsolutePath().normalize());
    }

    @Test
    void aFileWhereTheDatastoreDirectoryShouldBeIsReportedWithThePathAndTheWayOut() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "I am a file");
        Path root = file.resolve(".stratoflow");

        assertThatThrownBy(() -> new Datastore(root).checkWritable())
                .isInstanceOf(DatastoreException.class)
                .hasMessageContaining(root.toString())
                .hasMessageContaining("--datastore-root")
                .hasMessageContaining(Datastore.ENVIRONMENT_VARIABLE);
    }

    @Test
    void aFileAsTheDatastoreRootIsReported() throws Exception {
        Path file = Files.writeString(dir.resolve("datastore"), "I am a file");

        assertThatThrownBy(() -> new Datastore(file).checkWritable())
                .isInstanceOf(DatastoreException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("--datastore-root");
    }

    @Test
    void writingRunMetadataUnderAFileFailsWithTheSameAdvice() throws Exception {
        Path root = Files.createDirectories(dir.resolve("store"));
        Files.writeString(root.resolve("flows"), "a file in the way");

        assertThatThrownBy(() -> new Datastore(root).runs().createRun("SomeFlow", 1L))
                .isInstanceOf(DatastoreException.class)
                .hasMessageContaining(root.resolve("flows").toString())
                .hasMessageContaining("--datastore-root");
    }
}
