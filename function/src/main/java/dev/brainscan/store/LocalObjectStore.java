package dev.brainscan.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@link ObjectStore} on a local directory ({@code <root>/<key>}), for {@code serve} on a
 * laptop with no AWS: the same upload flow and result routes, files instead of objects.
 */
public final class LocalObjectStore implements ObjectStore {
    private final Path root;

    public LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    private Path resolve(String key, boolean write) throws StoreException {
        for (String segment : key.split("/")) {
            if (segment.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                // No file system here names a file that long: there is no such object, and none can be written.
                throw new StoreException(write ? StoreException.Kind.DENIED : StoreException.Kind.NOT_FOUND,
                        "a key segment is over 255 bytes", null);
            }
        }
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new StoreException(StoreException.Kind.DENIED, "key escapes the store", null);
        }
        return p;
    }

    @Override
    public StoredObject get(String bucket, String key, long maxBytes) throws StoreException {
        Path p = resolve(key, false);
        try {
            long size = Files.size(p);
            if (size > maxBytes) {
                throw new StoreException(StoreException.Kind.TOO_LARGE, "object is " + size + " bytes", null, size);
            }
            try (InputStream in = Files.newInputStream(p)) {
                return new StoredObject(in.readNBytes((int) size), null, null);
            }
        } catch (NoSuchFileException e) {
            throw new StoreException(StoreException.Kind.NOT_FOUND, "no such key", e);
        } catch (IOException e) {
            throw new StoreException(StoreException.Kind.TRANSIENT, "read failed", e);
        }
    }

    @Override
    public void put(String bucket, String key, byte[] bytes, String contentType) throws StoreException {
        Path p = resolve(key, true);
        try {
            Files.move(written(p, bytes), p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StoreException(StoreException.Kind.TRANSIENT, "write failed", e);
        }
    }

    @Override
    public boolean putIfAbsent(String bucket, String key, byte[] bytes, String contentType) throws StoreException {
        Path p = resolve(key, true);
        try {
            Path tmp = written(p, bytes);
            try {
                Files.createLink(p, tmp); // atomic: fails when the object exists
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (UnsupportedOperationException e) {
            return ObjectStore.super.putIfAbsent(bucket, key, bytes, contentType);
        } catch (IOException e) {
            throw new StoreException(StoreException.Kind.TRANSIENT, "write failed", e);
        }
    }

    /** The bytes in a temporary file beside {@code p} (its folder created), ready to move or link into place. */
    private static Path written(Path p, byte[] bytes) throws IOException {
        Files.createDirectories(p.getParent());
        Path tmp = Files.createTempFile(p.getParent(), ".put-", ".tmp");
        Files.write(tmp, bytes);
        return tmp;
    }
}
