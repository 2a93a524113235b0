package io.stratoflow.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The CRD generator sorts printer columns by name, which puts Age first; kubectl's convention is
 * Age last. This moves the creation-timestamp column after the others in generated CRD YAML.
 */
final class PrinterColumnOrder {

    private static final String AGE_PATH = ".metadata.creationTimestamp";

    private PrinterColumnOrder() {
    }

    static String ageLast(String yaml) {
        List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            out.add(lines.get(i));
            if (!lines.get(i).trim().equals("- additionalPrinterColumns:") && !lines.get(i).trim().equals("additionalPrinterColumns:")) {
                continue;
            }
            int itemIndent = indentOf(lines.get(i + 1));
            List<List<String>> columns = new ArrayList<>();
            int j = i + 1;
            while (j < lines.size()) {
                String line = lines.get(j);
                boolean newColumn = indentOf(line) == itemIndent && line.trim().startsWith("- ");
                if (!newColumn && indentOf(line) <= itemIndent) {
                    break;
                }
                if (newColumn) {
                    columns.add(new ArrayList<>());
                }
                columns.get(columns.size() - 1).add(lines.get(j));
                j++;
            }
            List<List<String>> age = columns.stream().filter(c -> String.join("\n", c).contains("\"" + AGE_PATH + "\"")).toList();
            columns.removeAll(age);
            columns.addAll(age);
            columns.forEach(out::addAll);
            i = j - 1;
        }
        return String.join("\n", out);
    }

    private static int indentOf(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
