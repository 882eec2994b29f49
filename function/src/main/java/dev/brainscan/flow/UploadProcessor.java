package dev.brainscan.flow;

import dev.brainscan.core.Classifier;
import dev.brainscan.core.ErrorCode;
import dev.brainscan.core.Json;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.ScanResult;
import dev.brainscan.store.ObjectStore;
import dev.brainscan.store.StoreException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The S3 flow for one uploaded scan (docs/contracts.md section 4): fetch it, classify it, write
 * {@code <resultPrefix><key without inputPrefix>.json}. Bad input and permanent storage
 * failures end in an error result (no retry); transient failures are thrown so that Lambda
 * retries the event and, after the retries, sends it to the failure queue. The same key
 * always gives the same result key, so a re-delivery only rewrites it.
 */
public final class UploadProcessor {

    public enum Outcome { CLASSIFIED, REJECTED, FAILED, IGNORED }

    private final Classifier classifier;
    private final ObjectStore store;
    private final String inputPrefix;
    private final String resultPrefix;
    private final ScanLog log;
    private final HeatmapWriter heatmaps;

    /** Writes the heatmap beside the result when configured; a no-op otherwise. */
    public interface HeatmapWriter {
        HeatmapWriter NONE = (bucket, resultKey, classification) -> { };

        void write(String bucket, String resultKey, ScanClassifier.Classification classification)
                throws StoreException;
    }

    public UploadProcessor(Classifier classifier, ObjectStore store, String inputPrefix, String resultPrefix,
                           ScanLog log, HeatmapWriter heatmaps) {
        this.classifier = classifier;
        this.store = store;
        this.inputPrefix = inputPrefix;
        this.resultPrefix = resultPrefix;
        this.log = log;
        this.heatmaps = heatmaps;
    }

    /** {@code scans/ward7/p12.jpg} -> {@code results/ward7/p12.jpg.json}; null outside the input prefix. */
    public String resultKey(String key) {
        if (!key.startsWith(inputPrefix) || key.length() == inputPrefix.length()) {
            return null;
        }
        return resultPrefix + key.substring(inputPrefix.length()) + ".json";
    }

    /**
     * Processes one object (its key already URL-decoded).
     *
     * @throws StoreException a transient failure: the caller must make the invocation fail
     */
    public Outcome process(String bucket, String key, String requestId) throws StoreException {
        String resultKey = resultKey(key);
        if (resultKey == null) {
            log.event("s3", requestId, key, "ignored", "outside the input prefix " + inputPrefix);
            return Outcome.IGNORED;
        }
        Map<String, String> source = new LinkedHashMap<>();
        source.put("bucket", bucket);
        source.put("key", key);
        ScanClassifier.Classification classification;
        try {
            ObjectStore.StoredObject object = store.get(bucket, key, classifier.limits().maxBytes());
            if (object.versionId() != null) {
                source.put("versionId", object.versionId());
            }
            if (object.eTag() != null) {
                source.put("eTag", object.eTag());
            }
            classification = classifier.run(object.bytes(), key, source);
        } catch (StoreException e) {
            if (e.isTransient()) {
                log.event("s3", requestId, key, "retry", "reading the scan failed: " + e.getMessage());
                throw e;
            }
            ScanResult failure = switch (e.kind()) {
                case NOT_FOUND -> classifier.failure(key, source, ErrorCode.NOT_FOUND,
                        "The scan was deleted before it could be classified.");
                case TOO_LARGE -> classifier.failure(key, source, ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                        "The file is %d bytes; the limit is %d bytes.", e.size(), classifier.limits().maxBytes()));
                default -> classifier.failure(key, source, ErrorCode.INTERNAL,
                        "The service could not read the scan.");
            };
            log.event("s3", requestId, key, "unreadable", e.kind() + ": " + e.getMessage());
            classification = new ScanClassifier.Classification(failure, null, null, null);
        }
        ScanResult result = classification.result();
        if (classification.internalError() != null) {
            log.internalError("s3", requestId, key, classification.internalError());
        }
        try {
            store.put(bucket, resultKey, Json.writeBytes(result), "application/json");
            if (!result.failed()) {
                heatmaps.write(bucket, resultKey, classification);
            }
        } catch (StoreException e) {
            if (e.isTransient()) {
                log.event("s3", requestId, key, "retry", "writing the result failed: " + e.getMessage());
                throw e;
            }
            log.event("s3", requestId, key, "result-not-written", e.kind() + ": " + e.getMessage());
            return Outcome.FAILED;
        }
        log.scan("s3", requestId, key, result);
        if (!result.failed()) {
            return Outcome.CLASSIFIED;
        }
        return result.errorCode().isClientError() ? Outcome.REJECTED : Outcome.FAILED;
    }
}
