package dev.brainscan.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.core.result.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hand-read manifest against Jackson's binding of the same JSON, and its refusals. */
class ModelManifestTest {
    static byte[] bundled() {
        return ModelSource.bundled().manifestJson();
    }

    @Test
    void parse_readsWhatJacksonBindingReads() throws Exception {
        ModelManifest bound = Json.mapper().readValue(bundled(), ModelManifest.class);
        ModelManifest parsed = ModelManifest.parse(bundled());
        assertEquals(Json.mapper().writeValueAsString(bound), Json.mapper().writeValueAsString(parsed));
        assertArrayEquals(bound.input().mean(), parsed.input().mean());
        assertArrayEquals(bound.input().std(), parsed.input().std());
        assertEquals(bound.v2Parameters(), parsed.v2Parameters());
        assertEquals(bound.cropParameters(), parsed.cropParameters());
    }

    @Test
    void parse_ignoresUnknownFields_andTakesDefaultsForAbsentV2Constants() throws Exception {
        ObjectNode m = (ObjectNode) Json.mapper().readTree(bundled());
        m.put("somethingNew", 1);
        ((ObjectNode) m.get("preprocessing")).remove("frame");
        ModelManifest parsed = ModelManifest.parse(Json.mapper().writeValueAsBytes(m));
        assertEquals(ModelManifest.parse(bundled()).version(), parsed.version());
        assertEquals(dev.brainscan.core.image.PreprocessingV2.Parameters.DEFAULT.frameMinInside(),
                parsed.v2Parameters().frameMinInside());
    }

    @Test
    void wrongTypesAndBrokenJson_areModelLoadErrorsNamingTheField() throws Exception {
        ObjectNode m = (ObjectNode) Json.mapper().readTree(bundled());
        ((ObjectNode) m.get("input")).put("height", "tall");
        String message = assertThrows(ModelLoadException.class,
                () -> ModelManifest.parse(Json.mapper().writeValueAsBytes(m))).getMessage();
        assertTrue(message.contains("height"), message);

        ObjectNode n = (ObjectNode) Json.mapper().readTree(bundled());
        n.put("riskTiers", "low");
        message = assertThrows(ModelLoadException.class,
                () -> ModelManifest.parse(Json.mapper().writeValueAsBytes(n))).getMessage();
        assertTrue(message.contains("riskTiers"), message);

        message = assertThrows(ModelLoadException.class,
                () -> ModelManifest.parse("{\"name\": ".getBytes(StandardCharsets.UTF_8))).getMessage();
        assertTrue(message.startsWith("model manifest is not valid JSON"), message);
        message = assertThrows(ModelLoadException.class,
                () -> ModelManifest.parse("[1]".getBytes(StandardCharsets.UTF_8))).getMessage();
        assertTrue(message.contains("not a JSON object"), message);
    }
}
