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

    /**
     * Writes the object only where there is none yet; false when one exists (it is left as it
     * is). This default checks first and so has a window between check and write; stores that
     * can write conditionally (S3's If-None-Match) override it.
     */
    default boolean putIfAbsent(String bucket, String key, byte[] bytes, String contentType) throws StoreException {
        try {
            get(bucket, key, 0);
            return false;
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.TOO_LARGE) {
                return false; // it exists (and is over 0 bytes)
            }
            if (e.kind() != StoreException.Kind.NOT_FOUND) {
                throw e;
            }
        }
        put(bucket, key, bytes, contentType);
        return true;
    }
}
