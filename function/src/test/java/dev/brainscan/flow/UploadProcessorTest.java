package dev.brainscan.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.log.ScanLog;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.flow.UploadProcessor.Outcome;
import dev.brainscan.store.StoreException;
import dev.brainscan.testing.FakeClassifier;
import dev.brainscan.testing.MemoryStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The S3 flow of docs/contracts.md section 4, with a fake classifier and an in-memory store. */
class UploadProcessorTest {
    static final String KEY = "scans/ward7/p12.jpg";
    static final String RESULT_KEY = "results/ward7/p12.jpg.json";
    static final byte[] SCAN = {1, 2, 3, 4};

    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    static final String HEATMAP_KEY = "results/ward7/p12.jpg.heatmap.png";

    UploadProcessor processor(FakeClassifier classifier, MemoryStore store) {
        return processor(classifier, store, false);
    }

    UploadProcessor processor(FakeClassifier classifier, MemoryStore store, boolean heatmaps) {
        return new UploadProcessor(classifier, store, "scans/", "results/",
                new ScanLog(new PrintStream(logs, true, StandardCharsets.UTF_8), false), heatmaps);
    }

    List<String> keysWritten(MemoryStore store) {
        return store.puts().stream().map(MemoryStore.Put::key).toList();
    }

    JsonNode written(MemoryStore store) throws Exception {
        return Json.mapper().readTree(store.object(RESULT_KEY));
    }

    String logText() {
        return logs.toString(StandardCharsets.UTF_8);
    }

    @Test
    void resultKey_replacesTheInputPrefixAndAppendsJson() {
        UploadProcessor p = processor(FakeClassifier.scoring(0.9), new MemoryStore());
        assertEquals(RESULT_KEY, p.resultKey(KEY));
        assertEquals("results/a b+c/ü.png.json", p.resultKey("scans/a b+c/ü.png"));
        assertNull(p.resultKey("results/ward7/p12.jpg.json"));
        assertNull(p.resultKey("scans/"), "the bare prefix is not a scan");
    }

    @Test
    void classifiedScan_writesItsResultWithTheObjectsIdentityAndTheHeatmap() throws Exception {
        FakeClassifier classifier = FakeClassifier.scoring(0.9);
        MemoryStore store = new MemoryStore().with(KEY, SCAN);

        assertEquals(Outcome.CLASSIFIED, processor(classifier, store, true).process("bucket", KEY, "req-1"));

        JsonNode result = written(store);
        assertEquals("tumor", result.get("label").asText());
        assertEquals(KEY, result.get("scanId").asText());
        assertEquals(Map.of("bucket", "bucket", "key", KEY, "versionId", "v1", "eTag", "\"etag-1\""),
                classifier.calls().get(0).source());
        assertEquals("application/json", store.puts().get(0).contentType());
        assertEquals(List.of(RESULT_KEY, HEATMAP_KEY), keysWritten(store));
        assertEquals("image/png", store.puts().get(1).contentType());
        assertArrayEquals(FakeClassifier.heatmapOf(KEY), store.puts().get(1).bytes());
    }

    @Test
    void keyOutsideTheInputPrefix_isIgnoredWithoutReadingOrWriting() throws StoreException {
        FakeClassifier classifier = FakeClassifier.scoring(0.9);
        MemoryStore store = new MemoryStore().with("results/x.json", SCAN);

        assertEquals(Outcome.IGNORED, processor(classifier, store).process("bucket", "results/x.json", "req"));

        assertTrue(classifier.calls().isEmpty());
        assertTrue(store.puts().isEmpty());
        assertTrue(logText().contains("\"outcome\":\"ignored\""), logText());
    }

    @Test
    void refusedScan_writesTheErrorResultAndIsRejectedNotRetried() throws Exception {
        MemoryStore store = new MemoryStore().with(KEY, SCAN);

        assertEquals(Outcome.REJECTED,
                processor(FakeClassifier.refusing(ErrorCode.CORRUPT_IMAGE), store, true).process("b", KEY, "req"));

        assertEquals("CORRUPT_IMAGE", written(store).get("error").get("code").asText());
        assertEquals(List.of(RESULT_KEY), keysWritten(store), "no heatmap for a refused scan");
        assertTrue(logText().contains("\"outcome\":\"rejected\""), logText());
    }

