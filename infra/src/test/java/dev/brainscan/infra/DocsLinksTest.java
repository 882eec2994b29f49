package dev.brainscan.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation's relative links resolve: every {@code [text](path#anchor)} in README.md,
 * docs/, infra/README.md and models/README.md names a file that exists and, with an anchor,
 * a heading of that file (anchors as GitHub writes them).
 */
class DocsLinksTest {
    private static final Path ROOT = Template.repositoryRoot();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");

    @Test
    void everyRelativeLinkInTheDocsResolves() {
        List<Path> files = documents();
        assertTrue(files.size() >= 10, "README.md, infra/README.md, models/README.md and docs/: " + files);
        List<String> broken = new ArrayList<>();
        Map<Path, Set<String>> anchors = new HashMap<>();
        int links = 0;
        for (Path file : files) {
            for (String target : links(read(file))) {
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                links++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(file) + ": " + target + " (no such file)");
                } else if (hash >= 0 && Files.isRegularFile(resolved)) {
                    String anchor = target.substring(hash + 1);
                    if (!anchors.computeIfAbsent(resolved, f -> anchorsOf(read(f))).contains(anchor)) {
                        broken.add(ROOT.relativize(file) + ": " + target + " (no such heading)");
                    }
                }
            }
        }
        assertTrue(links >= 30, "too few links found (" + links + "): is the pattern right?");
        assertEquals(List.of(), broken, "broken links");
    }

    @Test
    void anchorsAreWrittenAsGitHubWritesThem() {
        Set<String> anchors = anchorsOf("""
                # Title
                ## 6. Command line (`./brainscan`, or `java -jar function/target/brainscan.jar` on a JDK 21+)
                ### 8.1 Metrics (CloudWatch embedded metric format)
                ## Real-world scans: preprocessing v2
                ## Title
                ```
                ## not a heading, inside a fence
                ```
                """);
        assertEquals(Set.of("title", "6-command-line-brainscan-or-java--jar-functiontargetbrainscanjar-on-a-jdk-21",
                "81-metrics-cloudwatch-embedded-metric-format", "real-world-scans-preprocessing-v2", "title-1"), anchors);
        assertEquals(List.of("docs/a.md#x", "b.md"), links("see [a](docs/a.md#x) and [`b`](b.md), not `[c](c.md)`"));
    }

    private static List<Path> documents() {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("infra/README.md"),
                ROOT.resolve("models/README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static List<String> links(String markdown) {
        // code is not a link: a code span becomes empty backticks, so [`b`](b.md) stays a link
        String text = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("``");
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** GitHub's heading ids: lower case, markup and punctuation dropped, spaces to hyphens, repeats numbered. */
    static Set<String> anchorsOf(String markdown) {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : FENCE.matcher(markdown).replaceAll("").split("\n")) {
            Matcher h = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$").matcher(line);
            if (!h.matches()) {
                continue;
            }
            String id = h.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s_-]", "").replace(' ', '-');
            int n = seen.merge(id, 1, Integer::sum);
            ids.add(n == 1 ? id : id + "-" + (n - 1));
        }
        return ids;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
