package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.result.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.Notice;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.http.Responses;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ScanClassifierTest {
    static final ScanClassifier CLASSIFIER = TestModels.classifier();
    static final Map<String, String> SOURCE = Map.of("file", "phantom.jpg");

    @Test
    void classify_phantom_givesACompleteResultRecord() {
        ScanResult r = CLASSIFIER.classify(Phantom.jpeg(11, 256, 256, true), "scans/p.jpg", SOURCE);
        ModelManifest m = CLASSIFIER.manifest();

        assertFalse(r.failed());
        assertEquals(1, r.schemaVersion());
        assertEquals("scans/p.jpg", r.scanId());
        assertTrue(r.score() >= 0 && r.score() <= 1);
        assertEquals(r.score() >= m.decisionThreshold() ? "tumor" : "no_tumor", r.label());
        assertEquals(new Verdict(m).tier(r.score()), r.riskTier());
        assertEquals(m.decisionThreshold(), r.decisionThreshold());
        assertEquals(new ScanResult.ModelIdentity(m.name(), m.version(), m.sha256()), r.model());
        assertEquals(new ScanResult.ImageInfo("jpeg", 256, 256), r.image());
        assertTrue(r.crop().x() >= 0 && r.crop().x() + r.crop().width() <= 256 && r.crop().width() > 128);
        assertEquals(List.of("decode", "crop", "resize", "preprocess", "inference", "total"),
                new ArrayList<>(r.timingsMs().keySet()));
        assertNotNull(Instant.parse(r.processedAt()));
        assertEquals(Notice.TEXT, r.notice());
        assertEquals(200, Responses.status(r));
    }

    @Test
    void resultJson_hasTheContractsFieldsInOrder() throws Exception {
        JsonNode ok = Json.mapper().readTree(Json.write(CLASSIFIER.classify(Phantom.jpeg(12, 200, 220, false), "a", SOURCE)));
        assertEquals(List.of("schemaVersion", "scanId", "label", "score", "riskTier", "tumorType", "decisionThreshold",
                "model", "source", "image", "crop", "timingsMs", "processedAt", "notice"), names(ok));
        assertEquals(List.of("label", "probabilities"), names(ok.get("tumorType")));
        assertEquals(List.of("glioma", "meningioma", "pituitary"), names(ok.get("tumorType").get("probabilities")));
        assertEquals(List.of("name", "version", "sha256"), names(ok.get("model")));
        assertEquals(List.of("x", "y", "width", "height"), names(ok.get("crop")));

        JsonNode bad = Json.mapper().readTree(Json.write(CLASSIFIER.classify("hello".getBytes(StandardCharsets.UTF_8),
                "b", SOURCE)));
        assertEquals(List.of("schemaVersion", "scanId", "model", "source", "timingsMs", "processedAt", "notice",
                "error"), names(bad));
        assertEquals("UNSUPPORTED_FORMAT", bad.get("error").get("code").asText());
    }

    @Test
    void classify_blackImage_isNoBrainRegionWithTheImageDescribed() {
        java.awt.image.BufferedImage black = new java.awt.image.BufferedImage(120, 100,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        ScanResult r = CLASSIFIER.classify(Phantom.encode(black, "png"), "black.png", SOURCE);
        assertEquals(ErrorCode.NO_BRAIN_REGION, r.error().code());
        assertEquals(422, Responses.status(r));
        assertEquals(new ScanResult.ImageInfo("png", 120, 100), r.image());
        assertNull(r.label());
        assertNull(r.score());
        assertNull(r.riskTier());
        assertEquals(CLASSIFIER.manifest().sha256(), r.model().sha256());
    }

    @Test
    void classify_isSafeAndDeterministicUnderConcurrency() throws Exception {
        List<byte[]> scans = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            scans.add(Phantom.jpeg(100 + i, 180 + i * 20, 220, i % 2 == 0));
        }
        List<Double> sequential = new ArrayList<>();
        for (byte[] s : scans) {
            sequential.add(CLASSIFIER.classify(s, "s", SOURCE).score());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Double>> futures = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                for (byte[] s : scans) {
                    futures.add(pool.submit(() -> CLASSIFIER.classify(s, "s", SOURCE).score()));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertEquals(sequential.get(i % scans.size()), futures.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
