package dev.brainscan.core;

/** The documented error codes (docs/contracts.md section 3.3) and the HTTP status each maps to. */
public enum ErrorCode {
    UNSUPPORTED_FORMAT(415),
    CORRUPT_IMAGE(422),
    NO_BRAIN_REGION(422),
    NOT_A_BRAIN_MRI(422),
    IMAGE_TOO_LARGE(413),
    BAD_REQUEST(400),
    /** HTTP only: the local server refuses a request for another host or origin (DNS rebinding, cross-site posts). */
    FORBIDDEN(403),
    NOT_FOUND(404),
    /** HTTP only: the route exists, the method does not (the answer names the allowed ones). */
    METHOD_NOT_ALLOWED(405),
    INTERNAL(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Whether the input, not the service, is at fault: such a scan gets an error result, never a retry. */
    public boolean isClientError() {
        return httpStatus < 500;
    }
}
