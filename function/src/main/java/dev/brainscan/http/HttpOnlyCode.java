package dev.brainscan.http;

/**
 * The error codes only an HTTP answer carries (docs/contracts.md section 3.3): they describe
 * the request, never a scan, so no result record holds one. A scan's codes are the core's
 * {@link dev.brainscan.core.result.ErrorCode}; both map to statuses in {@link Responses}.
 */
public enum HttpOnlyCode {
    /** The local server refuses a request for another host or origin (DNS rebinding, cross-site posts). */
    FORBIDDEN,
    /** The route exists, the method does not (the answer names the allowed ones). */
    METHOD_NOT_ALLOWED,
    /** The local server's classification slots and queue, or the memory for request bodies, are taken; 503 with {@code retry-after}. */
    BUSY
}