    @Test
    void internalFailure_writesAnInternalResultAndLogsTheCauseButNotInTheResult() throws Exception {
        MemoryStore store = new MemoryStore().with(KEY, SCAN);
        IllegalStateException cause = new IllegalStateException("native tensor exploded");

        assertEquals(Outcome.FAILED,
                processor(FakeClassifier.failingInternally(cause), store).process("b", KEY, "req"));

        JsonNode result = written(store);
        assertEquals("INTERNAL", result.get("error").get("code").asText());
        assertFalse(result.toString().contains("exploded"));
        assertTrue(logText().contains("native tensor exploded"), logText());
        assertTrue(logText().contains("\"stackTrace\":\"java.lang.IllegalStateException: native tensor exploded"),
                "logged with its stack trace: " + logText());
    }

    @Test
    void objectDeletedBeforeItWasRead_writesNotFound() throws Exception {
        MemoryStore store = new MemoryStore();

        assertEquals(Outcome.REJECTED, processor(FakeClassifier.scoring(0.9), store).process("b", KEY, "req"));

        JsonNode error = written(store).get("error");
        assertEquals("NOT_FOUND", error.get("code").asText());
        assertEquals("The scan was deleted before it could be classified.", error.get("message").asText());
    }

    @Test
    void objectOverTheByteLimit_writesImageTooLargeWithoutClassifying() throws Exception {
        FakeClassifier classifier = FakeClassifier.scoring(0.9).withLimits(new Limits(3, 1000, 1));
        MemoryStore store = new MemoryStore().with(KEY, SCAN);

        assertEquals(Outcome.REJECTED, processor(classifier, store).process("b", KEY, "req"));

        JsonNode error = written(store).get("error");
        assertEquals("IMAGE_TOO_LARGE", error.get("code").asText());
        assertEquals("The file is 4 bytes; the limit is 3 bytes.", error.get("message").asText());
        assertTrue(classifier.calls().isEmpty());
    }

    @Test
    void readDenied_writesAnInternalResultThatNamesNoPolicy() throws Exception {
        MemoryStore store = new MemoryStore().with(KEY, SCAN).failingGets(StoreException.Kind.DENIED);

        assertEquals(Outcome.FAILED, processor(FakeClassifier.scoring(0.9), store).process("b", KEY, "req"));

        assertEquals(1, store.puts().size());
        JsonNode error = Json.mapper().readTree(store.puts().get(0).bytes()).get("error");
        assertEquals("INTERNAL", error.get("code").asText());
        assertEquals("The service could not read the scan.", error.get("message").asText());
    }

    @Test
    void transientReadFailure_isThrownForLambdaToRetryAndWritesNothing() {
        MemoryStore store = new MemoryStore().with(KEY, SCAN).failingGets(StoreException.Kind.TRANSIENT);

        StoreException e = assertThrows(StoreException.class,
                () -> processor(FakeClassifier.scoring(0.9), store).process("b", KEY, "req"));

        assertTrue(e.isTransient());
        assertTrue(store.puts().isEmpty());
        assertTrue(logText().contains("\"outcome\":\"retry\""), logText());
    }

    @Test
    void transientWriteFailure_isThrownForLambdaToRetry() {
        MemoryStore store = new MemoryStore().with(KEY, SCAN).failingPuts(StoreException.Kind.TRANSIENT);

        assertThrows(StoreException.class,
                () -> processor(FakeClassifier.scoring(0.9), store).process("b", KEY, "req"));
    }

    @Test
    void permanentWriteFailure_isLoggedAndNotRetried() throws StoreException {
        MemoryStore store = new MemoryStore().with(KEY, SCAN).failingPuts(StoreException.Kind.DENIED);

        Outcome outcome = processor(FakeClassifier.scoring(0.9), store).process("b", KEY, "req");

        assertEquals(Outcome.NOT_WRITTEN, outcome);
        assertFalse(outcome.wroteResult(), "a Batch Operations task then ends in PermanentFailure");
        assertTrue(logText().contains("\"outcome\":\"result-not-written\""), logText());
    }

    @Test
    void redelivery_rewritesTheSameResultKey() throws StoreException {
        MemoryStore store = new MemoryStore().with(KEY, SCAN);
        UploadProcessor p = processor(FakeClassifier.scoring(0.2), store);

        p.process("b", KEY, "first");
        p.process("b", KEY, "second");

        assertEquals(List.of(RESULT_KEY, RESULT_KEY), store.puts().stream().map(MemoryStore.Put::key).toList());
    }

    @Test
    void logLines_carryNeitherTheKeyNorTheVerdict() throws StoreException {
        MemoryStore store = new MemoryStore().with(KEY, SCAN);

        processor(FakeClassifier.scoring(0.9), store).process("b", KEY, "req");

        String log = logText();
        assertFalse(log.contains("ward7"), log);
        assertFalse(log.contains("tumor"), log);
        assertFalse(log.contains("0.9"), log);
        assertTrue(log.contains("\"keyHash\""), log);
    }
}
