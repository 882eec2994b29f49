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

    /**
     * What became of one object. CLASSIFIED, REJECTED (bad input) and FAILED (an INTERNAL error
     * result) each wrote a result object; NOT_WRITTEN means a permanent storage failure left no
     * result; IGNORED means the key is outside the input prefix, which never gets one.
     */
    public enum Outcome {
        CLASSIFIED, REJECTED, FAILED, NOT_WRITTEN, IGNORED;

        /** Whether a result or an error result object was written for the key. */
        public boolean wroteResult() {
            return this == CLASSIFIED || this == REJECTED || this == FAILED;
        }
    }

    private final Classifier classifier;
    private final ObjectStore store;
    private final String inputPrefix;
    private final String resultPrefix;
    private final ScanLog log;
    private final HeatmapWriter heatmaps;
    private final String channel;

    /** Writes the heatmap beside the result when configured; a no-op otherwise. */
    public interface HeatmapWriter {
        HeatmapWriter NONE = (bucket, resultKey, classification) -> { };

        void write(String bucket, String resultKey, ScanClassifier.Classification classification)
                throws StoreException;
    }

    public UploadProcessor(Classifier classifier, ObjectStore store, String inputPrefix, String resultPrefix,
                           ScanLog log, HeatmapWriter heatmaps) {
        this(classifier, store, inputPrefix, resultPrefix, log, heatmaps, "s3");
    }

    private UploadProcessor(Classifier classifier, ObjectStore store, String inputPrefix, String resultPrefix,
                            ScanLog log, HeatmapWriter heatmaps, String channel) {
        this.channel = channel;
        this.classifier = classifier;
        this.store = store;
        this.inputPrefix = inputPrefix;
        this.resultPrefix = resultPrefix;
        this.log = log;
        this.heatmaps = heatmaps;
    }

    /**
     * The same flow under another channel name in logs and metrics ({@code batch} for S3 Batch
     * Operations backfills); everything else is shared.
     */
    public UploadProcessor forChannel(String channel) {
        return new UploadProcessor(classifier, store, inputPrefix, resultPrefix, log, heatmaps, channel);
    }

    public String inputPrefix() {
        return inputPrefix;
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
            log.event(channel, requestId, key, "ignored", "outside the input prefix " + inputPrefix);
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
                log.event(channel, requestId, key, "retry", "reading the scan failed: " + e.getMessage());
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
            log.event(channel, requestId, key, "unreadable", e.kind() + ": " + e.getMessage());
            classification = new ScanClassifier.Classification(failure, null, null, null);
        }
        ScanResult result = classification.result();
        if (classification.internalError() != null) {
            log.internalError(channel, requestId, key, classification.internalError());
        }
        try {
            store.put(bucket, resultKey, Json.writeBytes(result), "application/json");
            if (!result.failed()) {
                heatmaps.write(bucket, resultKey, classification);
            }
        } catch (StoreException e) {
            if (e.isTransient()) {
                log.event(channel, requestId, key, "retry", "writing the result failed: " + e.getMessage());
                throw e;
            }
            log.event(channel, requestId, key, "result-not-written", e.kind() + ": " + e.getMessage());
            return Outcome.NOT_WRITTEN;
        }
        log.scan(channel, requestId, key, result);
        if (!result.failed()) {
            return Outcome.CLASSIFIED;
        }
        return result.errorCode().isClientError() ? Outcome.REJECTED : Outcome.FAILED;
    }
}
