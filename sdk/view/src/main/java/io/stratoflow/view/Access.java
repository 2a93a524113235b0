package io.stratoflow.view;

import java.util.Optional;

/**
 * Who may read what. The cluster checks a request's bearer token and asks Kubernetes RBAC per
 * namespace; on a laptop everyone who reaches the loopback port is its user.
 */
public interface Access {

    /** A person behind a request, and which namespaces' runs they may read. */
    interface Viewer {
        String name();

        boolean mayReadRuns(String namespace);

        boolean mayReadPools();
    }

    /** The viewer of a request carrying this Authorization header (possibly null), or empty when it is not accepted. */
    Optional<Viewer> viewer(String authorization);

    /** Whether a request without a valid token is sent the page that says how to obtain one. */
    default boolean requiresToken() {
        return true;
    }

    /** Everyone may read everything: the laptop's view of its own datastore. */
    static Access anyone(String user) {
        Viewer everything = new Viewer() {
            @Override
            public String name() {
                return user;
            }

            @Override
            public boolean mayReadRuns(String namespace) {
                return true;
            }

            @Override
            public boolean mayReadPools() {
                return true;
            }
        };
        return new Access() {
            @Override
            public Optional<Viewer> viewer(String authorization) {
                return Optional.of(everything);
            }

            @Override
            public boolean requiresToken() {
                return false;
            }
        };
    }
}
