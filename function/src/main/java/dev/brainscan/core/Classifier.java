package dev.brainscan.core;

import dev.brainscan.core.image.Limits;
import dev.brainscan.core.image.dicom.StructuredReport;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanResult;
import java.util.ArrayList;
import java.util.List;
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
     * Classifies one scan; with {@code heatmap}, a classified scan's outcome also carries its
     * activation overlay as a PNG ({@link Heatmap}; at most {@link Heatmap#MAX_SIDE} px). Bad
     * input becomes an error record, never an exception; an unexpected failure becomes an
     * {@code INTERNAL} record with the cause in
     * {@link Classification#internalError()} for the caller to log.
     */
    Classification run(byte[] bytes, String scanId, Map<String, String> source, boolean heatmap);

    /** {@link #run(byte[], String, Map, boolean)} without the heatmap. */
    default Classification run(byte[] bytes, String scanId, Map<String, String> source) {
        return run(bytes, scanId, source, false);
    }

    /**
     * Every outcome for one input: one per frame of a multi-frame DICOM file (frame n of a
     * multi-frame file is {@code scanId#frame=n}), each with its heatmap when {@code heatmap},
     * else the one {@link #run} gives.
     */
    default List<Classification> runAll(byte[] bytes, String scanId, Map<String, String> source,
                                                       boolean heatmap) {
        return List.of(run(bytes, scanId, source, heatmap));
    }

    /**
     * {@link #runAll(byte[], String, Map, boolean)} within {@code budget}, one budget shared by
     * every file of one input (a zip's entries and their frames count together).
     */
    default List<Classification> runAll(byte[] bytes, String scanId, Map<String, String> source, boolean heatmap,
                                        WorkBudget budget) {
        return runAll(bytes, scanId, source, heatmap);
    }

    /** {@link #runAll(byte[], String, Map, boolean)} without heatmaps. */
    default List<Classification> runAll(byte[] bytes, String scanId, Map<String, String> source) {
        return runAll(bytes, scanId, source, false);
    }

    /**
     * The series record over DICOM slice records (docs/contracts.md, "7. DICOM"): the number of slices
     * (frames), how many were classified, and the highest-scoring classified slice, whose
     * score gives the series label and tier. When no slice could be classified it is an error
     * record with the first slice's error code. {@code slices} go into the record's
     * {@code slices} when {@code embed} (the S3 zip result), else they stay separate records.
     */
    default ScanResult series(List<ScanResult> slices, String scanId, Map<String, String> source, boolean embed) {
        return SeriesVerdict.of(manifest(), slices, scanId, source, embed);
    }

    /**
     * One object as every channel classifies it: a zip of one DICOM series gives its series record
     * ({@link SeriesArchive}), a multi-frame DICOM file the series record over its frames (embedded),
     * anything else its one record; with {@code heatmap}, a single classified scan carries its
     * heatmap, and with {@code dicomSr}, each classified DICOM scan, frame or slice its
     * {@link StructuredReport} (made while its bytes are at hand: a zip's entries are not kept).
     * Bad input becomes an error record; internal failures come back in the parts.
     */
    default ObjectClassification classifyObject(byte[] bytes, String id, Map<String, String> source, boolean heatmap,
                                                boolean dicomSr) {
        List<ObjectClassification.Part> parts = new ArrayList<>();
        if (SeriesArchive.isZip(bytes)) {
            ScanResult series = SeriesArchive.classify(this, bytes, id, source, (entry, slice) -> parts.add(
                    new ObjectClassification.Part(slice, dicomSr ? StructuredReport.of(slice.result(), entry) : null)));
            return new ObjectClassification(series, List.copyOf(parts), true);
        }
        for (Classification c : runAll(bytes, id, source, heatmap)) {
            parts.add(new ObjectClassification.Part(c, dicomSr ? StructuredReport.of(c.result(), bytes) : null));
        }
        ScanResult record = parts.size() == 1 ? parts.get(0).result()
                : series(parts.stream().map(ObjectClassification.Part::result).toList(), id, source, true);
        return new ObjectClassification(record, List.copyOf(parts), false);
    }

    /** An error record for a scan that never reached the pipeline (e.g. too large to fetch). */
    ScanResult failure(String scanId, Map<String, String> source, ErrorCode code, String message);
}
