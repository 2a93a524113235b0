package io.stratoflow.task.code;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunnerDependenciesTest {

    @Test
    void readsTheListingOfTheDependencyPluginWithOrWithoutScopesAndColours() {
        RunnerDependencies dependencies = RunnerDependencies.parse("""

                The following files have been resolved:
                   com.fasterxml.jackson.core:jackson-core:jar:2.20.1\u001B[36m -- module com.fasterxml.jackson.core\u001B[m
                   org.slf4j:slf4j-api:jar:2.0.17:compile -- module org.slf4j
                   io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.1.100.Final:runtime
                   com.example:tool:jar:tests:1.0
                """);

        assertThat(dependencies.all()).extracting(RunnerDependencies.Coordinates::fileName).containsExactly(
                "jackson-core-2.20.1.jar", "slf4j-api-2.0.17.jar", "netty-transport-native-epoll-4.1.100.Final-linux-x86_64.jar", "tool-1.0-tests.jar");
        assertThat(dependencies.byFileName("slf4j-api-2.0.17.jar")).map(Object::toString).contains("org.slf4j:slf4j-api:2.0.17");
        assertThat(dependencies.byFileName("slf4j-api-2.0.16.jar")).isEmpty();
    }

    @Test
    void theBuildListsTheTaskRunnersRuntimeDependencies() {
        assertThat(RunnerDependencies.ofTaskRunner().all()).extracting(Object::toString)
                .anyMatch(d -> d.startsWith("com.fasterxml.jackson.core:jackson-databind:"))
                .anyMatch(d -> d.startsWith("io.stratoflow:stratoflow-datastore:"))
                .noneMatch(d -> d.startsWith("org.junit"));
    }
}
