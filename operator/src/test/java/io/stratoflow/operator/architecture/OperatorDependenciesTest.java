package io.stratoflow.operator.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The operator drives the engine with Pods and reads the model and the task contract; it never
 * reaches the laptop's runtime, its CLI, the client API or the annotation processor (the Maven
 * Enforcer rule in the operator's pom keeps them off its classpath as well).
 */
class OperatorDependenciesTest {

    private final JavaClasses operator = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.stratoflow.operator");

    @Test
    void operatorNeverReachesTheLocalRuntimeOrTheCli() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "io.stratoflow.runtime..", "io.stratoflow.cli..", "io.stratoflow.client..", "io.stratoflow.export..",
                        "io.stratoflow.processor..", "picocli..")
                .check(operator);
    }
}
