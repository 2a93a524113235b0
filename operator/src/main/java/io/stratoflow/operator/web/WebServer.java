package io.stratoflow.operator.web;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stratoflow.view.Access;
import io.stratoflow.view.ViewServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * Serves the web view on a port of its own ({@code stratoflow.web.port}, 8081 by default; 0 for
 * any free port, -1 for none), reached through the chart's Service. Without
 * {@code stratoflow.web.anonymous=true} every request needs a Kubernetes bearer token.
 */
@ApplicationScoped
public class WebServer {

    private static final Logger LOG = Logger.getLogger(WebServer.class);

    @Inject
    ClusterRunSource runs;

    @Inject
    KubernetesClient client;

    @ConfigProperty(name = "stratoflow.web.port", defaultValue = "8081")
    int port;

    @ConfigProperty(name = "stratoflow.web.anonymous", defaultValue = "false")
    boolean anonymous;

    private ViewServer server;

    void start(@Observes StartupEvent event) {
        if (port < 0) {
            return;
        }
        Access access = anonymous ? Access.anyone("anonymous") : new KubernetesAccess(client, Clock.systemUTC());
        try {
            server = ViewServer.start(new InetSocketAddress(port), runs, access);
        } catch (IOException e) {
            throw new UncheckedIOException("The web view cannot listen on port " + port + ": " + e.getMessage()
                    + ". Set stratoflow.web.port (the chart's web.port) to a free port, or -1 to turn the view off.", e);
        }
        LOG.infof("Web view on port %d (%s)", server.port(), anonymous ? "anyone may read it" : "a Kubernetes bearer token is needed");
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.close();
        }
    }

    /** The port it listens on, or -1 when it is off. */
    public int port() {
        return server == null ? -1 : server.port();
    }
}
