package io.stratoflow.operator.web;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stratoflow.view.Access;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The viewer of a request is whoever Kubernetes says its bearer token belongs to (TokenReview),
 * and they see a namespace's Runs when Kubernetes RBAC lets them {@code get runs} there
 * (SubjectAccessReview), so the view shows exactly what {@code kubectl get runs} would. Answers
 * are remembered for {@value #REMEMBER_SECONDS} s, keyed by the token's SHA-256, never the token.
 */
public final class KubernetesAccess implements Access {

    static final long REMEMBER_SECONDS = 30;
    private static final Logger LOG = Logger.getLogger(KubernetesAccess.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final Map<String, Remembered<Optional<UserInfo>>> users = new ConcurrentHashMap<>();
    private final Map<String, Remembered<Boolean>> decisions = new ConcurrentHashMap<>();

    private record Remembered<T>(T value, long until) {
    }

    public KubernetesAccess(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    @Override
    public Optional<Viewer> viewer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            return Optional.empty();
        }
        String token = authorization.substring(7).trim();
        Optional<UserInfo> user = remember(users, sha256(token), () -> review(token));
        return user.map(this::viewerOf);
    }

    private Optional<UserInfo> review(String token) {
        TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
        if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
            return Optional.empty();
        }
        return Optional.of(review.getStatus().getUser());
    }

    private Viewer viewerOf(UserInfo user) {
        return new Viewer() {
            @Override
            public String name() {
                return user.getUsername();
            }

            @Override
            public boolean mayReadRuns(String namespace) {
                return allowed(user, namespace, "runs");
            }

            @Override
            public boolean mayReadPools() {
                return allowed(user, null, "computepools");
            }
        };
    }

    private boolean allowed(UserInfo user, String namespace, String resource) {
        String key = user.getUsername() + "\n" + user.getGroups() + "\n" + namespace + "\n" + resource;
        return remember(decisions, key, () -> {
            SubjectAccessReview review = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                    .withUser(user.getUsername()).withGroups(user.getGroups()).withUid(user.getUid())
                    .withExtra(extra(user))
                    .withNewResourceAttributes().withGroup("stratoflow.io").withResource(resource).withVerb("get").withNamespace(namespace)
                    .endResourceAttributes().endSpec().build()).create();
            return review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
        });
    }

    private static Map<String, List<String>> extra(UserInfo user) {
        return user.getExtra() == null ? Map.of() : user.getExtra();
    }

    private <T> T remember(Map<String, Remembered<T>> memory, String key, java.util.function.Supplier<T> ask) {
        long now = clock.millis();
        Remembered<T> known = memory.get(key);
        if (known != null && known.until() > now) {
            return known.value();
        }
        T value;
        try {
            value = ask.get();
        } catch (KubernetesClientException e) {
            LOG.warnf("The web view could not ask the API server who may read what: %s", e.getMessage());
            throw e;
        }
        if (memory.size() > 10_000) {
            memory.clear();
        }
        memory.put(key, new Remembered<>(value, now + Duration.ofSeconds(REMEMBER_SECONDS).toMillis()));
        return value;
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
