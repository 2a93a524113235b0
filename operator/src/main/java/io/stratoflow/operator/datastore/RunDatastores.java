package io.stratoflow.operator.datastore;

import io.stratoflow.datastore.Datastore;
import io.stratoflow.datastore.DatastoreLocation;
import io.stratoflow.model.FlowResourceSpec;
import io.stratoflow.operator.config.OperatorSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The datastores of SDK flows: where a Flow's tasks keep artifacts and logs (the Flow's own root,
 * or the operator's default), and the operator's own handle on them, with which it carries out
 * the engine's actions that are records rather than Pods (clones, caught failures).
 */
@ApplicationScoped
public class RunDatastores {

    @Inject
    OperatorSettings settings;

    private final Map<DatastoreLocation, Datastore> open = new ConcurrentHashMap<>();

    /** The datastore of a Flow's tasks; empty when neither the Flow nor the operator names one. */
    public Optional<DatastoreLocation> locationOf(FlowResourceSpec flow) {
        return at(flow.runner != null && flow.runner.datastore != null && !flow.runner.datastore.isBlank()
                ? flow.runner.datastore : settings.datastore().root().orElse(null));
    }

    /** The operator's own datastore, of the Flows that name none; empty when its settings name none. */
    public Optional<DatastoreLocation> defaultLocation() {
        return at(settings.datastore().root().orElse(null));
    }

    private Optional<DatastoreLocation> at(String root) {
        OperatorSettings.DatastoreSettings defaults = settings.datastore();
        if (root == null || root.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new DatastoreLocation(root, defaults.endpoint().orElse(null), defaults.region().orElse(null),
                defaults.pathStyle() ? Boolean.TRUE : null));
    }

    public Datastore open(DatastoreLocation location) {
        return open.computeIfAbsent(location, Datastore::open);
    }

    /** The Secret whose keys become the environment of SDK task Pods (datastore credentials), if any. */
    public Optional<String> credentialsSecret() {
        return settings.datastore().secret().filter(s -> !s.isBlank());
    }
}
