package io.stratoflow.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.stratoflow.api.Inputs;
import io.stratoflow.api.TaskFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecoratorRulesTest {

    @Test
    void typeNamesMatchTheApi() {
        assertThat(DecoratorRules.INPUTS_TYPE).isEqualTo(Inputs.class.getName());
        assertThat(DecoratorRules.TASK_FAILURE_TYPE).isEqualTo(TaskFailure.class.getName());
    }

    @Test
    void stepSignature() {
        assertThat(DecoratorRules.stepSignature(true, false, "void", List.of(), List.of())).isNull();
        assertThat(DecoratorRules.stepSignature(true, false, "void",
                List.of("io.stratoflow.api.Inputs<MyFlow>"), List.of("io.stratoflow.api.Inputs"))).isNull();

        assertThat(DecoratorRules.stepSignature(false, false, "void", List.of(), List.of()))
                .isEqualTo("a step method must be public");
        assertThat(DecoratorRules.stepSignature(true, true, "void", List.of(), List.of()))
                .isEqualTo("a step method must not be static");
        assertThat(DecoratorRules.stepSignature(true, false, "int", List.of(), List.of()))
                .isEqualTo("a step method must return void, found int");
        assertThat(DecoratorRules.stepSignature(true, false, "void",
                List.of("java.util.List<MyFlow>"), List.of("java.util.List")))
                .isEqualTo("a step takes no parameters, and a join step must take exactly one Inputs<...> parameter; "
                        + "found (java.util.List<MyFlow>)");
        assertThat(DecoratorRules.stepSignature(false, true, "void",
                List.of("io.stratoflow.api.Inputs<MyFlow>", "int"), List.of("io.stratoflow.api.Inputs", "int")))
                .isEqualTo("a step method must be public; a step method must not be static; a step takes no parameters, "
                        + "and a join step must take exactly one Inputs<...> parameter; found (io.stratoflow.api.Inputs<MyFlow>, int)");
    }

    @Test
    void takesInputs() {
        assertThat(DecoratorRules.takesInputs(List.of("io.stratoflow.api.Inputs"))).isTrue();
        assertThat(DecoratorRules.takesInputs(List.of())).isFalse();
        assertThat(DecoratorRules.takesInputs(List.of("java.util.List"))).isFalse();
        assertThat(DecoratorRules.takesInputs(List.of("io.stratoflow.api.Inputs", "int"))).isFalse();
    }

    @Test
    void resources() {
        assertThat(DecoratorRules.resources(1, 4096, 0, 0)).isNull();
        assertThat(DecoratorRules.resources(0.25, 1, 8, 100)).isNull();
        assertThat(DecoratorRules.resources(1, 0, 0, 0)).isEqualTo("@Resources: memory=0 must be greater than 0 (megabytes)");
        assertThat(DecoratorRules.resources(0, 4096, 0, 0)).contains("cpu=0 must be greater than 0");
        assertThat(DecoratorRules.resources(-0.5, 4096, 0, 0)).contains("cpu=-0.5 must be greater than 0");
        assertThat(DecoratorRules.resources(Double.NaN, 4096, 0, 0)).contains("cpu=NaN");
        assertThat(DecoratorRules.resources(1, 4096, -1, 0)).contains("gpu=-1 must not be negative");
        assertThat(DecoratorRules.resources(1, 4096, 0, -1)).contains("disk=-1 must not be negative");
        assertThat(DecoratorRules.resources(0, -1, -1, -1)).contains("cpu=0", "memory=-1", "gpu=-1", "disk=-1");
    }

    @Test
    void retry() {
        assertThat(DecoratorRules.retry(0, 0)).isNull();
        assertThat(DecoratorRules.retry(3, 2)).isNull();
        assertThat(DecoratorRules.retry(-1, 2)).isEqualTo("@Retry: times=-1 must not be negative (the number of attempts after the first)");
        assertThat(DecoratorRules.retry(1, -0.5)).isEqualTo("@Retry: minutesBetweenRetries=-0.5 must not be negative");
        assertThat(DecoratorRules.retry(-1, Double.NaN)).contains("times=-1", "minutesBetweenRetries=NaN");
    }

    @Test
    void keyValues() {
        assertThat(DecoratorRules.keyValues("@Environment(vars)")).isNull();
        assertThat(DecoratorRules.keyValues("@Environment(vars)", "A=1", "B=", "C=x=y")).isNull();
        assertThat(DecoratorRules.keyValues("@Environment(vars)", "A=1", "PATH"))
                .isEqualTo("@Environment(vars) entry 'PATH' is not of the form key=value");
        assertThat(DecoratorRules.keyValues("@Kubernetes(nodeSelector)", "=x", "y"))
                .isEqualTo("@Kubernetes(nodeSelector) entries '=x', 'y' are not of the form key=value");
    }

    @Test
    void timeout() {
        assertThat(DecoratorRules.timeout(1, 0, 0)).isNull();
        assertThat(DecoratorRules.timeout(-30, 1, 0)).isNull();
        assertThat(DecoratorRules.timeout(0, 0, 0))
                .isEqualTo("@Timeout(seconds=0, minutes=0, hours=0) adds up to 0 seconds; a timeout must be positive");
        assertThat(DecoratorRules.timeout(30, -1, 0)).contains("adds up to -30 seconds");
        assertThat(DecoratorRules.timeoutSeconds(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE))
                .isEqualTo(Integer.MAX_VALUE * 3661L);
        assertThat(DecoratorRules.timeout(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE)).isNull();
    }

    @Test
    void catchVar() {
        assertThat(DecoratorRules.catchVar("", null)).isNull();
        assertThat(DecoratorRules.catchVar("failure", "io.stratoflow.api.TaskFailure")).isNull();
        assertThat(DecoratorRules.catchVar("failure", null)).contains("@Catch(var=\"failure\") names a field the flow does not declare");
        assertThat(DecoratorRules.catchVar("failure", "java.lang.String"))
                .contains("names field 'failure' of type java.lang.String", "must be of type io.stratoflow.api.TaskFailure");
    }

    @Test
    void parameter() {
        assertThat(DecoratorRules.parameter("alpha", false, false)).isNull();
        assertThat(DecoratorRules.parameter("alpha", true, false)).startsWith("@Parameter field 'alpha' must not be static");
        assertThat(DecoratorRules.parameter("alpha", false, true)).startsWith("@Parameter field 'alpha' must not be final");
        assertThat(DecoratorRules.parameter("alpha", true, true)).startsWith("@Parameter field 'alpha' must be neither static nor final");
    }
}
