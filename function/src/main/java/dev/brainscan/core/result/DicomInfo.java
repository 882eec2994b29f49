package dev.brainscan.core.result;

/**
 * The {@code dicom} block of a result (docs/contracts.md, "7. DICOM"): identifiers of the study, series
 * and instance, the modality, the transfer syntax, the frame (1-based) and the window used
 * to make the 8-bit image. Nothing else from the file ever leaves the decoder: no patient,
 * institution or physician datum, no accession number, no dates.
 */
public record DicomInfo(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, String modality,
                        String transferSyntax, Integer frame, Integer frames, Window window) {

    /** Where the window came from. */
    public static final String WINDOW_FILE = "file";
    /** No window in the file, 8-bit data: shown as stored, over its whole value range. */
    public static final String WINDOW_FULL_RANGE = "full-range";
    /** No window in the file: the 0.5th to 99.5th percentile of the frame's values. */
    public static final String WINDOW_AUTO = "auto";
    /** Colour data (RGB or YBR) shown as stored: no window applies. */
    public static final String WINDOW_NONE = "none";

    /**
     * The VOI window in modality units (after rescale slope and intercept).
     *
     * @param function the VOI LUT function (LINEAR, LINEAR_EXACT or SIGMOID) when the file gave one
     */
    public record Window(Double center, Double width, String source, String function) {
    }

    public DicomInfo withFrame(int frameNumber, Window used) {
        return new DicomInfo(studyInstanceUid, seriesInstanceUid, sopInstanceUid, modality, transferSyntax,
                frameNumber, frames, used);
    }
}
