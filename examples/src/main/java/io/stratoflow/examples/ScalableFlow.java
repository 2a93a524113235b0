package io.stratoflow.examples;

import io.stratoflow.Stratoflow;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Resources;
import io.stratoflow.api.Step;

import java.util.Comparator;
import java.util.List;

/**
 * Scaling out and up: one model per country, trained in parallel with two CPUs and 16 GB each,
 * and a join that keeps the best.
 */
public class ScalableFlow extends FlowSpec {

    @Parameter(help = "Countries to train a model for, comma-separated")
    List<String> countries = List.of("US", "BR", "DE", "JP");

    @Parameter(help = "Training rounds per model")
    int rounds = 200_000;

    String country;
    double score;
    String best;
    double bestScore;

    @Step(next = "train", foreach = "countries")
    public void start() {
        System.out.println("Training " + countries.size() + " models: " + countries);
    }

    @Resources(cpu = 2, memory = 16000)
    @Step(next = "join")
    public void train() {
        country = input();
        score = new ToyModel(country).fit(rounds);
        System.out.printf("%s: score %.4f%n", country, score);
    }

    @Step(next = "end")
    public void join(Inputs<ScalableFlow> inputs) {
        ScalableFlow winner = inputs.stream().max(Comparator.comparingDouble(f -> f.score)).orElseThrow();
        best = winner.country;
        bestScore = winner.score;
    }

    @Step
    public void end() {
        System.out.printf("Best model: %s (score %.4f)%n", best, bestScore);
    }

    public static void main(String[] args) {
        Stratoflow.main(ScalableFlow.class, args);
    }
}
