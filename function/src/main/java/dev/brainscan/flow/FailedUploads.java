package dev.brainscan.flow;

import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.store.ObjectStore;
import dev.brainscan.store.StoreException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last step of the S3 flow: an upload whose every invocation crashed, ran out of memory
 * or timed out reaches the failure queue (the upload function's on-failure destination)
 * and gets its error result here, so no upload ends without one. The result is written only
 * where none exists: a result the upload function did write (a later retry that worked, a
 * newer version's) is never replaced. The message is Lambda's on-failure record
 * ({@code requestPayload} holds the S3 event); a bare S3 event (a manual redrive) works too.
 */
public final class FailedUploads {
    public static final String MESSAGE =
            "The scan could not be processed: it failed or timed out every time it was tried. Upload it again to retry.";
    /** Lambda's condition {@code EventAgeExceeded}: the event waited past its maximum age and never ran. */
    public static final String EXPIRED_MESSAGE = "The scan was not processed: it waited longer than the upload "
            + "function's event age limit (throttling or an outage) and was never tried. Upload it again to retry.";
    static final String EVENT_AGE_EXCEEDED = "EventAgeExceeded";

    /** What became of one S3 record of a failed event. */
    public enum Outcome { ERROR_RESULT_WRITTEN, RESULT_EXISTS, IGNORED }

    private final ObjectStore store;
    private final String inputPrefix;
    private final String resultPrefix;
    private final ScanResult.Stamp stamp;
    private final ScanLog log;

    public FailedUploads(ObjectStore store, String inputPrefix, String resultPrefix, ModelManifest manifest,
                         ScanLog log) {
        this.store = store;
        this.inputPrefix = inputPrefix;
        this.resultPrefix = resultPrefix;
        this.stamp = manifest.stamp();
        this.log = log;
    }

    /**
     * Writes the error result for every record of one failure-queue message.
     *
     * @return how many records got an error result
     * @throws StoreException a transient failure: the message must be delivered again
     * @throws IllegalArgumentException the message is not an S3 event or an on-failure record of one
     */
    public int process(String messageBody, String requestId) throws StoreException {
        JsonNode root;
        try {
            root = Json.mapper().readTree(messageBody);
        } catch (IOException e) {
            throw new IllegalArgumentException("the message is not JSON", e);
        }
        if (root == null) {
            throw new IllegalArgumentException("the message is empty");
        }
        JsonNode event = root.has("requestPayload") ? root.get("requestPayload") : root;
        JsonNode records = event.path("Records");
        if (!records.isArray()) {
            throw new IllegalArgumentException("the message holds no S3 event records");
        }
        String condition = root.path("requestContext").path("condition").asText("");
        int written = 0;
        for (JsonNode record : records) {
            JsonNode s3 = record.path("s3");
            String bucket = s3.path("bucket").path("name").asText(null);
            String rawKey = s3.path("object").path("key").asText(null);
            if (bucket == null || rawKey == null) {
                continue;
            }
            if (process(bucket, UploadProcessor.decodeKey(rawKey), textOrNull(s3.path("object").path("versionId")),
                    textOrNull(s3.path("object").path("sequencer")), condition, requestId)
                    == Outcome.ERROR_RESULT_WRITTEN) {
                written++;
            }
        }
        return written;
    }

    Outcome process(String bucket, String key, String versionId, String sequencer, String condition, String requestId)
            throws StoreException {
        String resultKey = UploadProcessor.resultKey(inputPrefix, resultPrefix, key);
        if (resultKey == null) {
            log.event(Channel.FAILURE_QUEUE, requestId, key, "ignored", "outside the input prefix");
            return Outcome.IGNORED;
        }
        Map<String, String> source = new LinkedHashMap<>();
        source.put("bucket", bucket);
        source.put("key", key);
        if (versionId != null) {
            source.put("versionId", versionId);
        }
        if (EventOrder.valid(sequencer)) {
            source.put("sequencer", sequencer);
        }
        ScanResult result = ScanResult.failed(stamp, key, source, ErrorCode.INTERNAL,
                EVENT_AGE_EXCEEDED.equals(condition) ? EXPIRED_MESSAGE : MESSAGE, Map.of("total", 0.0));
        try {
            if (!store.putIfAbsent(bucket, resultKey, Json.writeBytes(result), "application/json")) {
                log.event(Channel.FAILURE_QUEUE, requestId, key, "result-exists", condition.isEmpty() ? null : condition);
                return Outcome.RESULT_EXISTS;
            }
        } catch (StoreException e) {
            if (e.isTransient()) {
                log.event(Channel.FAILURE_QUEUE, requestId, key, "retry", "writing the error result failed: " + e.getMessage());
                throw e;
            }
            log.event(Channel.FAILURE_QUEUE, requestId, key, "result-not-written", e.kind() + ": " + e.getMessage());
            return Outcome.IGNORED;
        }
        log.event(Channel.FAILURE_QUEUE, requestId, key, "error-result-written", condition.isEmpty() ? null : condition);
        return Outcome.ERROR_RESULT_WRITTEN;
    }

    private static String textOrNull(JsonNode n) {
        return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }
}
