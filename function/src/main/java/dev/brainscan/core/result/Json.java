package dev.brainscan.core.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The one place for JSON: results, manifests, logs and HTTP bodies.
 *
 * <p>Results and manifests, which every start reads and writes, go through Jackson's streaming
 * parser and generator ({@link #tree}, {@link ResultJson}); the data-binding mapper is built on
 * first use only (about 60 ms in a fresh one-core JVM, which {@code classify} then never pays).
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private static final class Binding {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    private Json() {
    }

    /** The data-binding mapper (logs, HTTP request bodies, metrics, anything not a result). */
    public static ObjectMapper mapper() {
        return Binding.MAPPER;
    }

    /**
     * The JSON tree of {@code json}, as {@code mapper().readTree} builds it (integers as int,
     * long or big-integer nodes, other numbers as doubles, the last of duplicate keys), or null
     * when there is no content; a syntax error throws.
     */
    public static JsonNode tree(byte[] json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken t = p.nextToken();
            return t == null ? null : node(p, t);
        }
    }

    private static JsonNode node(JsonParser p, JsonToken t) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, node(p, p.nextToken()));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    a.add(node(p, v));
                }
                return a;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> f.numberNode(p.getIntValue());
                    case LONG -> f.numberNode(p.getLongValue());
                    default -> f.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return f.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }

    /** JSON text of {@code value}; a {@link ScanResult} is written by {@link ResultJson}, as binding would. */
    public static String write(Object value) {
        try {
            if (value instanceof ScanResult result) {
                StringWriter out = new StringWriter(1024);
                try (JsonGenerator g = FACTORY.createGenerator(out)) {
                    ResultJson.write(g, result);
                }
                return out.toString();
            }
            return mapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** UTF-8 JSON of {@code value}; a {@link ScanResult} is written by {@link ResultJson}, as binding would. */
    public static byte[] writeBytes(Object value) {
        try {
            if (value instanceof ScanResult) {
                return write(value).getBytes(StandardCharsets.UTF_8);
            }
            return mapper().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
