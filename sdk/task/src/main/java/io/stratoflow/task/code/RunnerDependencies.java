package io.stratoflow.task.code;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The task runner's runtime dependency closure (Jackson, the datastore's clients, …), as the
 * build of this module listed it in {@value #RESOURCE} with maven-dependency-plugin's {@code list}
 * goal. A Pod's task runner already has these jars, so a code package leaves them out.
 */
public final class RunnerDependencies {

    /** The resource the build writes into this module's classes. */
    public static final String RESOURCE = "META-INF/stratoflow/task-runner-dependencies.txt";

    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final Set<String> SCOPES = Set.of("compile", "runtime", "provided", "system", "test", "import");

    /**
     * One dependency, as Maven names it.
     *
     * @param classifier empty when there is none
     */
    public record Coordinates(String groupId, String artifactId, String type, String classifier, String version) {

        /** The file name Maven and Gradle give the jar: {@code artifactId-version[-classifier].type}. */
        public String fileName() {
            return artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type;
        }

        @Override
        public String toString() {
            return groupId + ":" + artifactId + ":" + version + (classifier.isEmpty() ? "" : ":" + classifier);
        }
    }

    private final List<Coordinates> dependencies;

    RunnerDependencies(List<Coordinates> dependencies) {
        this.dependencies = List.copyOf(dependencies);
    }

    /**
     * The lists the SDK's modules were built with (the task module's, and the SDK's, whose closure
     * is what the task-runner image holds), merged; empty when none is found (classes compiled by a
     * tool that skipped the Maven build), in which case packages merely carry jars they need not.
     */
    public static RunnerDependencies ofTaskRunner() {
        List<Coordinates> all = new ArrayList<>();
        try {
            var listings = RunnerDependencies.class.getClassLoader().getResources(RESOURCE);
            while (listings.hasMoreElements()) {
                try (InputStream in = listings.nextElement().openStream()) {
                    all.addAll(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).dependencies);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new RunnerDependencies(all.stream().distinct().toList());
    }

    /**
     * Reads the output of {@code dependency:list}: one {@code groupId:artifactId:type[:classifier]:version[:scope]}
     * per line, possibly followed by {@code -- module …} and terminal colours; other lines are ignored.
     */
    static RunnerDependencies parse(String listing) {
        List<Coordinates> found = new ArrayList<>();
        for (String raw : listing.split("\\R")) {
            String line = ANSI_ESCAPE.matcher(raw).replaceAll("");
            int module = line.indexOf(" -- ");
            String[] parts = (module < 0 ? line : line.substring(0, module)).trim().split(":");
            int length = parts.length;
            if (length > 4 && SCOPES.contains(parts[length - 1])) {
                length--;
            }
            if (length == 4) {
                found.add(new Coordinates(parts[0], parts[1], parts[2], "", parts[3]));
            } else if (length == 5) {
                found.add(new Coordinates(parts[0], parts[1], parts[2], parts[3], parts[4]));
            }
        }
        return new RunnerDependencies(found);
    }

    public List<Coordinates> all() {
        return dependencies;
    }

    /** The dependency whose jar has this file name, if the runner has one. */
    public Optional<Coordinates> byFileName(String fileName) {
        return dependencies.stream().filter(d -> d.fileName().equals(fileName)).findFirst();
    }
}
