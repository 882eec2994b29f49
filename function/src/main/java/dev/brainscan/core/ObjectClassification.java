package dev.brainscan.core;

import dev.brainscan.core.result.ScanResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One object (an S3 upload, a {@code POST /classify} body, a CLI file) as
 * {@link Classifier#classifyObject} classified it: the one record a channel stores or answers
 * with, and every part behind it (the scan, each frame of a multi-frame DICOM file, each slice
 * of a series zip) with its DICOM SR when one was asked for.
 *
 * @param record the scan's record; a multi-frame file's or a zip's series record, parts embedded
 * @param parts the outcome of each scan, frame or slice, in order
 * @param archive whether the object was a zip of one series
 */
public record ObjectClassification(ScanResult record, List<Part> parts, boolean archive) {

    /**
     * One scan, frame or slice: its outcome and, for DICOM out, its Basic Text SR (a Part-10
     * file; null when not asked for, or for a record that is not a classified DICOM scan).
     */
    public record Part(Classification classification, byte[] structuredReport) {
        public ScanResult result() {
            return classification.result();
        }
    }

    /** The heatmap of a single classified scan when one was asked for; null for series and failures. */
    public byte[] heatmapPng() {
        return !archive && parts.size() == 1 && !record.failed() ? parts.get(0).classification().heatmapPng() : null;
    }

    /** The causes of every {@code INTERNAL} part, for the channel to log (never shown). */
    public List<Throwable> internalErrors() {
        List<Throwable> out = new ArrayList<>();
        for (Part p : parts) {
            if (p.classification().internalError() != null) {
                out.add(p.classification().internalError());
            }
        }
        return out;
    }

    /** The records a per-scan listing shows: a zip's series record, else one per scan or frame. */
    public List<ScanResult> records() {
        return archive ? List.of(record) : parts.stream().map(Part::result).toList();
    }
}
