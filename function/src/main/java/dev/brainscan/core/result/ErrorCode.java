package dev.brainscan.core.result;

/**
 * The documented error codes (docs/contracts.md section 3.3). What each means to a channel
 * is mapped where the channel is: the HTTP status in {@code http.Responses}, the outcome of
 * the S3 flow by {@link #isClientError()}.
 */
public enum ErrorCode {
    UNSUPPORTED_FORMAT,
    CORRUPT_IMAGE,
    NO_BRAIN_REGION,
    NOT_A_BRAIN_MRI,
    IMAGE_TOO_LARGE,
    BAD_REQUEST,
    /** HTTP only: the local server refuses a request for another host or origin (DNS rebinding, cross-site posts). */
    FORBIDDEN,
    NOT_FOUND,
    /** HTTP only: the route exists, the method does not (the answer names the allowed ones). */
    METHOD_NOT_ALLOWED,
    /** HTTP only (local server): every classification slot and queue place, or the memory for request bodies, is taken; 503 with {@code retry-after}. */
    BUSY,
    INTERNAL;

    /** Whether the input, not the service, is at fault: such a scan gets an error result, never a retry. */
    public boolean isClientError() {
        return this != INTERNAL && this != BUSY;
    }
}
