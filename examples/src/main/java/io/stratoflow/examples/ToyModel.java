package io.stratoflow.examples;

import java.util.SplittableRandom;

/** A stand-in for real training: a deterministic random walk whose end point is the score. */
final class ToyModel {

    private final SplittableRandom random;

    ToyModel(String seed) {
        this.random = new SplittableRandom(seed.hashCode());
    }

    double fit(int rounds) {
        double weight = 0;
        for (int i = 0; i < rounds; i++) {
            double gradient = random.nextDouble() - 0.5 - weight * 1e-3;
            weight += 0.01 * gradient;
        }
        return 1 / (1 + Math.exp(-weight));
    }
}
