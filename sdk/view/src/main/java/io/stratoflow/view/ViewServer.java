package io.stratoflow.view;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the views: the page and its scripts from this jar, ECharts from its webjar, and the
 * JSON API ({@link ViewApi}) to viewers that {@link Access} accepts. Read-only: anything but GET
 * is refused. The flow CLI starts it on the loopback interface over a datastore; the operator on
 * a port of its own over the cluster.
 */
public final class ViewServer implements AutoCloseable {

    static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    private final HttpServer server;
    private final ExecutorService threads;
    private final ViewApi api;
    private final Access access;

    private ViewServer(HttpServer server, ExecutorService threads, ViewApi api, Access access) {
        this.server = server;
        this.threads = threads;
        this.api = api;
        this.access = access;
    }

    public static ViewServer start(InetSocketAddress address, RunSource source, Access access) throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        ExecutorService threads = Executors.newFixedThreadPool(4, task -> {
            Thread thread = new Thread(task, "stratoflow-view-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        ViewServer view = new ViewServer(server, threads, new ViewApi(source), access);
        server.createContext("/", view::handle);
        server.setExecutor(threads);
        server.start();
        return view;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + port() + "/");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                send(exchange, 405, "text/plain; charset=utf-8", "The Stratoflow view is read-only.".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith("/api/")) {
                answerApi(exchange, path);
            } else {
                serveFile(exchange, path);
            }
        } catch (RuntimeException e) {
            send(exchange, 500, "text/plain; charset=utf-8", ("The view failed: " + e).getBytes(StandardCharsets.UTF_8));
        }
    }

    private void answerApi(HttpExchange exchange, String path) throws IOException {
        Optional<Access.Viewer> viewer = access.viewer(exchange.getRequestHeaders().getFirst("Authorization"));
        if (viewer.isEmpty()) {
            byte[] body = ("{\"error\": \"a Kubernetes bearer token is needed\", \"how\": "
                    + "\"Paste a token that may read Runs: `kubectl create token <service-account> -n <namespace>`, or the token of your "
                    + "kubeconfig's user.\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"stratoflow\"");
            send(exchange, 401, "application/json", body);
            return;
        }
        ViewApi.Answer answer = api.get(path, query(exchange.getRequestURI()), viewer.get());
        if (answer.stream() != null) {
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), 0);
            try (InputStream in = answer.stream(); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
            return;
        }
        send(exchange, answer.status(), answer.contentType(), answer.body());
    }

    private void serveFile(HttpExchange exchange, String path) throws IOException {
        String resource = switch (path) {
            case "/", "/index.html" -> "/stratoflow-view/index.html";
            case "/assets/echarts.min.js" -> ECHARTS;
            default -> path.matches("/[a-z-]+\\.(js|css|svg)") ? "/stratoflow-view" + path : null;
        };
        InputStream in = resource == null ? null : ViewServer.class.getResourceAsStream(resource);
        if (in == null) {
            send(exchange, 404, "text/plain; charset=utf-8", ("Not found: " + path).getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (in) {
            String type = TYPES.getOrDefault(resource.substring(resource.lastIndexOf('.') + 1), "application/octet-stream");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            query.put(name, value);
        }
        return query;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
