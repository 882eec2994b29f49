package dev.brainscan.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** template.yaml as maps, with the lookups the tests share (SAM Globals included). */
final class Template {
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    final Path root;
    private final Map<String, Object> document;

    private Template(Path root, Map<String, Object> document) {
        this.root = root;
        this.document = document;
    }

    static Template load() {
        Path root = repositoryRoot();
        return new Template(root, CloudFormationYaml.load(root.resolve("template.yaml")));
    }

    /** The nearest directory at or above the working directory that holds template.yaml and function/. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml")) && Files.isDirectory(dir.resolve("function"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory holding template.yaml and function/ above "
                + Path.of("").toAbsolutePath());
    }

    Object get(String key) {
        return document.get(key);
    }

    Map<String, Object> section(String key) {
        return document.containsKey(key) ? map(document.get(key)) : Map.of();
    }

    Map<String, Object> resources() {
        return section("Resources");
    }

    Map<String, Object> resource(String id) {
        Object resource = resources().get(id);
        if (resource == null) {
            throw new AssertionError("template.yaml has no resource " + id);
        }
        return map(resource);
    }

    String type(String id) {
        return (String) resource(id).get("Type");
    }

    Map<String, Object> properties(String id) {
        Object properties = resource(id).get("Properties");
        return properties == null ? Map.of() : map(properties);
    }

    List<String> idsOfType(String type) {
        return resources().keySet().stream().filter(id -> type.equals(type(id))).toList();
    }

    List<String> functionIds() {
        return idsOfType("AWS::Serverless::Function");
    }

    Map<String, Object> functionGlobals() {
        Map<String, Object> globals = section("Globals");
        return globals.containsKey("Function") ? map(globals.get("Function")) : Map.of();
    }

    /** A function's property as SAM sees it: its own value, else the one from Globals. */
    Object functionProperty(String id, String name) {
        Object own = properties(id).get(name);
        return own != null ? own : functionGlobals().get(name);
    }

    /** Environment variables of a function: Globals merged with its own, its own winning (as SAM merges maps). */
    Map<String, Object> environment(String id) {
        Map<String, Object> merged = new LinkedHashMap<>(variables(functionGlobals()));
        merged.putAll(variables(properties(id)));
        return merged;
    }

    private static Map<String, Object> variables(Map<String, Object> properties) {
        Object environment = properties.get("Environment");
        if (environment == null) {
            return Map.of();
        }
        Object variables = map(environment).get("Variables");
        return variables == null ? Map.of() : map(variables);
    }

    /** Every IAM statement anywhere in the template (role policies, bucket policies, trust policies). */
    List<Map<String, Object>> statements() {
        List<Map<String, Object>> found = new ArrayList<>();
        collectStatements(document, found);
        return found;
    }

