package dev.brainscan.store;

/**
 * The bucket as the flows see it: get and put whole objects. Implementations map their
 * failures onto {@link StoreException.Kind}, which decides retry versus error result.
 */
public interface ObjectStore {

    /** An object's bytes and the identity S3 gives it. */
    record StoredObject(byte[] bytes, String versionId, String eTag) {
    }

    /**
     * Reads an object whole, refusing (kind TOO_LARGE) before reading when it is over {@code maxBytes}.
     */
    StoredObject get(String bucket, String key, long maxBytes) throws StoreException;

    void put(String bucket, String key, byte[] bytes, String contentType) throws StoreException;
}
