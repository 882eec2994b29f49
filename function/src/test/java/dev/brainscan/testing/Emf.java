package dev.brainscan.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks CloudWatch embedded-metric-format lines against the published specification
 * (CloudWatch_Embedded_Metric_Format_Specification): the root is a JSON object whose
 * {@code _aws} holds a numeric {@code Timestamp} and a {@code CloudWatchMetrics} array of
 * directives; each directive has a {@code Namespace}, {@code Dimensions} (arrays of at most 30
 * names, each a root member holding a string) and {@code Metrics} (at most 100 definitions, each
 * {@code Name} a root member holding a number or an array of at most 100 numbers, each
 * {@code Unit} one of the CloudWatch units).
 */
public final class Emf {
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");

    private Emf() {
    }

    /** The EMF lines among {@code log}'s lines (those with an {@code _aws} member), each checked. */
    public static List<JsonNode> lines(String log) {
        List<JsonNode> found = new ArrayList<>();
        for (String line : log.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("{") || !trimmed.contains("\"_aws\"")) {
                continue;
            }
            JsonNode root;
            try {
                root = Json.mapper().readTree(trimmed);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + trimmed, e);
            }
            check(root, trimmed);
            found.add(root);
        }
        return found;
    }

    /** Throws an AssertionError naming the first rule {@code root} breaks. */
    public static void check(JsonNode root, String text) {
        require(root.isObject(), "root is not an object", text);
        JsonNode aws = root.get("_aws");
        require(aws != null && aws.isObject(), "_aws is not an object", text);
        require(aws.has("Timestamp") && aws.get("Timestamp").isIntegralNumber()
                && aws.get("Timestamp").asLong() > 1_500_000_000_000L, "_aws.Timestamp is not epoch milliseconds", text);
        JsonNode directives = aws.get("CloudWatchMetrics");
        require(directives != null && directives.isArray() && !directives.isEmpty(), "no CloudWatchMetrics", text);
        Set<String> seen = new HashSet<>();
        for (JsonNode d : directives) {
            require(d.isObject(), "a directive is not an object", text);
            JsonNode ns = d.get("Namespace");
            require(ns != null && ns.isTextual() && !ns.asText().isEmpty() && ns.asText().length() <= 255,
                    "Namespace missing or too long", text);
            JsonNode dims = d.get("Dimensions");
            require(dims != null && dims.isArray(), "Dimensions is not an array", text);
            for (JsonNode set : dims) {
                require(set.isArray() && set.size() <= 30, "a dimension set is not an array of <= 30 names", text);
                for (JsonNode name : set) {
                    JsonNode value = root.get(name.asText());
                    require(name.isTextual() && value != null && value.isTextual() && !value.asText().isEmpty()
                            && value.asText().length() <= 1024, "dimension " + name + " is not a string member", text);
                }
            }
            JsonNode metrics = d.get("Metrics");
            require(metrics != null && metrics.isArray() && metrics.size() <= 100, "Metrics missing or over 100", text);
            for (JsonNode m : metrics) {
                JsonNode name = m.get("Name");
                require(name != null && name.isTextual() && !name.asText().isEmpty() && name.asText().length() <= 1024,
                        "a metric has no Name", text);
                require(!m.has("Unit") || UNITS.contains(m.get("Unit").asText()), "unknown Unit " + m.get("Unit"), text);
                JsonNode value = root.get(name.asText());
                require(value != null && (value.isNumber() || value.isArray() && value.size() <= 100
                        && allNumbers(value)), "metric " + name + " has no numeric member", text);
                seen.add(name.asText());
            }
        }
        require(!seen.isEmpty(), "no metric", text);
    }

    private static boolean allNumbers(JsonNode array) {
        for (JsonNode v : array) {
            if (!v.isNumber()) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean ok, String rule, String text) {
        if (!ok) {
            throw new AssertionError("invalid EMF line (" + rule + "): " + text);
        }
    }
}
