package dev.brainscan.core;

import dev.brainscan.core.result.ScanResult;

/**
 * A scan's outcome from a {@link Classifier}: its record, the heatmap PNG when one was asked
 * for and the scan was classified (else null), and the cause of an {@code INTERNAL} record
 * for the caller to log (never shown).
 */
public record Classification(ScanResult result, byte[] heatmapPng, Throwable internalError) {
    /** An outcome with nothing beside the record. */
    public static Classification of(ScanResult result) {
        return new Classification(result, null, null);
    }
}
