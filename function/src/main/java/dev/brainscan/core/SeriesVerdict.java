package dev.brainscan.core;

import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The verdict over the slice records of a DICOM series; see {@link Classifier#series}. */
final class SeriesVerdict {
    private SeriesVerdict() {
    }

    /**
     * The series record over DICOM slice records (docs/contracts.md, "7. DICOM"): the number of slices
     * (frames), how many were classified, and the highest-scoring classified slice, whose
     * score gives the series label and tier. When no slice could be classified it is an error
     * record with the first slice's error code. {@code slices} go into the record's
     * {@code slices} when {@code embed} (the S3 zip result), else they stay separate records.
     */
    static ScanResult of(ModelManifest m, List<ScanResult> slices, String scanId, Map<String, String> source,
                         boolean embed) {
        ScanResult top = null;
        int classified = 0;
        double total = 0;
        java.util.Set<String> seriesUids = new java.util.LinkedHashSet<>();
        String study = null;
        for (ScanResult r : slices) {
            if (r.dicom() != null && r.dicom().seriesInstanceUid() != null) {
                seriesUids.add(r.dicom().seriesInstanceUid());
                study = study == null ? r.dicom().studyInstanceUid() : study;
            }
            if (r.timingsMs() != null && r.timingsMs().get("total") != null) {
                total += r.timingsMs().get("total");
            }
            if (!r.failed()) {
                classified++;
                if (top == null || r.score() > top.score()) {
                    top = r;
                }
            }
        }
        String seriesUid = seriesUids.size() == 1 ? seriesUids.iterator().next() : null;
        ScanResult.TopSlice topSlice = top == null ? null : new ScanResult.TopSlice(top.scanId(),
                top.dicom() == null ? null : top.dicom().sopInstanceUid(),
                top.dicom() == null ? null : top.dicom().frame(), top.score());
        ScanResult.SeriesInfo info = new ScanResult.SeriesInfo(seriesUid, study,
                seriesUids.size() > 1 ? seriesUids.size() : null, slices.size(), classified, slices.size() - classified,
                topSlice);
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("total", Math.round(total * 100) / 100.0);
        List<ScanResult> embedded = embed ? List.copyOf(slices) : null;
        if (top == null) {
            ScanResult.ErrorBody error = slices.isEmpty()
                    ? new ScanResult.ErrorBody(ErrorCode.UNSUPPORTED_FORMAT, "The series holds no DICOM slice.")
                    : new ScanResult.ErrorBody(slices.get(0).error().code(),
                            "No slice of the series could be classified; the first one: " + slices.get(0).error().message());
            return ScanResult.series(m.stamp(), scanId, source, null, error, info, embedded, timings);
        }
        // The tumour type (model v2) is the top slice's.
        return ScanResult.series(m.stamp(), scanId, source, new ScanResult.Decision(top.label(), top.score(),
                top.riskTier(), top.tumorType(), m.decisionThreshold()), null, info, embedded, timings);
    }

}
