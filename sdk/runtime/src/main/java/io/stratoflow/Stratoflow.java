package io.stratoflow;

import io.stratoflow.api.FlowSpec;
import io.stratoflow.cli.FlowCli;

import java.nio.file.Path;

/** The entry point a flow's {@code main} calls: {@code Stratoflow.main(MyFlow.class, args)}. */
public final class Stratoflow {

    private Stratoflow() {
    }

    public static void main(Class<? extends FlowSpec> flow, String[] args) {
        // The Kubernetes model brings SLF4J; a flow without a logging backend should not print a warning about it.
        System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
        int code = FlowCli.execute(flow, args, System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err,
                System.console() != null);
        System.exit(code);
    }
}
