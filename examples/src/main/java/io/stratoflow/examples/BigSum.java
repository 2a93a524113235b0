package io.stratoflow.examples;

import io.stratoflow.Stratoflow;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Resources;
import io.stratoflow.api.Step;

import java.util.SplittableRandom;

/**
 * Scaling up: the sum of a random size x size matrix. The full 80000 x 80000 matrix needs about
 * 48 GB, which is why start asks for 60 GB; small sizes run fine on a laptop.
 */
public class BigSum extends FlowSpec {

    @Parameter(help = "Rows and columns of the matrix")
    int size = 80_000;

    double sum;
    long tookMillis;

    @Resources(memory = 60000, cpu = 1)
    @Step(next = "end")
    public void start() {
        double[][] matrix = randomMatrix(size);
        long started = System.nanoTime();
        double total = 0;
        for (double[] row : matrix) {
            for (double value : row) {
                total += value;
            }
        }
        sum = total;
        tookMillis = (System.nanoTime() - started) / 1_000_000;
    }

    @Step
    public void end() {
        System.out.printf("The sum is %f.%n", sum);
        System.out.printf("Computing it took %dms.%n", tookMillis);
    }

    private static double[][] randomMatrix(int size) {
        SplittableRandom random = new SplittableRandom(42);
        double[][] matrix = new double[size][];
        for (int i = 0; i < size; i++) {
            matrix[i] = random.doubles(size).toArray();
        }
        return matrix;
    }

    public static void main(String[] args) {
        Stratoflow.main(BigSum.class, args);
    }
}
