package io.stratoflow.cli;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.export.FlowExporter;
import io.stratoflow.export.KubernetesDecorator;
import io.stratoflow.export.KubernetesOverrides;
import io.stratoflow.model.Flow;
import io.stratoflow.model.ResourceRequest;
import io.stratoflow.model.Run;
import io.stratoflow.task.code.CodePackager;
import io.stratoflow.task.code.StoredPackage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Prints the Flow and a Run resource for this flow, ready for kubectl apply -f -. Flow parameters are options of this command.")
final class ExportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--with", paramLabel = "kubernetes[:cpu=N,memory=MB,gpu=N,disk=MB]",
            description = "Resources every step gets at least on the cluster; raises, never lowers, what steps declare")
    List<String> with = List.of();

    @Option(names = "--image", paramLabel = "<image>",
            description = "Task-runner image (a Java runtime with the Stratoflow task runner); default: the operator's")
    String image;

    @Option(names = "--datastore", paramLabel = "<url>", description = "Datastore the cluster's tasks share, e.g. s3://bucket/stratoflow; "
            + "the flow's code package is uploaded there (S3 endpoint and credentials from the standard AWS configuration)")
    String datastore;

    @Option(names = "--run-name", paramLabel = "<name>", description = "Name of the Run (default: <flow>-<time>)")
    String runName;

    @Option(names = "--flow-only", description = "Print only the Flow")
    boolean flowOnly;

    @CommandLine.Mixin
    Parallelism parallelism = new Parallelism();


    private final CliContext context;

    ExportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        parallelism.validate();
        KubernetesDecorator decorator = KubernetesDecorator.NONE;
        for (String text : with) {
            decorator = KubernetesOverrides.parse(text);
        }
        ResourceRequest overrides = decorator.resources();
        KubernetesSerialization yaml = new KubernetesSerialization();
        Flow flow = FlowExporter.flow(context.flow, image, datastore);
        FlowExporter.place(flow, context.flow, decorator);
        if (datastore != null) {
            flow.getSpec().runner.codePackage = uploadCodePackage();
        }
        context.out.print(yaml.asYaml(flow));
        if (!flowOnly) {
            String name = runName != null ? runName : FlowExporter.resourceName(context.flow.name()) + "-" + System.currentTimeMillis() / 1000;
            Run run = FlowExporter.run(context.flow, name, ParameterOptions.values(spec, context.flow), overrides, parallelism.maxWorkers, parallelism.maxNumSplits);
            context.out.print(yaml.asYaml(run));
        }
        return 0;
    }

    /** Stores this JVM's classpath (the flow's classes and the jars it needs) as a code package; returns its id. */
    private String uploadCodePackage() {
        try (Datastore store = Datastore.open(DatastoreLocation.parse(datastore))) {
            StoredPackage stored = CodePackager.forCurrentClasspath().store(store.content());
            context.err.println(stored.summary());
            return stored.id();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot upload the flow's code package to " + datastore + ": " + e.getMessage(), e);
        }
    }
}
