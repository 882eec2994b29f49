package dev.brainscan.flow;

import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import dev.brainscan.core.Classification;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.ObjectClassification;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.store.ObjectStore;
import dev.brainscan.store.StoreException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
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

    private static final long MAX_RESULT_BYTES = ResultBound.MAX_RESULT_BYTES;

    private final Classifier classifier;
    private final ObjectStore store;
    private final String inputPrefix;
    private final String resultPrefix;
    private final ScanLog log;
    /** WRITE_HEATMAPS: a classified scan's heatmap goes to {@link #heatmapKey} beside its result. */
    private final boolean heatmaps;
    /** WRITE_DICOM_SR: an SR per classified DICOM scan goes to {@link #srKey} beside its result. */
    private final boolean dicomSr;
    private final Channel channel;

    public UploadProcessor(Classifier classifier, ObjectStore store, String inputPrefix, String resultPrefix,
                           ScanLog log, boolean heatmaps) {
        this(classifier, store, inputPrefix, resultPrefix, log, heatmaps, false, Channel.S3);
    }

    private UploadProcessor(Classifier classifier, ObjectStore store, String inputPrefix, String resultPrefix,
                            ScanLog log, boolean heatmaps, boolean dicomSr, Channel channel) {
        this.channel = channel;
        this.dicomSr = dicomSr;
        this.classifier = classifier;
        this.store = store;
        this.inputPrefix = inputPrefix;
        this.resultPrefix = resultPrefix;
        this.log = log;
        this.heatmaps = heatmaps;
    }

    /**
     * The same flow under another channel in logs and metrics ({@link Channel#BATCH} for S3 Batch
     * Operations backfills); everything else is shared.
     */
    public UploadProcessor forChannel(Channel channel) {
        return new UploadProcessor(classifier, store, inputPrefix, resultPrefix, log, heatmaps, dicomSr, channel);
    }

    /** The same flow, writing (or not) a DICOM SR beside each classified DICOM scan's result (WRITE_DICOM_SR). */
    public UploadProcessor withDicomSr(boolean on) {
        return new UploadProcessor(classifier, store, inputPrefix, resultPrefix, log, heatmaps, on, channel);
    }

    /**
     * Where the SR of the record {@code scanId} of the object {@code key} goes, beside the result:
     * {@code results/a/b.dcm.json} -> {@code results/a/b.dcm.sr.dcm}; a frame adds {@code .frame-N},
     * a zip's entry {@code .entry-N} (so {@code b.zip#3#frame=2} -> {@code b.zip.entry-3.frame-2.sr.dcm}).
     */
    public static String srKey(String resultKey, String key, String scanId) {
        String suffix = scanId.startsWith(key) ? scanId.substring(key.length()) : "";
        suffix = suffix.replace("#frame=", ".frame-").replace("#", ".entry-");
        return resultKey.substring(0, resultKey.length() - ".json".length()) + suffix + ".sr.dcm";
    }

    public String inputPrefix() {
        return inputPrefix;
    }

    /** {@code scans/ward7/p12.jpg} -> {@code results/ward7/p12.jpg.json}; null outside the input prefix. */
    public String resultKey(String key) {
        return resultKey(inputPrefix, resultPrefix, key);
    }

    /** The one mapping from an upload's key to its result's key; null outside the input prefix. */
    public static String resultKey(String inputPrefix, String resultPrefix, String key) {
        if (!key.startsWith(inputPrefix) || key.length() == inputPrefix.length()) {
            return null;
        }
        return resultPrefix + key.substring(inputPrefix.length()) + ".json";
    }

    /**
     * An S3 event's or a Batch Operations task's key as stored: keys come URL-encoded ('+' is a
     * space, %2B a plus, unicode is %-encoded UTF-8); one that is not is taken as given.
     */
    public static String decodeKey(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw; // not URL-encoded after all; process the key as given
        }
    }

    /** {@code results/ward7/p12.jpg.json} -> {@code results/ward7/p12.jpg.heatmap.png}. */
    public static String heatmapKey(String resultKey) {
        return resultKey.substring(0, resultKey.length() - ".json".length()) + ".heatmap.png";
    }

    /**
     * Processes one object (its key already URL-decoded).
     *
     * @throws StoreException a transient failure: the caller must make the invocation fail
     */
    public Outcome process(String bucket, String key, String requestId) throws StoreException {
        return process(bucket, key, requestId, null, null);
    }

    /**
     * Processes one object of an S3 event, with the event's {@code versionId} and
     * {@code sequencer} where S3 gave them: the sequencer goes into the result's source, and
     * a result already written for a later event on the same key (a newer version) is never
     * replaced by this older one's.
     *
     * @throws StoreException a transient failure: the caller must make the invocation fail
     */
    public Outcome process(String bucket, String key, String requestId, String eventVersionId, String sequencer)
            throws StoreException {
        String resultKey = resultKey(key);
        if (resultKey == null) {
            log.event(channel, requestId, key, "ignored", "outside the input prefix " + inputPrefix);
            return Outcome.IGNORED;
        }
        Map<String, String> source = new LinkedHashMap<>();
        source.put("bucket", bucket);
        source.put("key", key);
        boolean ordered = EventOrder.valid(sequencer);
        if (ordered) {
            source.put("sequencer", sequencer);
        }
        ObjectClassification classified;
        try {
            ObjectStore.StoredObject object = store.get(bucket, key, classifier.limits().maxBytes());
            if (object.versionId() != null) {
                source.put("versionId", object.versionId());
            } else if (eventVersionId != null && !eventVersionId.isEmpty()) {
                source.put("versionId", eventVersionId);
            }
            if (object.eTag() != null) {
                source.put("eTag", object.eTag());
            }
            classified = classifier.classifyObject(object.bytes(), key, source, heatmaps, dicomSr);
        } catch (OutOfMemoryError e) {
            // Every upload ends with a result: the input's frames and files are bounded, but the
            // heap is shared; what was built for this input is garbage now, a small record fits.
            // (Retrying would exhaust it again. A crash of any other kind is thrown, retried, and
            // ends in the failure queue's error result.)
            classified = alone(new Classification(classifier.failure(key, source, ErrorCode.IMAGE_TOO_LARGE,
                    "Classifying the upload needs more memory than the service has."), null, e));
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
            classified = alone(Classification.of(failure));
        }
        ScanResult result = classified.record();
        for (Throwable e : classified.internalErrors()) {
            log.internalError(channel, requestId, key, e);
        }
        try {
            if (ordered && newerResultExists(bucket, resultKey, sequencer, requestId, key)) {
                log.event(channel, requestId, key, "superseded", "a later event on this key has written its result");
                return Outcome.IGNORED;
            }
            store.put(bucket, resultKey, ResultBound.json(result, MAX_RESULT_BYTES), "application/json");
            if (classified.heatmapPng() != null) {
                store.put(bucket, heatmapKey(resultKey), classified.heatmapPng(), "image/png");
            }
            for (ObjectClassification.Part part : classified.parts()) {
                if (part.structuredReport() != null) {
                    store.put(bucket, srKey(resultKey, key, part.result().scanId()), part.structuredReport(),
                            "application/dicom");
                }
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
        return switch (result.outcome()) {
            case CLASSIFIED -> Outcome.CLASSIFIED;
            case REFUSED -> Outcome.REJECTED;
            case FAILED -> Outcome.FAILED;
        };
    }

    /** An object that never reached the classifier (or left it out of memory): its one record. */
    private static ObjectClassification alone(Classification c) {
        return new ObjectClassification(c.result(), List.of(new ObjectClassification.Part(c, null)), false);
    }

    /**
     * Whether the result at {@code resultKey} came from a later event than {@code sequencer}.
     * A result without a sequencer (older software, the failure queue's error result for this
     * very event) does not block; an unreadable one is logged and does not block either.
     */
    private boolean newerResultExists(String bucket, String resultKey, String sequencer, String requestId, String key)
            throws StoreException {
        byte[] existing;
        try {
            existing = store.get(bucket, resultKey, MAX_RESULT_BYTES).bytes();
        } catch (StoreException e) {
            if (e.isTransient()) {
                throw e;
            }
            if (e.kind() != StoreException.Kind.NOT_FOUND) {
                log.event(channel, requestId, key, "order-unchecked", e.kind() + ": " + e.getMessage());
            }
            return false;
        }
        try {
            JsonNode theirs = Json.mapper().readTree(existing).path("source").path("sequencer");
            return theirs.isTextual() && EventOrder.valid(theirs.asText())
                    && EventOrder.compare(theirs.asText(), sequencer) > 0;
        } catch (java.io.IOException e) {
            return false; // not a result we wrote: replace it
        }
    }
}
