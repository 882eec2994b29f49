package dev.brainscan.cli;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.app.Brainscan;
import dev.brainscan.config.Config;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.http.HttpApi;
import dev.brainscan.http.HttpRequest;
import dev.brainscan.http.HttpOnlyCode;
import dev.brainscan.http.Responses;
import dev.brainscan.http.UploadUrls;
import dev.brainscan.store.LocalObjectStore;
import dev.brainscan.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.io.PrintStream;
import java.net.InetAddress;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP API on 127.0.0.1 for laptops: each request becomes the same payload-2.0
 * {@link APIGatewayV2HTTPEvent} API Gateway would send, handled by the same {@link HttpApi}.
 * A local directory plays the bucket: {@code POST /uploads} hands out a URL on this server,
 * a PUT there stores the scan and runs the same upload flow the S3 trigger runs, and
 * {@code GET /results/{id}} reads the result it wrote.
 *
 * <p>As a local service, on Jetty (the JDK's own server answers a malformed request line or
 * oversized headers with an HTML page of its own, before any handler runs; Jetty passes those
 * to {@link JsonErrors}): connections are multiplexed, each request runs on a virtual thread
 * (slow clients cannot take the workers {@code /health} needs) and classification runs on
 * {@code threads} platform threads with a bounded queue, request bodies within a memory
 * budget ({@link ServeGate}: past either, 503 {@code BUSY} with {@code retry-after}); a body must arrive at {@link #MIN_BYTES_PER_SECOND} or better and
 * no connection may idle for {@link #MAX_REQUEST_SECONDS}; a request whose Host is not this
 * loopback address and port, or whose Origin is another site, is refused with 403 (DNS
 * rebinding, cross-site posts); every answer, the server's own errors included, carries the
 * JSON error format and the security headers; the upload URLs issued are bounded in number
 * and expire.
 */
public final class LocalServer implements AutoCloseable {
    static final String BUCKET = "local";
    static final String UPLOAD_PATH = "/local-uploads/";
    /** Upload URLs outstanding at most; past it the soonest to expire is dropped. */
    static final int MAX_ISSUED_UPLOADS = 1000;
    /** A connection that sends nothing for this many seconds is closed. */
    static final int MAX_REQUEST_SECONDS = 30;
    /** A body dribbled slower than this is cut off with 408. */
    static final int MIN_BYTES_PER_SECOND = 1024;
    static final int MAX_CONNECTIONS = 256;
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService uploadWorker;
    private final HttpApi api;
    private final UploadProcessor processor;
    private final LocalObjectStore store;
    private final ScanLog log;
    private final long maxUploadBytes;
    private final long maxRequestBytes;
    private final Map<String, Instant> issuedUploads = new ConcurrentHashMap<>();
    /** The sizes declared to POST /uploads: as S3 with a signed Content-Length, another length is refused. */
    private final Map<String, Long> declaredSizes = new ConcurrentHashMap<>();
    private final ServeGate gate;
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
        this.server = new Server(requestThreads());
        this.connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration()));
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(port);
        connector.setIdleTimeout(MAX_REQUEST_SECONDS * 1000L);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
        server.setErrorHandler(new JsonErrors());
        server.setHandler(new org.eclipse.jetty.server.Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                exchange(request, response, callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IOException("could not start the local server on port " + port, e);
        }
        int actualPort = connector.getLocalPort();
        this.allowedHosts = Set.of("127.0.0.1:" + actualPort, "localhost:" + actualPort);
        this.allowedOrigins = Set.of("http://127.0.0.1:" + actualPort, "http://localhost:" + actualPort);
        this.gate = ServeGate.forHeap(threads, Math.max(maxRequestBytes, maxUploadBytes));
        UploadUrls uploads = (key, contentType, size) -> {
            Instant expires = Instant.now().plus(uploadTtl);
            boundUploads();
            issuedUploads.put(key, expires);
            size.ifPresent(n -> declaredSizes.put(key, n));
            return new UploadUrls.Upload("http://127.0.0.1:" + actualPort + UPLOAD_PATH + key, expires,
                    Map.of("Content-Type", contentType));
        };
        Brainscan.Channels channels = Brainscan.channels(local, classifier, store, uploads, log);
        this.api = channels.http();
        this.processor = channels.uploads();
        this.uploadWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "serve-upload-flow");
            t.setDaemon(true);
            return t;
        });
    }

    /** Jetty's selectors on a few platform threads; every request handler on its own virtual thread. */
    private static QueuedThreadPool requestThreads() {
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("serve");
        pool.setDaemon(true);
        pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("serve-request-", 0).factory()));
        return pool;
    }

    private static HttpConfiguration httpConfiguration() {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setMinRequestDataRate(MIN_BYTES_PER_SECOND);
        return http;
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
        return connector.getLocalPort();
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
        declaredSizes.keySet().retainAll(issuedUploads.keySet());
    }

    int issuedUploadCount() {
        return issuedUploads.size();
    }

    /** Deletes the store directory (scans and results) when the server closes: for a temporary one. */
    public void deleteStoreOnClose() {
        this.deleteStoreOnClose = true;
    }

    private void exchange(Request request, Response response, Callback callback) {
        try {
            String refusal = refusal(request);
            if (refusal != null) {
                send(request, response, callback, Responses.error(HttpOnlyCode.FORBIDDEN, refusal, "local"));
                return;
            }
            String rawPath = request.getHttpURI().getPath();
            if (rawPath.startsWith(UPLOAD_PATH)) {
                upload(request, response, callback, rawPath.substring(UPLOAD_PATH.length()));
                return;
            }
            // Bodies are admitted against the memory budget before they are read; a request
            // without one (GET /health, /model, /results) never waits for or is refused by it.
            long reserved = hasBody(request) ? gate.admitBody(declaredLength(request, maxRequestBytes)) : 0;
            try {
                byte[] body = readAtMost(request, maxRequestBytes);
                if (body == null) {
                    send(request, response, callback, Responses.error(ErrorCode.IMAGE_TOO_LARGE, String.format(
                            Locale.ROOT, "The request is over %d bytes. Use POST /uploads for larger scans.",
                            maxRequestBytes), "local"));
                    return;
                }
                APIGatewayV2HTTPEvent event = toEvent(request, body);
                boolean classifies = request.getMethod().equalsIgnoreCase("POST") && "/classify".equals(rawPath);
                // CPU-bound work on the gate's platform threads; this virtual thread only waits
                send(request, response, callback, classifies ? gate.classify(() -> api.handle(event)) : api.handle(event));
            } finally {
                gate.releaseBody(reserved);
            }
        } catch (ServeGate.Busy e) {
            // Read and drop the body the client is still sending (64 KB at a time, never held):
            // a client refused before its body was read sees a reset, not the 503.
            try {
                discardAtMost(request, Math.max(maxRequestBytes, maxUploadBytes));
            } catch (IOException ignored) {
                // the client went away: the answer below goes nowhere
            }
            send(request, response, callback, Responses.busy(e.getMessage(), ServeGate.RETRY_AFTER_SECONDS, "local"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } catch (IOException e) {
            // the client went away or dribbled too slowly: nothing to answer it with
            callback.failed(e);
        } catch (RuntimeException | Error e) {
            send(request, response, callback, Responses.internalError(log, Channel.HTTP, "local", e));
        }
    }

    /**
     * Why the request is refused, or null: the Host must name this loopback address and port
     * (a DNS-rebound name reaches 127.0.0.1 with the attacker's Host), and an Origin, where a
     * browser sends one, must be this server (another site's page cannot post scans here).
     */
    private String refusal(Request request) {
        String host = request.getHeaders().get("Host");
        if (host == null || !allowedHosts.contains(host.trim().toLowerCase(Locale.ROOT))) {
            return "This server answers only requests for http://127.0.0.1:" + port() + ".";
        }
        String origin = request.getHeaders().get("Origin");
        if (origin != null && !allowedOrigins.contains(origin.trim().toLowerCase(Locale.ROOT))) {
            return "Requests from other sites are refused.";
        }
        return null;
    }

    /** Whether the request declares a body (a length over 0, or chunked). */
    private static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains("Transfer-Encoding");
    }

    /** The body's declared length, or {@code max} when none is declared (chunked). */
    private static long declaredLength(Request request, long max) {
        long declared = request.getLength();
        return declared < 0 ? max : Math.min(declared, max + 1);
    }

    /** The presigned-PUT stand-in: stores the scan, then runs the upload flow as the S3 trigger would. */
    private void upload(Request request, Response response, Callback callback, String rawKey)
            throws IOException, ServeGate.Busy {
        String key = HttpRequest.percentDecode(rawKey);
        Instant expires = key == null ? null : issuedUploads.get(key);
        if (!request.getMethod().equals("PUT") || expires == null || Instant.now().isAfter(expires)) {
            send(request, response, callback, Responses.error(ErrorCode.NOT_FOUND,
                    "This upload URL is unknown or expired; ask POST /uploads for one.", "local"));
            return;
        }
        long reserved = gate.admitBody(declaredLength(request, maxUploadBytes));
        try {
            byte[] body = readAtMost(request, maxUploadBytes);
            if (body == null) {
                send(request, response, callback, Responses.error(ErrorCode.IMAGE_TOO_LARGE,
                        "The file is over " + maxUploadBytes + " bytes.", "local"));
                return;
            }
            Long declared = declaredSizes.get(key);
            if (declared != null && declared != body.length) {
                send(request, response, callback, Responses.error(HttpOnlyCode.FORBIDDEN,
                        "The file is " + body.length + " bytes, not the " + declared + " declared to POST /uploads.",
                        "local"));
                return;
            }
            issuedUploads.remove(key);
            declaredSizes.remove(key);
            try {
                store.put(BUCKET, key, body, "application/octet-stream");
            } catch (StoreException e) {
                log.internalError(Channel.HTTP, "local", key, e);
                send(request, response, callback, Responses.error(ErrorCode.INTERNAL,
                        "The upload could not be stored.", "local"));
                return;
            }
        } finally {
            gate.releaseBody(reserved);
        }
        String requestId = UUID.randomUUID().toString();
        uploadWorker.submit(() -> {
            try {
                processor.process(BUCKET, key, requestId);
            } catch (StoreException | RuntimeException | Error e) {
                // The result stays missing and GET /results keeps saying 404; the log says why.
                log.internalError(Channel.S3, requestId, key, e);
            }
        });
        securityHeaders(response.getHeaders());
        response.setStatus(200);
        response.write(true, null, callback);
    }

    static APIGatewayV2HTTPEvent toEvent(Request request, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField h : request.getHeaders()) {
            headers.merge(h.getName().toLowerCase(Locale.ROOT), h.getValue(), (x, y) -> x + "," + y);
        }
        String rawQuery = request.getHttpURI().getQuery();
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
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String path = request.getHttpURI().getPath();
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
                                .withProtocol(request.getConnectionMetaData().getProtocol())
                                .withSourceIp(Request.getRemoteAddr(request))
                                .withUserAgent(headers.get("user-agent"))
                                .build())
                        .build())
                .build();
    }

    private static void send(Request request, Response response, Callback callback, APIGatewayV2HTTPResponse r) {
        byte[] body = r.getBody() == null ? new byte[0]
                : r.getIsBase64Encoded() ? Base64.getDecoder().decode(r.getBody())
                : r.getBody().getBytes(StandardCharsets.UTF_8);
        HttpFields.Mutable headers = response.getHeaders();
        if (r.getHeaders() != null) {
            r.getHeaders().forEach(headers::put);
        }
        securityHeaders(headers);
        response.setStatus(r.getStatusCode());
        boolean head = request.getMethod().equalsIgnoreCase("HEAD");
        if (!head) {
            headers.put("content-length", Integer.toString(body.length));
        }
        response.write(true, head || body.length == 0 ? null : ByteBuffer.wrap(body), callback);
    }

    /** The headers every answer carries; the page keeps its own content-security policy. */
    static void securityHeaders(HttpFields.Mutable h) {
        h.put("x-content-type-options", "nosniff");
        h.put("x-frame-options", "DENY");
        h.put("referrer-policy", "no-referrer");
        h.put("cross-origin-resource-policy", "same-origin");
        if (!h.contains("content-security-policy")) {
            h.put("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
        }
        if (!h.contains("cache-control")) {
            h.put("cache-control", "no-store");
        }
    }

    /**
     * What Jetty answers itself (a malformed request line, headers over {@link #MAX_HEADER_BYTES},
     * a body dribbled too slowly): the same JSON error and headers as every other answer, and
     * nothing echoed from the request.
     */
    static final class JsonErrors implements Request.Handler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer code ? code : 400;
            // the parser's 505 (an HTTP version it does not speak) is the client's doing too
            ErrorCode code = status == 413 ? ErrorCode.IMAGE_TOO_LARGE
                    : status == 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
            String message = code == ErrorCode.INTERNAL ? Responses.INTERNAL_MESSAGE
                    : "The request is not valid HTTP/1.1 within this server's limits (status " + status + ").";
            // Jetty's own status (431, 414, 505, ...) is kept; the body and headers are everyone's
            response.getHeaders().clear();
            send(request, response, callback,
                    Responses.json(status, Map.of("error", new ScanResult.ErrorBody(code, message)), "local"));
            return true;
        }
    }

    /** Reads and drops at most {@code max} bytes of the body. */
    private static void discardAtMost(Request request, long max) throws IOException {
        InputStream in = Content.Source.asInputStream(request);
        byte[] chunk = new byte[64 * 1024];
        long seen = 0;
        int n;
        while (seen <= max && (n = in.read(chunk)) > 0) {
            seen += n;
        }
    }

    /** The whole body, or null when it is over {@code max} bytes (the rest is not read). */
    private static byte[] readAtMost(Request request, long max) throws IOException {
        InputStream in = Content.Source.asInputStream(request);
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        return bytes.length > max ? null : bytes;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.internalError(Channel.HTTP, "local", null, e);
        }
        uploadWorker.shutdownNow();
        gate.close();
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
