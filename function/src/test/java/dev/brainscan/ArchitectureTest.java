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

    /**
     * The floors, lowest first: a package imports only packages on a lower floor (never its own
     * floor's other packages, never a floor above). Inside {@code core} the order is result,
     * image.dicom, image, model, then core itself (the classifier). A new package needs a floor here.
     */
    static final List<List<String>> FLOORS = List.of(
            List.of("core.result", "store", "phantom"),
            List.of("core.image.dicom"),
            List.of("core.image"),
            List.of("core.model"),
            List.of("core"),
            List.of("config", "log"),
            List.of("http", "flow"),
            List.of("app"),
            List.of("lambda", "serve"),
            List.of("cli"));

    @Test
    void everyImportPointsDownAFloor() {
        Map<String, Set<String>> graph = packageGraph();
        for (String pkg : graph.keySet()) {
            assertTrue(floorOf(pkg) >= 0, pkg + " has no floor in ArchitectureTest.FLOORS: add it where its imports put it");
        }
        assertEquals(List.of(), upwardImports(graph), "imports that do not point down a floor");
    }

    @Test
    void anImportPointingUpInsideCoreFails() {
        Map<String, Set<String>> graph = new TreeMap<>(packageGraph());
        Set<String> imageDeps = new TreeSet<>(graph.get("dev.brainscan.core.image"));
        imageDeps.add("dev.brainscan.core");
        imageDeps.add("dev.brainscan.core.model");
        graph.put("dev.brainscan.core.image", imageDeps);
        Set<String> resultDeps = new TreeSet<>(Set.of("dev.brainscan.core.image.dicom"));
        graph.put("dev.brainscan.core.result", resultDeps);
        assertEquals(List.of("dev.brainscan.core.image -> dev.brainscan.core",
                        "dev.brainscan.core.image -> dev.brainscan.core.model",
                        "dev.brainscan.core.result -> dev.brainscan.core.image.dicom"),
                upwardImports(graph));
    }

    /**
     * Inside {@code core.image}: the building blocks (planes, masks, buffers, limits) use no stage of
     * the pipeline, and the two entry points (the decoder and preprocessing v2) are used by no class
     * of the package; {@code core} and {@code core.model} call them.
     */
    static final Set<String> IMAGE_BUILDING_BLOCKS = Set.of("Limits", "RgbImage", "BitMask", "Workspace", "Bytes");
    static final Set<String> IMAGE_ENTRY_POINTS = Set.of("ImageDecoder", "PreprocessingV2");

    @Test
    void insideCoreImageNoClassReachesBackUp() {
        Map<String, Set<String>> refs = classGraph(MAIN.resolve("dev/brainscan/core/image"));
        assertTrue(refs.keySet().containsAll(IMAGE_BUILDING_BLOCKS) && refs.keySet().containsAll(IMAGE_ENTRY_POINTS),
                refs.keySet().toString());
        assertEquals(List.of(), upwardInsideImage(refs), "core.image classes that reach back up");
    }

    @Test
    void theUpwardReferencesOfIssue25WouldFail() {
        Map<String, Set<String>> refs = new TreeMap<>(classGraph(MAIN.resolve("dev/brainscan/core/image")));
        refs.put("RgbImage", Set.of("PreprocessingV2"));
        refs.put("ContainerGuard", Set.of("ImageDecoder", "Limits"));
        refs.put("Limits", Set.of("BrainCropper"));
        assertEquals(List.of("ContainerGuard -> ImageDecoder", "Limits -> BrainCropper", "RgbImage -> PreprocessingV2"),
                upwardInsideImage(refs));
    }

    static int floorOf(String pkg) {
        for (int i = 0; i < FLOORS.size(); i++) {
            if (FLOORS.get(i).contains(pkg.replaceFirst("^dev\\.brainscan\\.", ""))) {
                return i;
            }
        }
        return -1;
    }

    /** "a -> b" for each import of b by a where b is not on a lower floor than a (or either has none). */
    static List<String> upwardImports(Map<String, Set<String>> graph) {
        List<String> upward = new ArrayList<>();
        graph.forEach((pkg, deps) -> {
            for (String dep : deps) {
                if (floorOf(pkg) < 0 || floorOf(dep) < 0 || floorOf(dep) >= floorOf(pkg)) {
                    upward.add(pkg + " -> " + dep);
                }
            }
        });
        return upward;
    }

    static List<String> upwardInsideImage(Map<String, Set<String>> refs) {
        List<String> upward = new ArrayList<>();
        refs.forEach((cls, uses) -> {
            for (String used : uses) {
                boolean fromBlockToStage = IMAGE_BUILDING_BLOCKS.contains(cls) && !IMAGE_BUILDING_BLOCKS.contains(used);
                if (fromBlockToStage || IMAGE_ENTRY_POINTS.contains(used)) {
                    upward.add(cls + " -> " + used);
                }
            }
        });
        return upward;
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
                        "dev.brainscan.flow", "dev.brainscan.lambda", "dev.brainscan.serve", "dev.brainscan.cli",
                        "dev.brainscan.app")) {
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

    /** Class -> the other classes of the same package its code names (comments left out). */
    static Map<String, Set<String>> classGraph(Path dir) {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                sources.put(name, Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        sources.forEach((cls, src) -> {
            Set<String> uses = new TreeSet<>();
            for (String other : sources.keySet()) {
                if (!other.equals(cls) && Pattern.compile("\\b" + other + "\\b").matcher(src).find()) {
                    uses.add(other);
                }
            }
            graph.put(cls, uses);
        });
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
