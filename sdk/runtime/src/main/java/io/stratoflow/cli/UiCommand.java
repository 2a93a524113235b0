package io.stratoflow.cli;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.definition.ResourceSpec;
import io.stratoflow.definition.StepDefinition;
import io.stratoflow.view.Access;
import io.stratoflow.view.DatastoreRunSource;
import io.stratoflow.view.StepShape;
import io.stratoflow.view.StepShapes;
import io.stratoflow.view.ViewServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "ui", mixinStandardHelpOptions = true,
        description = "Serves the Runs and Run views of this datastore's runs in a browser, on localhost, until Ctrl-C.")
final class UiCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "<port>", defaultValue = "8484", description = "Port on localhost (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    private final CliContext context;

    UiCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Datastore datastore = context.datastore();
        List<StepShape> shapes = StepShapes.of(context.flow.graph(), this::requests);
        String user = System.getProperty("user.name", "you");
        DatastoreRunSource runs = new DatastoreRunSource(datastore, flow -> flow.equals(context.flow.name()) ? shapes : List.of(), user);
        try (ViewServer server = ViewServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), runs, Access.anyone(user))) {
            context.out.println("Runs of " + datastore.root() + " at " + server.uri() + " (Ctrl-C to stop)");
            new CountDownLatch(1).await();
        }
        return 0;
    }

    private String[] requests(String step) {
        StepDefinition definition = context.flow.step(step);
        ResourceSpec resources = definition == null ? null : definition.resources();
        if (resources == null) {
            return null;
        }
        return new String[] {String.format(Locale.ROOT, "%s", trim(resources.cpu())), resources.memoryMb() + "M",
                resources.gpu() > 0 ? Integer.toString(resources.gpu()) : null};
    }

    private static String trim(double cpu) {
        return cpu == Math.rint(cpu) ? Long.toString((long) cpu) : Double.toString(cpu);
    }
}
