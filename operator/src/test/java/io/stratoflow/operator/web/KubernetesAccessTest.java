package io.stratoflow.operator.web;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stratoflow.datastore.Json;
import io.stratoflow.view.Access;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** TokenReview says who a token is; SubjectAccessReview, per namespace, whether they may get Runs there. */
@EnableKubernetesMockClient
class KubernetesAccessTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private final AtomicInteger tokenReviews = new AtomicInteger();
    private final AtomicInteger accessReviews = new AtomicInteger();
    private KubernetesAccess access;

    @BeforeEach
    void apiServer() {
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(201, request -> {
            tokenReviews.incrementAndGet();
            TokenReview review = Json.METADATA.convertValue(read(request.getBody().readUtf8()), TokenReview.class);
            boolean ada = "ada-token".equals(review.getSpec().getToken());
            return new TokenReviewBuilder(review).withNewStatus().withAuthenticated(ada)
                    .withNewUser().withUsername(ada ? "ada" : null).withGroups(ada ? List.of("ml-team") : null).endUser().endStatus().build();
        }).always();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReply(201, request -> {
            accessReviews.incrementAndGet();
            SubjectAccessReview review = Json.METADATA.convertValue(read(request.getBody().readUtf8()), SubjectAccessReview.class);
            var attributes = review.getSpec().getResourceAttributes();
            boolean allowed = review.getSpec().getGroups().contains("ml-team") && "get".equals(attributes.getVerb())
                    && "stratoflow.io".equals(attributes.getGroup())
                    && ("runs".equals(attributes.getResource()) && "team-a".equals(attributes.getNamespace())
                        || "computepools".equals(attributes.getResource()) && attributes.getNamespace() == null);
            return new SubjectAccessReviewBuilder(review).withNewStatus().withAllowed(allowed).endStatus().build();
        }).always();
        access = new KubernetesAccess(client, Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
    }

    private static Object read(String json) {
        try {
            return Json.METADATA.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRequestWithoutAValidBearerTokenHasNoViewer() {
        assertThat(access.viewer(null)).isEmpty();
        assertThat(access.viewer("Basic YWRhOnB3")).isEmpty();
        assertThat(access.viewer("Bearer ")).isEmpty();
        assertThat(access.viewer("Bearer someone-elses-token")).isEmpty();
        assertThat(access.requiresToken()).isTrue();
    }

    @Test
    void aViewerSeesTheNamespacesRbacLetsThemGetRunsIn() {
        Access.Viewer ada = access.viewer("Bearer ada-token").orElseThrow();
        assertThat(ada.name()).isEqualTo("ada");
        assertThat(ada.mayReadRuns("team-a")).isTrue();
        assertThat(ada.mayReadRuns("team-b")).isFalse();
        assertThat(ada.mayReadPools()).isTrue();
    }

    @Test
    void answersAreRememberedForAWhileSoThatAPageThatPollsCostsTheApiServerLittle() {
        for (int look = 0; look < 5; look++) {
            access.viewer("Bearer ada-token").orElseThrow().mayReadRuns("team-a");
        }
        assertThat(tokenReviews.get()).isEqualTo(1);
        assertThat(accessReviews.get()).isEqualTo(1);
    }
}
