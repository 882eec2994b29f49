package dev.brainscan.core.result;

/**
 * A scan that cannot be classified, with a message meant for the caller: it names what is
 * wrong with the input and never carries internals (paths, stack traces, library text).
 */
public final class ScanException extends Exception {
    private final ErrorCode code;

    public ScanException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ScanException(ErrorCode code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
