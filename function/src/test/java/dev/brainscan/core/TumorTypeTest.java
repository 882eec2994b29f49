package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.core.model.ModelLoadException;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.model.Prediction;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Model v2's tumour-type output becomes the result's {@code tumorType}, in the manifest's order. */
class TumorTypeTest {

    private static ObjectNode bundledManifest() throws Exception {
        return (ObjectNode) Json.mapper().readTree(ModelSource.bundled().manifestJson());
    }

    private static ModelManifest typed(String... names) throws Exception {
        ObjectNode m = bundledManifest();
        ArrayNode types = m.putArray("tumorTypes");
        for (String n : names) {
            types.add(n);
        }
        ((ObjectNode) m.get("outputs")).putObject("tumor_type").putArray("shape").add("N").add(names.length);
        return ModelManifest.parse(Json.mapper().writeValueAsBytes(m));
    }

    @Test
    void theMostLikelyTypeIsTheLabel_andEveryProbabilityIsReportedInManifestOrder() throws Exception {
        ModelManifest m = typed("glioma", "meningioma", "pituitary");
        Prediction p = new Prediction(0.2f, new float[4], 2, 2, new float[] {0.1f, 0.7f, 0.2f});
        ScanResult.TumorType t = new Verdict(m).tumorType(p);
        assertEquals("meningioma", t.label());
        assertEquals(List.of("glioma", "meningioma", "pituitary"), List.copyOf(t.probabilities().keySet()));
        assertEquals(0.7, t.probabilities().get("meningioma"), 1e-6);
    }

    @Test
    void aModelWithoutTheOutput_givesNoTumorType() throws Exception {
        ModelManifest m = ModelManifest.parse(Json.mapper().writeValueAsBytes(bundledManifest()));
        if (!m.typed()) {
            assertNull(new Verdict(m).tumorType(new Prediction(0.9f, new float[4], 2, 2)));
        }
        ModelManifest v2 = typed("glioma", "meningioma", "pituitary");
        assertNull(new Verdict(v2).tumorType(new Prediction(0.9f, new float[4], 2, 2)),
                "an output missing from the graph is not invented");
    }

    @Test
    void aRecordsScoreIsNeverExactlyZeroOrOne() {
        assertEquals(0.999999, Verdict.shownScore(1.0));
        assertEquals(0.999999, Verdict.shownScore(0.99999996));
        assertEquals(0.000001, Verdict.shownScore(0.0));
        assertEquals(0.512346, Verdict.shownScore(0.5123456));
    }

    @Test
    void aTypedModelMustNameThreeTypes() throws Exception {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> typed("glioma", "meningioma"));
        assertTrue(e.getMessage().contains("tumorTypes"), e.getMessage());
    }

    @Test
    void theTypeIsSerialisedAfterTheTier() throws Exception {
        ScanResult r = ScanResult.classified(new ScanResult.Stamp(new ScanResult.ModelIdentity("m", "2", "x"), "n"),
                "s", java.util.Map.of(), new ScanResult.Decision("tumor", 0.9, "high",
                        new ScanResult.TumorType("glioma", new java.util.LinkedHashMap<>(java.util.Map.of("glioma", 0.9))),
                        0.5), null, null, null, null, java.util.Map.of("total", 1.0));
        String json = Json.write(r);
        assertTrue(json.indexOf("\"riskTier\"") < json.indexOf("\"tumorType\"")
                && json.indexOf("\"tumorType\"") < json.indexOf("\"decisionThreshold\""), json);
        assertTrue(json.contains("\"tumorType\":{\"label\":\"glioma\",\"probabilities\":{\"glioma\":0.9}}"), json);
    }
}
