package io.stratoflow.e2e.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's HttpClient posting each Pod's JSON, serialised ahead, with a fixed number of requests in
 * flight (lanes that each post their next Pod as soon as the last is answered): the least a client
 * can cost the machine it shares with the API server.
 */
final class JdkAsyncCreator implements RawCreator {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private final HttpClient http;
    private final String server;
    private final String authorization;
    private final int inFlight;

    JdkAsyncCreator(Config config, HttpClient.Version version, int inFlight) {
        try {
            this.http = HttpClient.newBuilder().version(version).sslContext(SSLUtils.sslContext(config))
                    .connectTimeout(Duration.ofSeconds(10)).build();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot trust the API server's certificate authority", e);
        }
        this.server = config.getMasterUrl().replaceAll("/+$", "");
        String token = config.getOauthToken() != null ? config.getOauthToken() : config.getAutoOAuthToken();
        this.authorization = "Bearer " + token;
        this.inFlight = inFlight;
    }

    @Override
    public Callable<Void> prepare(String namespace, List<Pod> pods) {
        URI uri = URI.create(server + "/api/v1/namespaces/" + namespace + "/pods");
        List<byte[]> bodies = pods.stream().map(pod -> JSON.asJson(pod).getBytes(StandardCharsets.UTF_8)).toList();
        return () -> {
            AtomicInteger next = new AtomicInteger();
            CompletableFuture<?>[] lanes = new CompletableFuture<?>[inFlight];
            for (int l = 0; l < inFlight; l++) {
                lanes[l] = lane(uri, bodies, next);
            }
            CompletableFuture.allOf(lanes).get();
            return null;
        };
    }

    private CompletableFuture<Void> lane(URI uri, List<byte[]> bodies, AtomicInteger next) {
        int i = next.getAndIncrement();
        if (i >= bodies.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return post(uri, bodies.get(i), 1).thenCompose(created -> lane(uri, bodies, next));
    }

    /** As {@link #createPersistently}: transient failures are tried again, an AlreadyExists counts as created. */
    private CompletableFuture<Void> post(URI uri, byte[] body, int attempt) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            int code = failure != null ? 0 : response.statusCode();
            if (code / 100 == 2 || code == 409) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (ScaleBenchmark.transientFailure(code) && attempt < 5) {
                return post(uri, body, attempt + 1);
            }
            return CompletableFuture.<Void>failedFuture(new IllegalStateException("POST " + uri + " answered "
                    + (failure != null ? failure : code)));
        }).thenCompose(f -> f);
    }

    @Override
    public void close() {
        // The JDK's HttpClient (Java 17) has no close: its connections go with it.
    }
}
