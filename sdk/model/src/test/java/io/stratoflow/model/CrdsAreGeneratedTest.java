package io.stratoflow.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build publishes the CRDs generated from the model to crds/ and to the chart
 * ({@link CrdPublisher}); these tests check what was published.
 */
class CrdsAreGeneratedTest {

    private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
    private static final List<Path> PUBLISHED = List.of(Path.of("../../crds"), Path.of("../../helm/stratoflow/crds"));

    @Test
    void everyPublishedCopyMatchesTheModel() throws IOException {
        List<Path> generated = CrdPublisher.generatedCrds(GENERATED);
        assertThat(generated).as("CRDs generated from io.stratoflow.model").hasSize(3);
        for (Path dir : PUBLISHED) {
            assertThat(CrdPublisher.generatedCrds(dir).stream().map(p -> p.getFileName().toString()))
                    .as("CRDs in %s", dir)
                    .containsExactlyInAnyOrderElementsOf(generated.stream().map(p -> p.getFileName().toString()).toList());
            for (Path file : generated) {
                assertThat(Files.readString(dir.resolve(file.getFileName())))
                        .as("%s/%s", dir, file.getFileName())
                        .isEqualTo(PrinterColumnOrder.ageLast(Files.readString(file)));
            }
        }
    }

    @Test
    void ageIsTheLastPrinterColumnOfEveryKind() throws IOException {
        for (Path file : CrdPublisher.generatedCrds(PUBLISHED.get(0))) {
            String yaml = Files.readString(file);
            int age = yaml.indexOf("name: \"Age\"");
            int columns = yaml.indexOf("additionalPrinterColumns:");
            int schema = yaml.indexOf("schema:", columns);
            assertThat(age).as("%s has an Age column", file.getFileName()).isBetween(columns, schema);
            assertThat(yaml.substring(age, schema)).as("columns after Age in %s", file.getFileName()).doesNotContain("jsonPath");
        }
    }
}
