package dev.brainscan.core.result;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;

/** The one JSON mapper: results, manifests, logs and HTTP bodies. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    /** JSON text of {@code value}; a {@link ScanResult} is written by {@link ResultJson}, as binding would. */
    public static String write(Object value) {
        try {
            if (value instanceof ScanResult result) {
                StringWriter out = new StringWriter(1024);
                try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
                    ResultJson.write(g, result);
                }
                return out.toString();
            }
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** UTF-8 JSON of {@code value}; a {@link ScanResult} is written by {@link ResultJson}, as binding would. */
    public static byte[] writeBytes(Object value) {
        try {
            if (value instanceof ScanResult result) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
                try (JsonGenerator g = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                    ResultJson.write(g, result);
                }
                return out.toByteArray();
            }
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
