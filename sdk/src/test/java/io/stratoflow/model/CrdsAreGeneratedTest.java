package io.stratoflow.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * crds/ holds exactly what the model generates (with the Age printer column moved last, see
 * {@link PrinterColumnOrder}): the build fails when someone edits a CRD by hand or changes the
 * model without regenerating. Regenerate with
 * {@code ./mvnw -pl sdk test -Dtest=CrdsAreGeneratedTest -Dstratoflow.updateCrds=true}.
 */
class CrdsAreGeneratedTest {

    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    private static final Path COMMITTED = Path.of("../crds");

    @Test
    void crdsDirectoryMatchesTheModel() throws IOException {
        List<Path> generated = yamlFiles(GENERATED);
        assertThat(generated).as("CRDs generated from io.stratoflow.model").hasSize(3);
        if (Boolean.getBoolean("stratoflow.updateCrds")) {
            Files.createDirectories(COMMITTED);
            for (Path file : generated) {
                Files.writeString(COMMITTED.resolve(file.getFileName()), PrinterColumnOrder.ageLast(Files.readString(file)));
            }
        }
        assertThat(yamlFiles(COMMITTED).stream().map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrderElementsOf(generated.stream().map(p -> p.getFileName().toString()).toList());
        for (Path file : generated) {
            assertThat(Files.readString(COMMITTED.resolve(file.getFileName())))
                    .as("crds/%s differs from what the model generates; regenerate it (see this test's javadoc)", file.getFileName())
                    .isEqualTo(PrinterColumnOrder.ageLast(Files.readString(file)));
        }
    }

    @Test
    void ageIsTheLastPrinterColumnOfEveryKind() throws IOException {
        for (Path file : yamlFiles(COMMITTED)) {
            String yaml = Files.readString(file);
            int age = yaml.indexOf("name: \"Age\"");
            int columns = yaml.indexOf("additionalPrinterColumns:");
            int schema = yaml.indexOf("schema:", columns);
            assertThat(age).as("%s has an Age column", file.getFileName()).isBetween(columns, schema);
            assertThat(yaml.substring(age, schema)).as("columns after Age in %s", file.getFileName()).doesNotContain("jsonPath");
        }
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
    }
}
