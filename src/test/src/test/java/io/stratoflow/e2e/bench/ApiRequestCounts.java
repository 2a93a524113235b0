package io.stratoflow.e2e.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's request counters ({@code apiserver_request_total}) summed by verb and by
 * resource, read before and after a measurement: every client's requests, the operator's, the
 * scheduler's, KWOK's and this benchmark's own, which stay the same from one version of the operator
 * to the next, so that a difference between two runs of the benchmark is the operator's.
 */
record ApiRequestCounts(Map<String, Double> byVerb, Map<String, Double> byVerbAndResource) {

    static final String[] VERBS = {"GET", "LIST", "WATCH", "POST", "PUT", "PATCH", "APPLY", "DELETE"};
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    static ApiRequestCounts read(KubernetesClient client) throws Exception {
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(client.getMasterUrl().toString().replaceAll("/$", "") + "/metrics").build();
        HttpResponse<String> response = http.sendAsync(request, String.class).get();
        if (response.code() != 200) {
            throw new IllegalStateException("The API server's /metrics answered " + response.code());
        }
        return parse(response.body());
    }

    static ApiRequestCounts parse(String metrics) {
        Map<String, Double> byVerb = new TreeMap<>();
        Map<String, Double> byVerbAndResource = new TreeMap<>();
        metrics.lines().filter(line -> line.startsWith("apiserver_request_total{")).forEach(line -> {
            Map<String, String> labels = new TreeMap<>();
            Matcher label = LABEL.matcher(line.substring(0, line.lastIndexOf('}')));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            String verb = labels.getOrDefault("verb", "?");
            String resource = labels.getOrDefault("resource", "") + (labels.getOrDefault("subresource", "").isEmpty() ? "" : "/" + labels.get("subresource"));
            byVerb.merge(verb, count, Double::sum);
            byVerbAndResource.merge(verb + " " + resource, count, Double::sum);
        });
        return new ApiRequestCounts(byVerb, byVerbAndResource);
    }

    ApiRequestCounts since(ApiRequestCounts earlier) {
        return new ApiRequestCounts(minus(byVerb, earlier.byVerb), minus(byVerbAndResource, earlier.byVerbAndResource));
    }

    private static Map<String, Double> minus(Map<String, Double> later, Map<String, Double> earlier) {
        Map<String, Double> difference = new TreeMap<>();
        later.forEach((key, count) -> {
            double delta = count - earlier.getOrDefault(key, 0.0);
            if (delta > 0) {
                difference.put(key, delta);
            }
        });
        return difference;
    }

    /** One line per verb, requests per task; then the resources of the Run's own traffic (Pods, Runs, Events) per task. */
    String perTask(int tasks) {
        StringBuilder text = new StringBuilder("  API requests per task (all clients):");
        for (String verb : VERBS) {
            text.append(String.format(Locale.ROOT, " %s %.2f", verb, byVerb.getOrDefault(verb, 0.0) / tasks));
        }
        text.append(String.format(Locale.ROOT, "%n  by resource, per task:"));
        byVerbAndResource.forEach((key, count) -> {
            if (count / tasks >= 0.005 && (key.contains(" pods") || key.contains(" runs") || key.contains(" events"))) {
                text.append(String.format(Locale.ROOT, " [%s %.2f]", key, count / tasks));
            }
        });
        return text.toString();
    }
}
