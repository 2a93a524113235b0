package io.stratoflow.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Run by the build after the CRD generator: writes each generated CRD, with the Age printer
 * column moved last, to every directory given (the repository's crds/ and the chart's crds/), so
 * that neither is ever edited by hand.
 */
public final class CrdPublisher {

    private CrdPublisher() {
    }

    public static void main(String[] args) throws IOException {
        Path generated = Path.of(args[0]);
        List<Path> crds = generatedCrds(generated);
        if (crds.isEmpty()) {
            throw new IllegalStateException("No CRDs were generated in " + generated);
        }
        for (int i = 1; i < args.length; i++) {
            Path target = Path.of(args[i]);
            Files.createDirectories(target);
            for (Path crd : crds) {
                String published = PrinterColumnOrder.ageLast(Files.readString(crd));
                Path file = target.resolve(crd.getFileName());
                if (!Files.exists(file) || !Files.readString(file).equals(published)) {
                    Files.writeString(file, published);
                }
            }
        }
    }

    static List<Path> generatedCrds(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
    }
}
