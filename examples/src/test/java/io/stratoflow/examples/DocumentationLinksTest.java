package io.stratoflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README, the pages of {@code docs/} and the READMEs of the dev stack and the chart link to each other and to files
 * of the repository: every relative link must name a file that exists and, with a {@code #anchor}, a heading of that
 * file.
 */
class DocumentationLinksTest {

    private static final int README_MAX_LINES = 300;

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)[^)]*\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");

    private final Path root = repositoryRoot();

    @Test
    void readmeStaysAFrontDoorUnder300Lines() throws IOException {
        long lines = Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8).size();
        assertThat(lines)
                .as("README.md has %d lines; keep it a front door and move the depth to docs/", lines)
                .isLessThan(README_MAX_LINES);
    }

    @Test
    void everyRelativeLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            for (String target : links(page)) {
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(root.relativize(page) + ": link (" + target + "): " + problem);
                }
            }
        }
        assertThat(broken).as("broken links in the documentation").isEmpty();
    }

    private List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        pages.add(root.resolve("dev/README.md"));
        pages.add(root.resolve("helm/stratoflow/README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** What is wrong with a link from {@code page}, or null if it resolves. */
    private String problem(Path page, String target) throws IOException {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "no file " + root.relativize(resolved);
        }
        if (anchor != null) {
            if (!resolved.toString().endsWith(".md")) {
                return "an anchor into " + root.relativize(resolved) + ", which is not Markdown";
            }
            if (!anchors(resolved).contains(anchor)) {
                return "no heading with anchor #" + anchor + " in " + root.relativize(resolved);
            }
        }
        return null;
    }

    /** The relative link targets of a Markdown file, outside code blocks and code spans. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        for (String line : prose(page)) {
            Matcher m = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
            while (m.find()) {
                String target = m.group(1);
                if (!target.matches("(?i)(https?|mailto):.*")) {
                    targets.add(target);
                }
            }
        }
        return targets;
    }

    /** The anchors GitHub gives a file's headings; a repeated heading gets -1, -2, … */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(page)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String slug = slug(m.group(1));
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return anchors;
    }

    /** GitHub's rule: lower case, punctuation other than '-' and '_' removed, each space a '-'. */
    private static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
                .replace(' ', '-');
    }

    /** The lines of a Markdown file outside fenced code blocks, where '#' starts a comment, not a heading. */
    private static List<String> prose(Path page) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean inFence = false;
        for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
            } else if (!inFence) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The directory holding README.md and docs/: surefire runs in examples/, so usually its parent. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("docs"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with README.md and docs/ above " + Path.of("").toAbsolutePath());
    }
}
