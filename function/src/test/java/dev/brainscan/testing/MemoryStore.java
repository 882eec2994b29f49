package dev.brainscan.testing;

import dev.brainscan.store.ObjectStore;
import dev.brainscan.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link ObjectStore} whose reads and writes can be made to fail with a given
 * {@link StoreException.Kind}, for the flow's failure paths without an S3 server.
 */
public final class MemoryStore implements ObjectStore {
    /** One successful put. */
    public record Put(String bucket, String key, byte[] bytes, String contentType) {
    }

    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private final List<Put> puts = new CopyOnWriteArrayList<>();
    private volatile StoreException.Kind getFailure;
    private volatile StoreException.Kind putFailure;

    public MemoryStore with(String key, byte[] bytes) {
        objects.put(key, bytes);
        return this;
    }

    public MemoryStore failingGets(StoreException.Kind kind) {
        getFailure = kind;
        return this;
    }

    public MemoryStore failingPuts(StoreException.Kind kind) {
        putFailure = kind;
        return this;
    }

    public List<Put> puts() {
        return puts;
    }

    public byte[] object(String key) {
        return objects.get(key);
    }

    @Override
    public StoredObject get(String bucket, String key, long maxBytes) throws StoreException {
        if (getFailure != null) {
            throw new StoreException(getFailure, "injected " + getFailure, null);
        }
        byte[] bytes = objects.get(key);
        if (bytes == null) {
            throw new StoreException(StoreException.Kind.NOT_FOUND, "no such key", null);
        }
        if (bytes.length > maxBytes) {
            throw new StoreException(StoreException.Kind.TOO_LARGE, "object is " + bytes.length + " bytes", null,
                    bytes.length);
        }
        return new StoredObject(bytes, "v1", "\"etag-1\"");
    }

    @Override
    public void put(String bucket, String key, byte[] bytes, String contentType) throws StoreException {
        if (putFailure != null) {
            throw new StoreException(putFailure, "injected " + putFailure, null);
        }
        objects.put(key, bytes);
        puts.add(new Put(bucket, key, bytes, contentType));
    }
}
