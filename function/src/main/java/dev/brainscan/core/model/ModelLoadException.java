package dev.brainscan.core.model;

/** The model or its manifest cannot be used: a start-up failure, never a per-scan one. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
