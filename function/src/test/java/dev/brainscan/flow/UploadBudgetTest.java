package dev.brainscan.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.log.ScanLog;
import dev.brainscan.testing.BudgetCorpus;
import dev.brainscan.testing.FakeClassifier;
import dev.brainscan.testing.MemoryStore;
import dev.brainscan.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 27, rows 5-6: every upload ends with a result, a zip's entries and frames share one
 * work budget, and a stored result stays within what {@code GET /results} reads.
 */
class UploadBudgetTest {
    static final String KEY = "scans/series.zip";
    static final String RESULT_KEY = "results/series.zip.json";

    final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    UploadProcessor processor(Classifier classifier, MemoryStore store) {
        return new UploadProcessor(classifier, store, "scans/", "results/",
                new ScanLog(new PrintStream(logs, true, StandardCharsets.UTF_8), false), false);
    }

    @Test
    void zipOf1000EntriesOf1000Frames_endsWithOneBoundedResult_withinTheFrameBudget() throws Exception {
        byte[] zip = BudgetCorpus.zipOfRleSeries(1000, 1000);
        MemoryStore store = new MemoryStore().with(KEY, zip);
        long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        UploadProcessor.Outcome outcome = processor(TestModels.classifier(), store).process("bucket", KEY, "r1");
        double seconds = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu) / 1e9;
        assertTrue(outcome.wroteResult(), outcome.toString());
        byte[] stored = store.object(RESULT_KEY);
        assertTrue(stored.length <= ResultBound.MAX_RESULT_BYTES, stored.length + " bytes");
        JsonNode r = Json.mapper().readTree(stored);
        // the first file's 1,000 frames are the whole budget; the other 999 files one record each, undecoded
        assertEquals(1999, r.path("series").path("slices").asInt());
        JsonNode last = r.path("slices").get(r.path("slices").size() - 1);
        assertTrue(r.path("series").has("slicesOmitted") || last.path("error").path("message").asText()
                .contains("more than 1000 frames in all"), last.toString());
        // was: heap exhausted, 55-80 s of CPU, no result ever written
        assertTrue(seconds < 30, "took " + seconds + " s of CPU");
    }

    @Test
    void zipOf3EntriesOf1000Frames_resultFitsTheReadCap() throws Exception {
        MemoryStore store = new MemoryStore().with(KEY, BudgetCorpus.zipOfRleSeries(3, 1000));
        assertTrue(processor(TestModels.classifier(), store).process("bucket", KEY, "r1").wroteResult());
        byte[] stored = store.object(RESULT_KEY);
        assertTrue(stored.length <= ResultBound.MAX_RESULT_BYTES, stored.length + " bytes");
        assertEquals(1002, Json.mapper().readTree(stored).path("series").path("slices").asInt());
    }

    @Test
    void seriesResultOverTheCap_keepsTheSeriesPartAndTheClassifiedSlices_andCountsWhatItLeftOut() throws Exception {
        FakeClassifier fake = FakeClassifier.scoring(0.9);
        List<ScanResult> slices = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            slices.add(i == 2500 ? fake.run(new byte[] {1}, "s#" + i, Map.of()).result()
                    : fake.failure("s#" + i, Map.of("key", "scans/" + "x".repeat(200)), ErrorCode.CORRUPT_IMAGE,
                            "The DICOM JPEG frame is truncated or damaged."));
        }
        ScanResult series = fake.series(slices, "s", Map.of(), true);
        byte[] whole = Json.writeBytes(series);
        assertTrue(whole.length > 1_000_000, "the test needs a large record: " + whole.length);
        byte[] cut = ResultBound.json(series, 1_000_000);
        assertTrue(cut.length <= 1_000_000, cut.length + " bytes");
        JsonNode r = Json.mapper().readTree(cut);
        assertEquals(3000, r.path("series").path("slices").asInt());
        int kept = r.path("slices").size();
        assertEquals(3000 - kept, r.path("series").path("slicesOmitted").asInt());
        boolean classifiedKept = false;
        for (JsonNode s : r.path("slices")) {
            classifiedKept |= s.path("scanId").asText().equals("s#2500");
        }
        assertTrue(classifiedKept, "the classified slice is kept before any failed one");
        assertTrue(r.path("label").isTextual(), "the verdict is unchanged");
        assertEquals(whole.length, ResultBound.json(series, whole.length).length, "a record within the cap is whole");
    }

    @Test
    void classificationRunningOutOfMemory_stillWritesASmallErrorResult() throws Exception {
        FakeClassifier fake = FakeClassifier.scoring(0.9);
        Classifier exhausted = fake.runningFirst(() -> {
            throw new OutOfMemoryError("Java heap space");
        });
        MemoryStore store = new MemoryStore().with("scans/a.jpg", new byte[] {1, 2, 3});
        UploadProcessor.Outcome outcome = processor(exhausted, store).process("bucket", "scans/a.jpg", "r1");
        assertEquals(UploadProcessor.Outcome.REJECTED, outcome);
        JsonNode r = Json.mapper().readTree(store.object("results/a.jpg.json"));
        assertEquals("IMAGE_TOO_LARGE", r.path("error").path("code").asText());
    }
}
