package dev.brainscan.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.testing.Emf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The EMF lines: valid against the specification, the right metrics per outcome, no identifier. */
class ScanMetricsTest {
    static final String KEY = "scans/ward 7/Jane Doe.jpg";
    static final ScanResult.ModelIdentity MODEL = new ScanResult.ModelIdentity("brainscan-cnn", "1.0.0", "abc");
    static final ScanResult.Stamp STAMP = new ScanResult.Stamp(MODEL, "notice");

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ScanMetrics metrics = ScanMetrics.emf(new PrintStream(out, true, StandardCharsets.UTF_8), () -> 1_795_428_000_000L);
    final ScanLog log = new ScanLog(new PrintStream(out, true, StandardCharsets.UTF_8), false, metrics);

    static ScanResult classified(double score, String tier) {
        return ScanResult.classified(STAMP, KEY, Map.of("bucket", "b", "key", KEY),
                new ScanResult.Decision(score >= 0.75 ? "tumor" : "no_tumor", score, tier, null, 0.75),
                new ScanResult.ImageInfo("jpeg", 256, 256), null, null, null, Map.of("decode", 1.0, "total", 9.25));
    }

    static ScanResult refused(String code) {
        return ScanResult.failed(STAMP, KEY, Map.of("bucket", "b", "key", KEY), ErrorCode.valueOf(code), "m",
                Map.of("total", 2.0));
    }

    List<JsonNode> lines() {
        return Emf.lines(out.toString(StandardCharsets.UTF_8));
    }

    static List<String> metricNames(JsonNode line) {
        List<String> names = new ArrayList<>();
        line.get("_aws").get("CloudWatchMetrics").forEach(d -> d.get("Metrics").forEach(m -> names.add(m.get("Name").asText())));
        return names;
    }

    @Test
    void classifiedScan_countsTheScanItsTierItsScoreAndLatency() {
        log.scan(Channel.S3, "req-1", KEY, classified(0.9731, "high"));

        List<JsonNode> lines = lines();
        assertEquals(1, lines.size());
        JsonNode line = lines.getFirst();
        assertEquals(1_795_428_000_000L, line.get("_aws").get("Timestamp").asLong());
        line.get("_aws").get("CloudWatchMetrics").forEach(d -> assertEquals("brainscan", d.get("Namespace").asText()));
        assertEquals("s3", line.get("Channel").asText());
        assertEquals("OK", line.get("Code").asText());
        assertEquals("high", line.get("RiskTier").asText());
        assertEquals(0.9731, line.get("Score").asDouble(), 1e-9);
        assertEquals(9.25, line.get("Latency").asDouble(), 1e-9);
        assertEquals(1, line.get("Scans").asInt());
        assertEquals(0, line.get("Refused").asInt());
        assertEquals(1, line.get("Classified").asInt());
        assertEquals(List.of("Scans", "Refused", "Failed", "Latency", "Score", "Classified"), metricNames(line));
    }

    @Test
    void refusedScan_isARefusalWithItsCodeAndNoScoreOrTier() {
        log.scan(Channel.HTTP, "req-2", null, refused("NOT_A_BRAIN_MRI"));

        JsonNode line = lines().getFirst();
        assertEquals("NOT_A_BRAIN_MRI", line.get("Code").asText());
        assertEquals(1, line.get("Refused").asInt());
        assertEquals(0, line.get("Failed").asInt());
        assertFalse(line.has("Score") || line.has("RiskTier") || line.has("Classified"));
    }

    @Test
    void internalErrorAndUnwrittenResults_countAsFailures_retriesAsNeither() {
        log.scan(Channel.BATCH, "r", KEY, refused("INTERNAL"));
        log.event(Channel.S3, "r", KEY, "result-not-written", "DENIED");
        log.event(Channel.S3, "r", KEY, "retry", "503");
        log.event(Channel.S3, "r", KEY, "ignored", "outside the prefix");

        List<JsonNode> lines = lines();
        assertEquals(3, lines.size(), "an ignored key is not a scan");
        assertEquals(List.of("INTERNAL", "NOT_WRITTEN", "RETRY"), lines.stream().map(l -> l.get("Code").asText()).toList());
        assertEquals(List.of(1, 1, 0), lines.stream().map(l -> l.get("Failed").asInt()).toList());
        assertEquals(List.of(0, 0, 0), lines.stream().map(l -> l.get("Refused").asInt()).toList());
    }

    @Test
    void lines_holdNoKeyHashRequestIdOrFileName() {
        log.scan(Channel.S3, "req-secret-id", KEY, classified(0.1, "low"));
        log.event(Channel.S3, "req-secret-id", KEY, "retry", "503");

        for (JsonNode line : lines()) {
            String text = line.toString();
            assertFalse(text.contains("Jane") || text.contains("ward") || text.contains("req-secret-id")
                    || text.contains(ScanLog.keyHash(KEY)) || text.contains(".jpg"), text);
        }
    }

    @Test
    void muted_writesNoMetricLine() {
        metrics.muted(() -> log.scan(Channel.HTTP, "priming", null, classified(0.5, "medium")));
        assertTrue(lines().isEmpty());
        log.scan(Channel.HTTP, "r", null, classified(0.5, "medium"));
        assertEquals(1, lines().size(), "metrics resume after priming");
    }

    @Test
    void none_writesNothing() {
        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        new ScanLog(new PrintStream(quiet, true, StandardCharsets.UTF_8), false).scan(Channel.HTTP, "r", null, classified(0.5, "medium"));
        assertTrue(Emf.lines(quiet.toString(StandardCharsets.UTF_8)).isEmpty());
    }

    @Test
    void validator_rejectsALineThatBreaksTheSpecification() {
        // A metric whose member is missing, and a dimension holding a number: both invalid.
        for (String bad : List.of(
                "{\"_aws\":{\"Timestamp\":1795428000000,\"CloudWatchMetrics\":[{\"Namespace\":\"brainscan\",\"Dimensions\":[[]],\"Metrics\":[{\"Name\":\"Scans\"}]}]}}",
                "{\"_aws\":{\"Timestamp\":1795428000000,\"CloudWatchMetrics\":[{\"Namespace\":\"brainscan\",\"Dimensions\":[[\"Channel\"]],\"Metrics\":[{\"Name\":\"Scans\"}]}]},\"Channel\":3,\"Scans\":1}")) {
            boolean rejected = false;
            try {
                Emf.lines(bad);
            } catch (AssertionError e) {
                rejected = true;
            }
            assertTrue(rejected, bad);
        }
    }
}
