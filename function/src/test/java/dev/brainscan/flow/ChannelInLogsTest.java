package dev.brainscan.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import dev.brainscan.testing.FakeClassifier;
import dev.brainscan.testing.MemoryStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** Every log line of a flow names the flow's own channel: a backfill's failures are not filed under s3. */
class ChannelInLogsTest {
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    static byte[] zipOf(byte[]... entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < entries.length; i++) {
                zip.putNextEntry(new ZipEntry("slice-" + i + ".dcm"));
                zip.write(entries[i]);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    List<JsonNode> lines() {
        return logs.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return Json.mapper().readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
    }

    @Test
    void aSeriesSlicesInternalError_inABackfill_isLoggedUnderBatch() throws Exception {
        MemoryStore store = new MemoryStore().with("scans/ward7/series.zip", zipOf(new byte[] {1, 2, 3}, new byte[] {4, 5}));
        UploadProcessor backfill = new UploadProcessor(FakeClassifier.failingInternally(new IllegalStateException("boom")),
                store, "scans/", "results/", new ScanLog(new PrintStream(logs, true, StandardCharsets.UTF_8), false),
                false).forChannel(Channel.BATCH);

        backfill.process("b", "scans/ward7/series.zip", "req");

        List<JsonNode> lines = lines();
        assertTrue(lines.stream().anyMatch(l -> "internal-error".equals(l.path("outcome").asText())), lines.toString());
        for (JsonNode line : lines) {
            assertEquals("batch", line.path("channel").asText(), line.toString());
        }
    }

    @Test
    void aLateEventsSupersededLine_namesTheFlowsChannel() throws Exception {
        MemoryStore store = new MemoryStore().with("scans/a.jpg", new byte[] {1, 2, 3})
                .with("results/a.jpg.json", "{\"source\": {\"sequencer\": \"00FF\"}}".getBytes(StandardCharsets.UTF_8));
        UploadProcessor flow = new UploadProcessor(FakeClassifier.scoring(0.9), store, "scans/", "results/",
                new ScanLog(new PrintStream(logs, true, StandardCharsets.UTF_8), false), false).forChannel(Channel.BATCH);

        flow.process("b", "scans/a.jpg", "req", null, "00AA");

        List<JsonNode> lines = lines();
        assertTrue(lines.stream().anyMatch(l -> "superseded".equals(l.path("outcome").asText())), lines.toString());
        assertFalse(lines.stream().anyMatch(l -> "s3".equals(l.path("channel").asText())), lines.toString());
    }
}
