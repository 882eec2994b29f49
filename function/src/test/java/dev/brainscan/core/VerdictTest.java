package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.model.Prediction;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.Notice;
import dev.brainscan.core.result.ScanResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verdict from the manifest: label at the threshold, tier by the bands, the score as stated; the outcome. */
class VerdictTest {

    static ModelManifest manifest(double threshold, String tiers) throws Exception {
        ObjectNode m = (ObjectNode) Json.mapper().readTree(ModelSource.bundled().manifestJson());
        m.put("decisionThreshold", threshold);
        m.set("riskTiers", Json.mapper().readTree(tiers));
        return ModelManifest.parse(Json.mapper().writeValueAsBytes(m));
    }

    @Test
    void theLabelIsTumorFromTheThresholdOn_andTheTierIsTheFirstBandAboveTheScore() throws Exception {
        Verdict v = new Verdict(manifest(0.6, "[{\"name\": \"low\", \"upperBound\": 0.2},"
                + " {\"name\": \"medium\", \"upperBound\": 0.6}, {\"name\": \"high\", \"upperBound\": 1.0}]"));
        assertEquals(ScanResult.NO_TUMOR, v.label(0.5999));
        assertEquals(ScanResult.TUMOR, v.label(0.6));
        assertEquals("low", v.tier(0.0));
        assertEquals("medium", v.tier(0.2));
        assertEquals("high", v.tier(0.6));
        assertEquals("high", v.tier(1.0));
    }

    @Test
    void decide_givesTheRecordsVerdict_withTheStatedScore() throws Exception {
        Verdict v = new Verdict(manifest(0.5, "[{\"name\": \"low\", \"upperBound\": 0.5},"
                + " {\"name\": \"high\", \"upperBound\": 1.0}]"));
        ScanResult.Decision d = v.decide(new Prediction(1.0f, new float[4], 2, 2));
        assertEquals(new ScanResult.Decision(ScanResult.TUMOR, 0.999999, "high", null, 0.5), d);
    }

    @Test
    void theOutcomeIsDecidedOnce_classifiedRefusedOrFailed() {
        ScanResult.Stamp by = new ScanResult.Stamp(new ScanResult.ModelIdentity("m", "1", "x"), null);
        assertEquals(Notice.TEXT, by.notice(), "a manifest without a notice gives the default");
        ScanResult classified = ScanResult.classified(by, "a", Map.of(),
                new ScanResult.Decision(ScanResult.TUMOR, 0.9, "high", null, 0.5), null, null, null, null,
                Map.of("total", 1.0));
        assertEquals(ScanResult.Outcome.CLASSIFIED, classified.outcome());
        for (ErrorCode code : ErrorCode.values()) {
            ScanResult failed = ScanResult.failed(by, "a", Map.of(), code, "m", Map.of("total", 0.0));
            assertEquals(code == ErrorCode.INTERNAL ? ScanResult.Outcome.FAILED : ScanResult.Outcome.REFUSED,
                    failed.outcome(), code.name());
        }
    }

    @Test
    void aSeriesRecordHasAVerdictOrAnError_notBoth() {
        ScanResult.Stamp by = new ScanResult.Stamp(new ScanResult.ModelIdentity("m", "1", "x"), "n");
        ScanResult.SeriesInfo info = new ScanResult.SeriesInfo(null, null, null, 0, 0, 0, null);
        assertThrows(IllegalArgumentException.class,
                () -> ScanResult.series(by, "s", Map.of(), null, null, info, List.of(), Map.of()));
        ScanResult error = ScanResult.series(by, "s", Map.of(), null,
                new ScanResult.ErrorBody(ErrorCode.UNSUPPORTED_FORMAT, "none"), info, List.of(), Map.of());
        assertEquals(ScanResult.Outcome.REFUSED, error.outcome());
        assertEquals(info, error.series());
    }
}
