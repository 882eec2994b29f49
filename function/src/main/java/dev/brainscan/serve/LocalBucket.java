package dev.brainscan.serve;

import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.http.UploadUrls;
import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import dev.brainscan.store.LocalObjectStore;
import dev.brainscan.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bucket on a laptop, as far as {@code serve} needs one: a folder ({@link LocalObjectStore}),
 * the presigned-PUT URLs {@code POST /uploads} hands out for it (on this server, bounded in number,
 * expiring, and, like S3's signed Content-Length, bound to the size declared), and the event
 * notification: a stored scan runs the same upload flow the S3 trigger runs, one at a time.
 */
final class LocalBucket implements UploadUrls {
    static final String NAME = "local";
    static final String UPLOAD_PATH = "/local-uploads/";
    /** Upload URLs outstanding at most; past it the soonest to expire is dropped. */
    static final int MAX_ISSUED_UPLOADS = 1000;

    private final LocalObjectStore store;
    private final Duration urlTtl;
    private final String serverUrl;
    private final ScanLog log;
    private final Map<String, Instant> issuedUploads = new ConcurrentHashMap<>();
    /** The sizes declared to POST /uploads: as S3 with a signed Content-Length, another length is refused. */
    private final Map<String, Long> declaredSizes = new ConcurrentHashMap<>();
    private final ExecutorService notifications;
    private volatile UploadProcessor processor;

    /** The bucket in {@code dir}, its upload URLs on {@code serverUrl} ({@code http://127.0.0.1:PORT}) for {@code urlTtl}. */
    LocalBucket(Path dir, String serverUrl, Duration urlTtl, ScanLog log) {
        this.store = new LocalObjectStore(dir);
        this.serverUrl = serverUrl;
        this.urlTtl = urlTtl;
        this.log = log;
        this.notifications = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "serve-upload-flow");
            t.setDaemon(true);
            return t;
        });
    }

    LocalObjectStore store() {
        return store;
    }

    /** The flow a stored scan runs (the S3 trigger's). */
    void notify(UploadProcessor flow) {
        this.processor = flow;
    }

    @Override
    public Upload create(String key, String contentType, OptionalLong size) {
        Instant expires = Instant.now().plus(urlTtl);
        boundUploads();
        issuedUploads.put(key, expires);
        size.ifPresent(n -> declaredSizes.put(key, n));
        return new Upload(serverUrl + UPLOAD_PATH + key, expires, Map.of("Content-Type", contentType));
    }

    /** Upload URLs past their expiry are forgotten; at the cap, the soonest to expire goes. */
    private void boundUploads() {
        if (issuedUploads.size() < MAX_ISSUED_UPLOADS) {
            return;
        }
        Instant now = Instant.now();
        issuedUploads.values().removeIf(expires -> now.isAfter(expires));
        while (issuedUploads.size() >= MAX_ISSUED_UPLOADS) {
            issuedUploads.entrySet().stream().min(Map.Entry.comparingByValue())
                    .ifPresent(e -> issuedUploads.remove(e.getKey(), e.getValue()));
        }
        declaredSizes.keySet().retainAll(issuedUploads.keySet());
    }

    int issuedUploadCount() {
        return issuedUploads.size();
    }

    /** Whether {@code key} has an upload URL that is issued and not expired. */
    boolean open(String key) {
        Instant expires = key == null ? null : issuedUploads.get(key);
        return expires != null && !Instant.now().isAfter(expires);
    }

    /** The size declared for {@code key}'s upload, or null when none was. */
    Long declaredSize(String key) {
        return declaredSizes.get(key);
    }

    /** Stores the scan under {@code key}; its upload URL is used up. */
    void put(String key, byte[] body) throws StoreException {
        issuedUploads.remove(key);
        declaredSizes.remove(key);
        store.put(NAME, key, body, "application/octet-stream");
    }

    /** Runs the upload flow for the stored {@code key} in the background, as the S3 trigger would. */
    void triggerFlow(String key) {
        String requestId = UUID.randomUUID().toString();
        notifications.submit(() -> {
            try {
                processor.process(NAME, key, requestId);
            } catch (StoreException | RuntimeException | Error e) {
                // The result stays missing and GET /results keeps saying 404; the log says why.
                log.internalError(Channel.S3, requestId, key, e);
            }
        });
    }

    /** Stops the notifications; with {@code delete}, waits for the one running and deletes the folder. */
    void close(boolean delete) {
        notifications.shutdownNow();
        if (delete) {
            try {
                notifications.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(store.root());
        }
    }

    /** Deletes a directory and everything in it, as far as it can. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a file held open elsewhere stays
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
