package dev.brainscan.core.result;

/**
 * A scan that cannot be classified, with a message meant for the caller: it names what is
 * wrong with the input and never carries internals (paths, stack traces, library text).
 * A DICOM file that was read but refused (its modality, size, syntax or pixel format) also
 * carries its identifiers ({@link #dicom()}), which its error record shows.
 */
public final class ScanException extends Exception {
    private final ErrorCode code;
    private final DicomInfo dicom;

    public ScanException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public ScanException(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, null);
    }

    private ScanException(ErrorCode code, String message, Throwable cause, DicomInfo dicom) {
        super(message, cause, false, false);
        this.code = code;
        this.dicom = dicom;
    }

    public ErrorCode code() {
        return code;
    }

    /** The identifiers of the refused DICOM file, or null (not DICOM, or not readable as far as its identifiers). */
    public DicomInfo dicom() {
        return dicom;
    }

    /** The same error for a DICOM file whose identifiers are {@code dicom}. */
    public ScanException withDicom(DicomInfo dicom) {
        return new ScanException(code, getMessage(), getCause(), dicom);
    }
}
