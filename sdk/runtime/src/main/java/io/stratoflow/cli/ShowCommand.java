package io.stratoflow.cli;

import io.stratoflow.definition.ParameterDefinition;
import io.stratoflow.definition.ResourceSpec;
import io.stratoflow.definition.StepDefinition;
import io.stratoflow.graph.FlowGraph;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Shows the flow's steps, how they connect, and its parameters.")
final class ShowCommand implements Callable<Integer> {

    private final CliContext context;

    ShowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.out.println(context.flow.name());
        for (StepDefinition step : context.flow.steps().values()) {
            FlowGraph.StepInfo info = context.flow.graph().step(step.name());
            context.out.println();
            context.out.println("  " + step.name() + describe(info));
            decorators(step).forEach(d -> context.out.println("      " + d));
        }
        if (!context.flow.parameters().isEmpty()) {
            context.out.println();
            context.out.println("Parameters:");
            for (ParameterDefinition p : context.flow.parameters()) {
                context.out.println("  --" + p.name() + " <" + p.type().getSimpleName() + ">" + (p.defaultValue() == null ? "" : " (default " + p.defaultValue() + ")")
                        + (p.help().isEmpty() ? "" : "  " + p.help()));
            }
        }
        return 0;
    }

    private static String describe(FlowGraph.StepInfo info) {
        StringBuilder text = new StringBuilder();
        if (info.isJoin()) {
            text.append("  [join of ").append(info.joinsForeach() ? "foreach in " : "branches from ").append(info.joins()).append(']');
        }
        switch (info.kind()) {
            case FOREACH -> text.append("  => foreach ").append(info.foreachField()).append(" => ").append(info.next().get(0));
            case STATIC_SPLIT -> text.append("  => ").append(String.join(" | ", info.next()));
            case LINEAR -> text.append("  => ").append(info.next().get(0));
            case END -> text.append("  (end)");
        }
        return text.toString();
    }

    private static List<String> decorators(StepDefinition step) {
        List<String> lines = new ArrayList<>();
        if (!step.resources().equals(ResourceSpec.DEFAULT)) {
            lines.add("@Resources(" + step.resources() + ")");
        }
        if (step.placement().kubernetes()) {
            StringBuilder k = new StringBuilder("@Kubernetes(");
            if (!step.placement().computePool().isEmpty()) {
                k.append("computePool=").append(step.placement().computePool()).append(' ');
            }
            if (!step.placement().nodeSelector().isEmpty()) {
                k.append("nodeSelector=").append(step.placement().nodeSelector()).append(' ');
            }
            if (!step.placement().image().isEmpty()) {
                k.append("image=").append(step.placement().image());
            }
            lines.add(k.toString().trim() + ")");
        }
        if (step.retries() > 0) {
            lines.add("@Retry(times=" + step.retries() + ", " + step.retryDelayMillis() / 1000 + " s between)");
        }
        if (step.timeoutMillis() > 0) {
            lines.add("@Timeout(" + step.timeoutMillis() / 1000 + " s)");
        }
        if (step.catchVar() != null) {
            lines.add("@Catch" + (step.catchVar().isEmpty() ? "" : "(var=" + step.catchVar() + ")"));
        }
        return lines;
    }
}
