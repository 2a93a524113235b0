package io.stratoflow.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

/** The spec of a Flow: its steps and how they run. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self.steps.all(s, self.steps.exists_one(t, t.name == s.name))",
        message = "step names must be unique")
@ValidationRule(value = "self.steps.all(s, !has(s.next) || s.next.all(n, self.steps.exists(t, t.name == n)))",
        message = "every next step must name a step of the flow")
@ValidationRule(value = "self.steps.exists(s, s.name == 'start') && self.steps.exists(s, s.name == 'end')",
        message = "a flow needs a step named start and a step named end")
public class FlowResourceSpec {

    @JsonPropertyDescription("The steps. The graph must be acyclic and every foreach or branch closed by a join; "
            + "the operator checks what the schema cannot (condition Valid).")
    @Required
    @Size(min = 2, max = 64)
    public List<StepSpec> steps = new ArrayList<>();

    @JsonPropertyDescription("For flows written with the Java SDK: the task runner that executes their steps.")
    public TaskRunnerSpec runner;

    @JsonPropertyDescription("Parameters a Run may set.")
    @Size(max = 100)
    public List<ParameterSpec> parameters = new ArrayList<>();
}
