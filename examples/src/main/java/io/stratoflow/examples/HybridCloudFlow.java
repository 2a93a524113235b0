package io.stratoflow.examples;

import io.stratoflow.Stratoflow;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Kubernetes;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Resources;
import io.stratoflow.api.Step;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mixing compute environments: start reads shard files on this machine, prepare_data runs on
 * the on-prem pool, train on GPUs, the join on high-memory nodes, and end prints locally.
 */
public class HybridCloudFlow extends FlowSpec {

    @Parameter(help = "Directory with one <country>.data shard per country")
    String dataDir = "examples/data";

    List<String> countries;
    Map<String, String> shards;
    String country;
    int rows;
    double score;
    String best;

    @Step(next = "prepare_data", foreach = "countries")
    public void start() {
        countries = List.of("US", "BR", "IT");
        shards = new LinkedHashMap<>();
        for (String c : countries) {
            try {
                shards.put(c, Files.readString(Path.of(dataDir, c + ".data")));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the shard of " + c + " in " + Path.of(dataDir).toAbsolutePath()
                        + "; pass --dataDir with the directory that holds the .data files", e);
            }
        }
    }

    @Kubernetes(computePool = "onprem")
    @Step(next = "train")
    public void prepare_data() {
        country = input();
        rows = (int) shards.get(country).lines().count();
        System.out.println("processing a shard of data: " + rows + " rows for " + country);
    }

    @Resources(gpu = 2)
    @Kubernetes(computePool = "gpu", tolerations = "nvidia.com/gpu:NoSchedule")
    @Step(next = "join")
    public void train() {
        System.out.println("training model for " + input());
        score = shards.get(country).lines().mapToDouble(line -> Double.parseDouble(line.split(",")[2])).average().orElse(0);
    }

    @Resources(memory = 16000)
    @Kubernetes(computePool = "highmem")
    @Step(next = "end")
    public void join(Inputs<HybridCloudFlow> inputs) {
        best = inputs.stream().max(Comparator.comparingDouble(i -> i.score)).map(i -> i.country).orElseThrow();
    }

    @Step
    public void end() {
        System.out.println(best + " produced best results");
    }

    public static void main(String[] args) {
        Stratoflow.main(HybridCloudFlow.class, args);
    }
}
