package dev.brainscan.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.core.result.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compares JSON with a golden file of {@code src/test/resources/golden/} field by field:
 * the same field names in the same order, the same values. A golden string {@code <...>}
 * is a placeholder for a value that varies between runs or models (docs/contracts.md
 * section 3.4); any other value must be equal. The actual JSON is written to
 * {@code target/golden-actual/} to compare or, when the contract changed on purpose, to copy.
 */
public final class GoldenJson {
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private GoldenJson() {
    }

    public static JsonNode load(String name) {
        try (InputStream in = GoldenJson.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no golden file " + name);
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void assertMatches(String goldenName, String actualJson) {
        try {
            assertMatches(goldenName, Json.mapper().readTree(actualJson));
        } catch (IOException e) {
            fail("not JSON: " + actualJson);
        }
    }

    public static void assertMatches(String goldenName, JsonNode actual) {
        Path written = Path.of("target", "golden-actual", goldenName);
        try {
            Files.createDirectories(written.getParent());
            Files.writeString(written, actual.toPrettyString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> differences = new ArrayList<>();
        compare("$", load(goldenName), actual, differences);
        if (!differences.isEmpty()) {
            fail("differs from golden/" + goldenName + " (actual in " + written.toAbsolutePath() + "):\n  "
                    + String.join("\n  ", differences));
        }
    }

    /** A JSON object of an HTTP response: status, the headers named in the golden file, and the body. */
    public static ObjectNode response(int status, Map<String, String> headers, String body) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("status", status);
        ObjectNode h = out.putObject("headers");
        headers.forEach(h::put);
        try {
            out.set("body", Json.mapper().readTree(body));
        } catch (IOException e) {
            out.put("body", body);
        }
        return out;
    }

    private static void compare(String path, JsonNode golden, JsonNode actual, List<String> out) {
        if (actual == null || actual.isMissingNode()) {
            out.add(path + ": missing");
            return;
        }
        if (golden.isTextual() && golden.asText().startsWith("<") && golden.asText().endsWith(">")) {
            String problem = placeholder(golden.asText(), actual);
            if (problem != null) {
                out.add(path + ": " + problem + ", got " + actual);
            }
            return;
        }
        if (golden.isTextual() && golden.asText().contains("<uuid>")) {
            String regex = Pattern.quote(golden.asText()).replace("<uuid>", "\\E" + UUID.pattern() + "\\Q");
            if (!actual.isTextual() || !actual.asText().matches(regex)) {
                out.add(path + ": expected " + golden + " with <uuid> a UUID, got " + actual);
            }
            return;
        }
        if (golden.isObject()) {
            if (!actual.isObject()) {
                out.add(path + ": expected an object, got " + actual.getNodeType());
                return;
            }
            List<String> expectedNames = names(golden);
            List<String> actualNames = names(actual);
            if (!expectedNames.equals(actualNames)) {
                out.add(path + ": fields " + actualNames + ", expected " + expectedNames);
            }
            for (String name : expectedNames) {
                if (actual.has(name)) {
                    compare(path + "." + name, golden.get(name), actual.get(name), out);
                }
            }
            return;
        }
        if (golden.isArray()) {
            if (!actual.isArray() || actual.size() != golden.size()) {
                out.add(path + ": expected an array of " + golden.size() + ", got " + actual);
                return;
            }
            for (int i = 0; i < golden.size(); i++) {
                compare(path + "[" + i + "]", golden.get(i), actual.get(i), out);
            }
            return;
        }
        boolean equal = golden.isNumber() && actual.isNumber()
                ? golden.decimalValue().compareTo(actual.decimalValue()) == 0
                : golden.equals(actual);
        if (!equal) {
            out.add(path + ": expected " + golden + ", got " + actual);
        }
    }

    /** Null when {@code actual} is a value the placeholder allows, else what is wrong. */
    private static String placeholder(String kind, JsonNode actual) {
        String text = actual.isTextual() ? actual.asText() : null;
        return switch (kind) {
            case "<any>" -> null;
            case "<number>" -> actual.isNumber() && actual.asDouble() >= 0 ? null : "expected a non-negative number";
            case "<score>" -> actual.isNumber() && actual.asDouble() >= 0 && actual.asDouble() <= 1 ? null
                    : "expected a number in [0, 1]";
            case "<string>" -> text != null && !text.isBlank() ? null : "expected a non-blank string";
            case "<label>" -> "tumor".equals(text) || "no_tumor".equals(text) ? null : "expected tumor or no_tumor";
            case "<tier>" -> text != null && text.matches("low|medium|high") ? null : "expected low, medium or high";
            case "<timestamp>" -> text != null && TIMESTAMP.matcher(text).matches() ? null : "expected an ISO-8601 UTC time";
            case "<sha256>" -> text != null && SHA256.matcher(text).matches() ? null : "expected 64 lowercase hex digits";
            case "<uuid>" -> text != null && UUID.matcher(text).matches() ? null : "expected a UUID";
            case "<message>" -> text != null && !text.isBlank() && !text.contains("Exception") && !text.contains("\tat ")
                    && !text.contains("\n") && !text.contains("/tmp") && !text.contains("dev.brainscan") ? null
                    : "expected a caller-facing message (no stack trace, path or class name)";
            default -> "unknown placeholder " + kind;
        };
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