    private static void collectStatements(Object node, List<Map<String, Object>> found) {
        if (node instanceof Map<?, ?> m) {
            if (m.containsKey("Effect") && (m.containsKey("Action") || m.containsKey("NotAction"))) {
                found.add(map(m));
            }
            m.values().forEach(v -> collectStatements(v, found));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectStatements(v, found));
        }
    }

    /** The statements of the inline policies of one IAM role, by Sid. */
    Map<String, Map<String, Object>> roleStatements(String roleId) {
        Map<String, Map<String, Object>> bySid = new LinkedHashMap<>();
        for (Object policy : list(properties(roleId).get("Policies"))) {
            Map<String, Object> document = map(map(policy).get("PolicyDocument"));
            for (Object statement : list(document.get("Statement"))) {
                Map<String, Object> s = map(statement);
                bySid.put((String) s.get("Sid"), s);
            }
        }
        return bySid;
    }

    /** The resources each resource depends on, through Ref, GetAtt, Sub and DependsOn. */
    Map<String, Set<String>> dependencies() {
        Set<String> ids = resources().keySet();
        Map<String, Set<String>> graph = new LinkedHashMap<>();
        for (String id : ids) {
            Set<String> targets = new LinkedHashSet<>();
            Map<String, Object> resource = resource(id);
            collectReferences(resource.get("Properties"), Set.of(), targets);
            for (Object dependsOn : list(resource.getOrDefault("DependsOn", List.of()))) {
                targets.add((String) dependsOn);
            }
            targets.retainAll(ids);
            graph.put(id, targets);
        }
        return graph;
    }

    /** A dependency cycle, as the resources along it, if there is one. */
    Optional<List<String>> dependencyCycle() {
        Map<String, Set<String>> graph = dependencies();
        Map<String, Integer> state = new HashMap<>();
        for (String start : graph.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            Optional<List<String>> cycle = visit(start, graph, state, path);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        return Optional.empty();
    }

    private static Optional<List<String>> visit(String id, Map<String, Set<String>> graph,
            Map<String, Integer> state, Deque<String> path) {
        int s = state.getOrDefault(id, 0);
        if (s == 2) {
            return Optional.empty();
        }
        if (s == 1) {
            List<String> trail = new ArrayList<>(path).reversed();
            List<String> cycle = new ArrayList<>(trail.subList(trail.indexOf(id), trail.size()));
            cycle.add(id);
            return Optional.of(cycle);
        }
        state.put(id, 1);
        path.push(id);
        for (String next : graph.getOrDefault(id, Set.of())) {
            Optional<List<String>> cycle = visit(next, graph, state, path);
            if (cycle.isPresent()) {
                return cycle;
            }
        }
        path.pop();
        state.put(id, 2);
        return Optional.empty();
    }

    private static void collectReferences(Object node, Set<String> localNames, Set<String> into) {
        if (node instanceof Map<?, ?> m) {
            if (m.size() == 1 && m.containsKey("Ref") && m.get("Ref") instanceof String ref) {
                into.add(logicalId(ref));
                return;
            }
            if (m.size() == 1 && m.get("Fn::GetAtt") instanceof List<?> getAtt) {
                into.add(logicalId(String.valueOf(getAtt.getFirst())));
                return;
            }
            if (m.size() == 1 && m.get("Fn::If") instanceof List<?> ifArgs && !ifArgs.isEmpty()) {
                // The condition's name (never a resource), then both branches.
                into.add(String.valueOf(ifArgs.getFirst()));
                collectReferences(ifArgs.subList(1, ifArgs.size()), localNames, into);
                return;
            }
            if (m.size() == 1 && m.containsKey("Fn::Sub")) {
                Object sub = m.get("Fn::Sub");
                String text;
                Set<String> names = new LinkedHashSet<>(localNames);
                if (sub instanceof List<?> l) {
                    text = (String) l.get(0);
                    Map<String, Object> variables = map(l.get(1));
                    names.addAll(variables.keySet());
                    collectReferences(variables, localNames, into);
                } else {
                    text = (String) sub;
                }
                Matcher matcher = SUB_VARIABLE.matcher(text);
                while (matcher.find()) {
                    String name = matcher.group(1);
                    if (!names.contains(name)) {
                        into.add(logicalId(name));
                    }
                }
                return;
            }
            m.values().forEach(v -> collectReferences(v, localNames, into));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectReferences(v, localNames, into));
        }
    }

    /** Every name a node refers to (parameters, resources, pseudo parameters) through Ref, GetAtt and Sub. */
    static Set<String> referencedNames(Object node) {
        Set<String> names = new LinkedHashSet<>();
        collectReferences(node, Set.of(), names);
        return names;
    }

    /** {@code Fn.Alias}, {@code Fn.Arn}: the resource is the part before the first dot. */
    private static String logicalId(String reference) {
        int dot = reference.indexOf('.');
        return dot < 0 ? reference : reference.substring(0, dot);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        if (!(node instanceof Map<?, ?>)) {
            throw new AssertionError("expected a mapping, got " + node);
        }
        return (Map<String, Object>) node;
    }

    /** A value that CloudFormation accepts as one item or a list of them, as a list. */
    static List<Object> list(Object node) {
        if (node == null) {
            return List.of();
        }
        if (node instanceof List<?> l) {
            return List.copyOf(l);
        }
        return List.of(node);
    }
}
