package dev.brainscan.core.result;

/**
 * The documented error codes of a scan's record and of a request (docs/contracts.md section 3.3).
 * What each means to a channel is mapped where the channel is: the HTTP status in
 * {@code http.Responses}, the outcome by {@link ScanResult#outcome()}. The codes only an HTTP
 * answer carries (about the request, never a scan) are {@code http.HttpOnlyCode}.
 */
public enum ErrorCode {
    UNSUPPORTED_FORMAT,
    CORRUPT_IMAGE,
    NO_BRAIN_REGION,
    NOT_A_BRAIN_MRI,
    IMAGE_TOO_LARGE,
    BAD_REQUEST,
    NOT_FOUND,
    INTERNAL;

    /** Whether the input, not the service, is at fault: such a scan gets an error result, never a retry. */
    public boolean isClientError() {
        return this != INTERNAL;
    }
}
