package ${package};

import io.stratoflow.Stratoflow;
import io.stratoflow.api.FlowSpec;
import io.stratoflow.api.Inputs;
import io.stratoflow.api.Parameter;
import io.stratoflow.api.Resources;
import io.stratoflow.api.Step;

import java.util.List;

/**
 * A first flow: {@code start} fans out over {@code words}, one {@code count} task per word (in parallel, each in a
 * worker JVM locally or a Pod on Kubernetes), {@code join} adds up what the tasks found and {@code end} prints it.
 */
public class HelloFlow extends FlowSpec {

    @Parameter(help = "Words to count the letters of, comma-separated")
    List<String> words = List.of("alpha", "beta", "gamma");

    // Fields are the flow's artifacts: each task's values are stored and reach the steps after it.
    String word;
    int letters;
    int total;

    @Step(next = "count", foreach = "words")
    public void start() {
        System.out.println("Counting the letters of " + words.size() + " words: " + words);
    }

    @Resources(cpu = 1, memory = 512)
    @Step(next = "join")
    public void count() {
        word = input();
        letters = word.length();
        System.out.println(word + ": " + letters + " letters");
    }

    @Step(next = "end")
    public void join(Inputs<HelloFlow> inputs) {
        total = inputs.stream().mapToInt(branch -> branch.letters).sum();
    }

    @Step
    public void end() {
        System.out.println("Result: " + total + " letters in " + words.size() + " words");
    }

    public static void main(String[] args) {
        Stratoflow.main(HelloFlow.class, args);
    }
}
