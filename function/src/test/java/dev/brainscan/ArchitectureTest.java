package dev.brainscan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The package graph the README's Architecture section draws, read from the sources' imports. */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(dev\\.brainscan(?:\\.[a-z]\\w*)*)\\.[A-Z]",
            Pattern.MULTILINE);
    private static final Pattern FULLY_QUALIFIED = Pattern.compile("\\b(dev\\.brainscan(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void noCycleBetweenPackages() {
        Map<String, Set<String>> graph = packageGraph();
        assertTrue(graph.size() >= 10, graph.toString());
        List<String> cycle = findCycle(graph);
        assertTrue(cycle.isEmpty(), "package cycle: " + String.join(" -> ", cycle));
    }

    @Test
    void theResultContractAndTheStoreDependOnNoOtherPackage() {
        Map<String, Set<String>> graph = packageGraph();
        assertEquals(Set.of(), graph.get("dev.brainscan.core.result"));
        assertEquals(Set.of(), graph.get("dev.brainscan.store"));
        assertEquals(Set.of("dev.brainscan.core.result"), graph.get("dev.brainscan.core.image.dicom"));
    }

    @Test
    void theCoreKnowsNoAwsTypesAndNoChannel() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve("dev/brainscan/core"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                for (String banned : List.of("com.amazonaws", "software.amazon", "dev.brainscan.http",
                        "dev.brainscan.flow", "dev.brainscan.lambda", "dev.brainscan.cli", "dev.brainscan.app")) {
                    assertTrue(!src.contains("import " + banned), f + " imports " + banned);
                }
            }
        }
    }

    /** Package -> the project packages its classes import (imports and fully qualified names). */
    static Map<String, Set<String>> packageGraph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(f.getParent()).toString().replace('/', '.');
                Set<String> deps = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                String src = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
                for (Pattern p : List.of(IMPORT, FULLY_QUALIFIED)) {
                    Matcher m = p.matcher(src);
                    while (m.find()) {
                        if (!m.group(1).equals(pkg)) {
                            deps.add(m.group(1));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    static List<String> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>();
        for (String start : graph.keySet()) {
            List<String> trail = new ArrayList<>();
            List<String> cycle = visit(start, graph, state, trail);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state,
                                      List<String> trail) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(trail.subList(trail.indexOf(node), trail.size()));
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        trail.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = visit(next, graph, state, trail);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        trail.remove(trail.size() - 1);
        state.put(node, 2);
        return List.of();
    }
}
