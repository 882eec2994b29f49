package dev.brainscan.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.core.image.BrainCropper;
import dev.brainscan.core.image.PreprocessingV2;
import dev.brainscan.core.result.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hand-read manifest against the JSON it was read from, and its refusals. */
class ModelManifestTest {
    static byte[] bundled() {
        return ModelSource.bundled().manifestJson();
    }

    @Test
    void parse_readsTheBundledManifestsFields_intoTheParameterObjects() throws Exception {
        JsonNode tree = Json.mapper().readTree(bundled());
        ModelManifest parsed = ModelManifest.parse(bundled());
        assertEquals(tree.get("name").asText(), parsed.name());
        assertEquals(tree.get("decisionThreshold").asDouble(), parsed.decisionThreshold());
        assertEquals(tree.get("riskTiers").size(), parsed.riskTiers().size());
        for (int c = 0; c < 3; c++) {
            assertEquals((float) tree.at("/input/mean/" + c).asDouble(), parsed.input().mean()[c]);
            assertEquals((float) tree.at("/input/std/" + c).asDouble(), parsed.input().std()[c]);
        }
        JsonNode pre = tree.get("preprocessing");
        assertEquals(new BrainCropper.Parameters(pre.at("/crop/threshold").asInt(), pre.at("/crop/erodeIterations").asInt(),
                pre.at("/crop/dilateIterations").asInt(), pre.at("/crop/minRegionFraction").asDouble()),
                parsed.cropParameters());
        PreprocessingV2.Parameters d = PreprocessingV2.Parameters.DEFAULT;
        assertEquals(new PreprocessingV2.Parameters(pre.at("/frame/darkThreshold").asInt(d.frameDark()),
                pre.at("/frame/minInside").asDouble(), pre.at("/frame/minOutside").asDouble(),
                pre.at("/frame/minLit").asDouble(), pre.at("/frame/minEdgeDark").asDouble(),
                pre.at("/frame/minSideLit").asDouble(), pre.at("/frame/piecesMinArea").asDouble(),
                pre.at("/frame/piecesMinEdgeDark").asDouble(), pre.at("/frame/piecesMaxInside").asDouble(),
                pre.at("/dark/p99Below").asInt(), pre.at("/dark/min").asInt(), pre.at("/dark/max").asInt(),
                pre.at("/stretch/low").asDouble(), pre.at("/stretch/high").asDouble(),
                pre.at("/stretch/minRange").asInt()), parsed.v2Parameters());
        assertEquals(pre.at("/dark/adaptive").asText(), parsed.preprocessing().adaptive());
    }

    @Test
    void aV2ConstantOutOfRange_isAModelLoadErrorNamingTheBlock() throws Exception {
        ObjectNode m = (ObjectNode) Json.mapper().readTree(bundled());
        ((ObjectNode) m.at("/preprocessing/stretch")).put("low", 0.995);
        String message = assertThrows(ModelLoadException.class,
                () -> ModelManifest.parse(Json.mapper().writeValueAsBytes(m))).getMessage();
        assertTrue(message.contains("preprocessing.frame/dark/stretch"), message);
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
