package dev.brainscan.store;

/** A failed object-store call, classified by what the caller should do about it. */
public final class StoreException extends Exception {

    public enum Kind {
        /** The object is not there (deleted before processing, or no result yet). Permanent. */
        NOT_FOUND,
        /** The service may not read or write it. Permanent: retrying cannot help. */
        DENIED,
        /** The object is bigger than the caller will read. Permanent. */
        TOO_LARGE,
        /** Throttling, 5xx, I/O: retrying later may work. */
        TRANSIENT
    }

    private final Kind kind;
    private final long size;

    public StoreException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, -1);
    }

    public StoreException(Kind kind, String message, Throwable cause, long size) {
        super(message, cause);
        this.kind = kind;
        this.size = size;
    }

    public Kind kind() {
        return kind;
    }

    /** The object's size where known (TOO_LARGE), else -1. */
    public long size() {
        return size;
    }

    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }
}
