package dev.brainscan.cli;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.brainscan.app.Brainscan;
import dev.brainscan.config.Config;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.log.ScanLog;
import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.http.HttpApi;
import dev.brainscan.http.HttpRequest;
import dev.brainscan.http.Responses;
import dev.brainscan.http.UploadUrls;
import dev.brainscan.store.LocalObjectStore;
import dev.brainscan.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The HTTP API on 127.0.0.1 for laptops: each request becomes the same payload-2.0
 * {@link APIGatewayV2HTTPEvent} API Gateway would send, handled by the same {@link HttpApi}.
 * A local directory plays the bucket: {@code POST /uploads} hands out a URL on this server,
 * a PUT there stores the scan and runs the same upload flow the S3 trigger runs, and
 * {@code GET /results/{id}} reads the result it wrote.
 *
 * <p>As a local service: each connection gets a virtual thread (slow clients cannot take
 * the workers {@code /health} needs) and classification runs at most {@code threads} at a
 * time; a request must arrive within {@link #MAX_REQUEST_SECONDS}; a request whose Host is
 * not this loopback address and port, or whose Origin is another site, is refused with 403
 * (DNS rebinding, cross-site posts); every answer carries the JSON error format and the
 * security headers; the upload URLs issued are bounded in number and expire.
 */
public final class LocalServer implements AutoCloseable {
    static final String BUCKET = "local";
    static final String UPLOAD_PATH = "/local-uploads/";
    /** Upload URLs outstanding at most; past it the soonest to expire is dropped. */
    static final int MAX_ISSUED_UPLOADS = 1000;
    /** A request (line, headers and body) must have arrived within this many seconds. */
    static final int MAX_REQUEST_SECONDS = 30;

    static {
        // The JDK server reads these once; a request dribbled byte by byte is cut off, and a
        // flood of connections is bounded. An explicit -D setting wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", "120");
        setIfAbsent("jdk.httpserver.maxConnections", "256");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private final HttpServer server;
    private final ExecutorService requests;
    private final ExecutorService uploadWorker;
    private final HttpApi api;
    private final UploadProcessor processor;
    private final LocalObjectStore store;
    private final ScanLog log;
    private final long maxUploadBytes;
    private final long maxRequestBytes;
    private final Map<String, Instant> issuedUploads = new ConcurrentHashMap<>();
    private final Semaphore classifySlots;
    private final Set<String> allowedHosts;
    private final Set<String> allowedOrigins;
    private volatile boolean deleteStoreOnClose;

    private LocalServer(Classifier classifier, Config config, int port, Path storeDir, PrintStream logOut,
                        int threads) throws IOException {
        Config local = config.forLocalBucket(BUCKET);
        Duration uploadTtl = Duration.ofSeconds(local.uploadUrlTtlSeconds());
        this.store = new LocalObjectStore(storeDir);
        this.maxUploadBytes = classifier.limits().maxBytes();
        this.maxRequestBytes = local.syncMaxBytes() + 256 * 1024; // room for a multipart envelope
        this.log = new ScanLog(logOut, local.logObjectKeys());
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        int actualPort = server.getAddress().getPort();
        this.allowedHosts = Set.of("127.0.0.1:" + actualPort, "localhost:" + actualPort);
        this.allowedOrigins = Set.of("http://127.0.0.1:" + actualPort, "http://localhost:" + actualPort);
        this.classifySlots = new Semaphore(threads);
        UploadUrls uploads = (key, contentType) -> {
            Instant expires = Instant.now().plus(uploadTtl);
            boundUploads();
            issuedUploads.put(key, expires);
            return new UploadUrls.Upload("http://127.0.0.1:" + actualPort + UPLOAD_PATH + key, expires,
                    Map.of("Content-Type", contentType));
        };
        Brainscan.Channels channels = Brainscan.channels(local, classifier, store, uploads, log);
        this.api = channels.http();
        this.processor = channels.uploads();
        this.requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("serve-request-", 0).factory());
        this.uploadWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "serve-upload-flow");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(requests);
        server.createContext("/", this::exchange);
        server.start();
    }

    /**
     * Serves {@code classifier} on 127.0.0.1:{@code port} ({@code 0}: a free one) with {@code config}'s
     * prefixes, limits and upload URL lifetime, {@code storeDir} standing in for the bucket.
     */
    public static LocalServer start(Classifier classifier, Config config, int port, Path storeDir, PrintStream log,
                                    int threads) throws IOException {
        return new LocalServer(classifier, config, port, storeDir, log, threads);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Path storeDir() {
        return store.root();
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
    }

    int issuedUploadCount() {
        return issuedUploads.size();
    }

    /** Deletes the store directory (scans and results) when the server closes: for a temporary one. */
    public void deleteStoreOnClose() {
        this.deleteStoreOnClose = true;
    }

    private void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            String refusal = refusal(ex);
            if (refusal != null) {
                send(ex, Responses.error(ErrorCode.FORBIDDEN, refusal, "local"));
                return;
            }
            String rawPath = ex.getRequestURI().getRawPath();
            if (rawPath.startsWith(UPLOAD_PATH)) {
                upload(ex, rawPath.substring(UPLOAD_PATH.length()));
                return;
            }
            byte[] body = readAtMost(ex.getRequestBody(), maxRequestBytes);
            if (body == null) {
                send(ex, Responses.error(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                        "The request is over %d bytes. Use POST /uploads for larger scans.", maxRequestBytes), "local"));
                return;
            }
            APIGatewayV2HTTPEvent event = toEvent(ex, body);
            boolean classifies = ex.getRequestMethod().equalsIgnoreCase("POST") && "/classify".equals(rawPath);
            if (classifies) {
                classifySlots.acquireUninterruptibly();
            }
            try {
                send(ex, api.handle(event));
            } finally {
                if (classifies) {
                    classifySlots.release();
                }
            }
        } catch (RuntimeException | Error e) {
            send(ex, Responses.internalError(log, "http", "local", e));
        }
    }

    /**
     * Why the request is refused, or null: the Host must name this loopback address and port
     * (a DNS-rebound name reaches 127.0.0.1 with the attacker's Host), and an Origin, where a
     * browser sends one, must be this server (another site's page cannot post scans here).
     */
    private String refusal(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || !allowedHosts.contains(host.trim().toLowerCase(Locale.ROOT))) {
            return "This server answers only requests for http://127.0.0.1:" + port() + ".";
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin != null && !allowedOrigins.contains(origin.trim().toLowerCase(Locale.ROOT))) {
            return "Requests from other sites are refused.";
        }
        return null;
    }

    /** The presigned-PUT stand-in: stores the scan, then runs the upload flow as the S3 trigger would. */
    private void upload(HttpExchange ex, String rawKey) throws IOException {
        String key = HttpRequest.percentDecode(rawKey);
        Instant expires = key == null ? null : issuedUploads.get(key);
        if (!ex.getRequestMethod().equals("PUT") || expires == null || Instant.now().isAfter(expires)) {
            send(ex, Responses.error(ErrorCode.NOT_FOUND, "This upload URL is unknown or expired; ask POST /uploads for one.",
                    "local"));
            return;
        }
        byte[] body = readAtMost(ex.getRequestBody(), maxUploadBytes);
        if (body == null) {
            send(ex, Responses.error(ErrorCode.IMAGE_TOO_LARGE, "The file is over " + maxUploadBytes + " bytes.", "local"));
            return;
        }
        issuedUploads.remove(key);
        try {
            store.put(BUCKET, key, body, "application/octet-stream");
        } catch (StoreException e) {
            log.internalError("http", "local", key, e);
            send(ex, Responses.error(ErrorCode.INTERNAL, "The upload could not be stored.", "local"));
            return;
        }
        String requestId = UUID.randomUUID().toString();
        uploadWorker.submit(() -> {
            try {
                processor.process(BUCKET, key, requestId);
            } catch (StoreException | RuntimeException e) {
                // The result stays missing and GET /results keeps saying 404; the log says why.
                log.internalError("s3", requestId, key, e);
            }
        });
        securityHeaders(ex);
        ex.sendResponseHeaders(200, -1);
    }

    static APIGatewayV2HTTPEvent toEvent(HttpExchange ex, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
            headers.put(h.getKey().toLowerCase(Locale.ROOT), String.join(",", h.getValue()));
        }
        String rawQuery = ex.getRequestURI().getRawQuery();
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    query.merge(k, v, (a, b) -> a + "," + b);
                } catch (IllegalArgumentException ignored) {
                    // malformed escape: API Gateway would pass it raw; leave it out
                }
            }
        }
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = ex.getRequestURI().getRawPath();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(path)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withIsBase64Encoded(true)
                .withBody(Base64.getEncoder().encodeToString(body))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(UUID.randomUUID().toString())
                        .withStage("$default")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(path)
                                .withProtocol(ex.getProtocol())
                                .withSourceIp(ex.getRemoteAddress().getAddress().getHostAddress())
                                .withUserAgent(headers.get("user-agent"))
                                .build())
                        .build())
                .build();
    }

    private static void send(HttpExchange ex, APIGatewayV2HTTPResponse r) throws IOException {
        byte[] body = r.getBody() == null ? new byte[0]
                : r.getIsBase64Encoded() ? Base64.getDecoder().decode(r.getBody())
                : r.getBody().getBytes(StandardCharsets.UTF_8);
        if (r.getHeaders() != null) {
            r.getHeaders().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        }
        securityHeaders(ex);
        boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");
        ex.sendResponseHeaders(r.getStatusCode(), body.length == 0 || head ? -1 : body.length);
        if (body.length > 0 && !head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The headers every answer carries; the page keeps its own content-security policy. */
    static void securityHeaders(HttpExchange ex) {
        var h = ex.getResponseHeaders();
        h.set("x-content-type-options", "nosniff");
        h.set("x-frame-options", "DENY");
        h.set("referrer-policy", "no-referrer");
        h.set("cross-origin-resource-policy", "same-origin");
        if (!h.containsKey("content-security-policy")) {
            h.set("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
        }
        if (!h.containsKey("cache-control")) {
            h.set("cache-control", "no-store");
        }
    }

    /** The whole body, or null when it is over {@code max} bytes (the rest is not read). */
    private static byte[] readAtMost(InputStream in, long max) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        return bytes.length > max ? null : bytes;
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
        uploadWorker.shutdownNow();
        if (deleteStoreOnClose) {
            try {
                uploadWorker.awaitTermination(5, TimeUnit.SECONDS);
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
