package dev.brainscan.core.result;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * The result JSON of docs/contracts.md section 3: the same record is the S3 result object, the HTTP
 * body and the CLI record. A failure has no label, score or tier and carries {@code error}.
 * Every record, failures included, names the model that produced it.
 */
@JsonPropertyOrder({"schemaVersion", "scanId", "label", "score", "riskTier", "tumorType", "decisionThreshold", "model",
    "source", "image", "dicom", "series", "crop", "preprocessing", "timingsMs", "processedAt", "notice", "error", "slices", "heatmapPng"})
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

    /** A record without a preprocessing report (the v1 crop, nothing more). */
    public ScanResult(int schemaVersion, String scanId, String label, Double score, String riskTier,
                      TumorType tumorType, Double decisionThreshold, ModelIdentity model, Map<String, String> source,
                      ImageInfo image, CropBox crop, Map<String, Double> timingsMs, String processedAt, String notice,
                      ErrorBody error, String heatmapPng, DicomInfo dicom, SeriesInfo series,
                      List<ScanResult> slices) {
        this(schemaVersion, scanId, label, score, riskTier, tumorType, decisionThreshold, model, source, image, crop,
                timingsMs, processedAt, notice, error, heatmapPng, dicom, series, slices, null);
    }

    /** A record without a tumour type (model v1, failures). */
    public ScanResult(int schemaVersion, String scanId, String label, Double score, String riskTier,
                      Double decisionThreshold, ModelIdentity model, Map<String, String> source, ImageInfo image,
                      CropBox crop, Map<String, Double> timingsMs, String processedAt, String notice, ErrorBody error,
                      String heatmapPng) {
        this(schemaVersion, scanId, label, score, riskTier, null, decisionThreshold, model, source, image, crop,
                timingsMs, processedAt, notice, error, heatmapPng);
    }

    /** A record without DICOM or series parts (every non-DICOM scan). */
    public ScanResult(int schemaVersion, String scanId, String label, Double score, String riskTier,
                      TumorType tumorType, Double decisionThreshold, ModelIdentity model, Map<String, String> source,
                      ImageInfo image, CropBox crop, Map<String, Double> timingsMs, String processedAt, String notice,
                      ErrorBody error, String heatmapPng) {
        this(schemaVersion, scanId, label, score, riskTier, tumorType, decisionThreshold, model, source, image, crop,
                timingsMs, processedAt, notice, error, heatmapPng, null, null, null);
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

    public record ErrorBody(String code, String message) {
    }

    /**
     * The verdict over a DICOM series (docs/contracts.md, "7. DICOM"): how many slices (frames) it has, how
     * many were classified, and the highest-scoring slice, whose label, score and tier the
     * series record carries.
     */
    @JsonPropertyOrder({"seriesInstanceUid", "studyInstanceUid", "seriesCount", "slices", "classified", "failed",
        "topSlice", "slicesOmitted"})
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

    @JsonIgnore
    public boolean failed() {
        return error != null;
    }

    /** The failure's code; null for a classified scan. */
    @JsonIgnore
    public ErrorCode errorCode() {
        return error == null ? null : ErrorCode.valueOf(error.code());
    }

    public ScanResult withHeatmap(String base64Png) {
        return new ScanResult(schemaVersion, scanId, label, score, riskTier, tumorType, decisionThreshold, model,
                source, image, crop, timingsMs, processedAt, notice, error, base64Png, dicom, series, slices,
                preprocessing);
    }

    /** Whether this is a series record (its {@code slices} hold the per-slice records). */
    @JsonIgnore
    public boolean isSeries() {
        return series != null;
    }
}
