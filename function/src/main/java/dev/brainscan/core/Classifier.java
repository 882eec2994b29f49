package dev.brainscan.core;

import java.util.Map;

/**
 * What the channels need from the pipeline: the flow and the HTTP routes depend on this,
 * not on the model, so they can be tested with a fake. {@link ScanClassifier} is the one
 * real implementation.
 */
public interface Classifier {

    ModelManifest manifest();

    Limits limits();

    /**
     * Classifies one scan. Bad input becomes an error record, never an exception; an
     * unexpected failure becomes an {@code INTERNAL} record with the cause in
     * {@link ScanClassifier.Classification#internalError()} for the caller to log.
     */
    ScanClassifier.Classification run(byte[] bytes, String scanId, Map<String, String> source);

    /** An error record for a scan that never reached the pipeline (e.g. too large to fetch). */
    ScanResult failure(String scanId, Map<String, String> source, ErrorCode code, String message);
}
