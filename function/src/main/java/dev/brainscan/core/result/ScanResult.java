package dev.brainscan.core.result;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The result JSON of docs/contracts.md section 3: the same record is the S3 result object, the HTTP
 * body and the CLI record. A failure has no label, score or tier and carries {@code error}.
 * Every record, failures included, names the model that produced it. Built through the named
 * factories ({@link #classified}, {@link #failed}, {@link #series}); written by {@code ResultJson}
 * in the contract's order.
 */
public record ScanResult(
        int schemaVersion,
        String scanId,
        String label,
        Double score,
        String riskTier,
        TumorType tumorType,
        Double decisionThreshold,
        ModelIdentity model,
        Map<String, String> source,
        ImageInfo image,
        CropBox crop,
        Map<String, Double> timingsMs,
        String processedAt,
        String notice,
        ErrorBody error,
        String heatmapPng,
        DicomInfo dicom,
        SeriesInfo series,
        List<ScanResult> slices,
        PreprocessingInfo preprocessing) {

    public static final int SCHEMA_VERSION = 1;

    /** What every record says about the model that produced it: its identity and the notice. */
    public record Stamp(ModelIdentity model, String notice) {
        public Stamp {
            notice = Notice.of(notice);
        }
    }

    /** A classified scan's verdict: the label, the score as stated, the tier, the tumour type (or null), the threshold. */
    public record Decision(String label, double score, String riskTier, TumorType tumorType, double decisionThreshold) {
    }

    /**
     * A classified scan: its verdict, the image read, the crop, the DICOM part (null for other
     * formats) and the preprocessing report (null when nothing beyond the v1 crop was done).
     */
    public static ScanResult classified(Stamp by, String scanId, Map<String, String> source, Decision decision,
                                        ImageInfo image, CropBox crop, DicomInfo dicom,
                                        PreprocessingInfo preprocessing, Map<String, Double> timingsMs) {
        return new ScanResult(SCHEMA_VERSION, scanId, decision.label(), decision.score(), decision.riskTier(),
                decision.tumorType(), decision.decisionThreshold(), by.model(), source, image, crop, timingsMs, now(),
                by.notice(), null, null, dicom, null, null, preprocessing);
    }

    /** A scan that was not classified: refused (a client error) or failed ({@code INTERNAL}). */
    public static ScanResult failed(Stamp by, String scanId, Map<String, String> source, ErrorCode code,
                                    String message, Map<String, Double> timingsMs) {
        return new ScanResult(SCHEMA_VERSION, scanId, null, null, null, null, null, by.model(), source, null, null,
                timingsMs, now(), by.notice(), new ErrorBody(code, message), null, null, null, null, null);
    }

    /**
     * A series record: the verdict of its top slice ({@code decision}; null when no slice was
     * classified, and then {@code error}), the series part and, when embedded, the slice records.
     */
    public static ScanResult series(Stamp by, String scanId, Map<String, String> source, Decision decision,
                                    ErrorBody error, SeriesInfo series, List<ScanResult> slices,
                                    Map<String, Double> timingsMs) {
        if ((decision == null) == (error == null)) {
            throw new IllegalArgumentException("a series record has a verdict or an error, not both");
        }
        return new ScanResult(SCHEMA_VERSION, scanId, decision == null ? null : decision.label(),
                decision == null ? null : decision.score(), decision == null ? null : decision.riskTier(),
                decision == null ? null : decision.tumorType(), decision == null ? null : decision.decisionThreshold(),
                by.model(), source, null, null, timingsMs, now(), by.notice(), error, null, null, series, slices, null);
    }

    /** The same failure with what was read before it: the image, the crop found, the DICOM part (each may be null). */
    public ScanResult withInput(ImageInfo newImage, CropBox newCrop, DicomInfo newDicom) {
        return new ScanResult(schemaVersion, scanId, label, score, riskTier, tumorType, decisionThreshold, model,
                source, newImage, newCrop, timingsMs, processedAt, notice, error, heatmapPng, newDicom, series, slices,
                preprocessing);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    public static final String TUMOR = "tumor";
    public static final String NO_TUMOR = "no_tumor";

    public record ModelIdentity(String name, String version, String sha256) {
    }

    public record ImageInfo(String format, int width, int height) {
    }

    /**
     * Model v2: the most likely tumour type and the probabilities of all three, present on
     * every classified record whatever its label (meaningful only if the scan is a tumour).
     */
    public record TumorType(String label, java.util.Map<String, Double> probabilities) {
    }

    public record ErrorBody(ErrorCode code, String message) {
    }

    /**
     * The verdict over a DICOM series (docs/contracts.md, "7. DICOM"): how many slices (frames) it has, how
     * many were classified, and the highest-scoring slice, whose label, score and tier the
     * series record carries.
     */
    public record SeriesInfo(String seriesInstanceUid, String studyInstanceUid, Integer seriesCount, int slices,
                             int classified, int failed, TopSlice topSlice, Integer slicesOmitted) {
        public SeriesInfo(String seriesInstanceUid, String studyInstanceUid, Integer seriesCount, int slices,
                          int classified, int failed, TopSlice topSlice) {
            this(seriesInstanceUid, studyInstanceUid, seriesCount, slices, classified, failed, topSlice, null);
        }

        /**
         * The same, noting that {@code omitted} per-slice records were left out of the record's
         * {@code slices} to keep it within the size a result may have (failed slices first).
         */
        public SeriesInfo withSlicesOmitted(int omitted) {
            return new SeriesInfo(seriesInstanceUid, studyInstanceUid, seriesCount, slices, classified, failed,
                    topSlice, omitted);
        }
    }

    /** The same record with other embedded slice records and series part (a series result cut to size). */
    public ScanResult withSlices(SeriesInfo newSeries, List<ScanResult> newSlices) {
        return new ScanResult(schemaVersion, scanId, label, score, riskTier, tumorType, decisionThreshold, model,
                source, image, crop, timingsMs, processedAt, notice, error, heatmapPng, dicom, newSeries, newSlices,
                preprocessing);
    }

    /**
     * What preprocessing did beyond the v1 crop (absent when nothing): the manifest's
     * preprocessing version and the steps taken ({@code frame}, {@code adaptive-threshold},
     * {@code grey}, {@code exif-orientation}).
     */
    public record PreprocessingInfo(int version, List<String> steps) {
    }

    /** The highest-scoring slice of a series. */
    public record TopSlice(String scanId, String sopInstanceUid, Integer frame, double score) {
    }

    /** What became of a scan, decided here once: classified, refused (the input is at fault) or failed. */
    public enum Outcome { CLASSIFIED, REFUSED, FAILED }

    public Outcome outcome() {
        if (error == null) {
            return Outcome.CLASSIFIED;
        }
        return error.code().isClientError() ? Outcome.REFUSED : Outcome.FAILED;
    }

    public boolean failed() {
        return error != null;
    }

    /** The failure's code; null for a classified scan. */
    public ErrorCode errorCode() {
        return error == null ? null : error.code();
    }

    public ScanResult withHeatmap(String base64Png) {
        return new ScanResult(schemaVersion, scanId, label, score, riskTier, tumorType, decisionThreshold, model,
                source, image, crop, timingsMs, processedAt, notice, error, base64Png, dicom, series, slices,
                preprocessing);
    }

    /** Whether this is a series record (its {@code slices} hold the per-slice records). */
    public boolean isSeries() {
        return series != null;
    }
}
