package dev.brainscan.serve;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.brainscan.app.Brainscan;
import dev.brainscan.config.Config;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.http.HttpApi;
import dev.brainscan.http.HttpOnlyCode;
import dev.brainscan.http.HttpRequest;
import dev.brainscan.http.Responses;
import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import dev.brainscan.store.StoreException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP API on 127.0.0.1 for laptops: each request becomes the same payload-2.0
 * {@link APIGatewayV2HTTPEvent} API Gateway would send ({@link RequestAdapter}), handled by the
 * same {@link HttpApi}, its answer written back by {@link ResponseWriter}. A local directory
 * plays the bucket ({@link LocalBucket}): {@code POST /uploads} hands out a URL on this server,
 * a PUT there stores the scan and runs the same upload flow the S3 trigger runs, and
 * {@code GET /results/{id}} reads the result it wrote.
 *
 * <p>As a local service, on Jetty (the JDK's own server answers a malformed request line or
 * oversized headers with an HTML page of its own, before any handler runs; Jetty passes those
 * to {@link JsonErrors}): connections are multiplexed; {@code GET /health} and {@code /model}
 * are answered on the thread that parsed them ({@link #cheap}: no hand-off to another thread,
 * no body, no gate), every other request runs on a virtual thread of its own (slow clients
 * cannot take the workers the cheap routes need) and classification runs on {@code threads}
 * platform threads with a bounded queue, request bodies within a memory budget
 * ({@link ServeGate}: past either, 503 {@code BUSY} with {@code retry-after}); a body
 * must arrive at {@link #MIN_BYTES_PER_SECOND} or better and no connection may idle for
 * {@link #MAX_REQUEST_SECONDS}; a request whose Host is not this loopback address and port, or
 * whose Origin is another site, is refused with 403 ({@link HostGuard}); every answer, the
 * server's own errors included, carries the JSON error format and the security headers; the
 * upload URLs issued are bounded in number and expire.
 */
public final class LocalServer implements AutoCloseable {
    /** A connection that sends nothing for this many seconds is closed. */
    static final int MAX_REQUEST_SECONDS = 30;
    /** A body dribbled slower than this is cut off with 408. */
    static final int MIN_BYTES_PER_SECOND = 1024;
    static final int MAX_CONNECTIONS = 256;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    /** The routes answered on the thread that parsed the request ({@link #cheap}). */
    static final Set<String> CHEAP_PATHS = Set.of("/health", "/model");

    private final Server server;
    private final ServerConnector connector;
    private final HttpApi api;
    private final LocalBucket bucket;
    private final ScanLog log;
    private final long maxUploadBytes;
    private final long maxRequestBytes;
    private final ServeGate gate;
    private final HostGuard guard;
    /** Every other request's handler, each on its own virtual thread (slow clients hold no platform thread). */
    private final ExecutorService requestThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("serve-request-", 0).factory());
    private volatile boolean deleteStoreOnClose;

    private LocalServer(Classifier classifier, Config config, int port, Path storeDir, PrintStream logOut,
                        int threads) throws IOException {
        Config local = config.forLocalBucket(LocalBucket.NAME);
        this.maxUploadBytes = classifier.limits().maxBytes();
        this.maxRequestBytes = local.syncMaxBytes() + 256 * 1024; // room for a multipart envelope
        Brainscan.installLogKey(local);
        this.log = new ScanLog(logOut, local.logObjectKeys());
        this.server = new Server(ioThreads());
        this.connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration()));
        connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        connector.setPort(port);
        connector.setIdleTimeout(MAX_REQUEST_SECONDS * 1000L);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server));
        server.setErrorHandler(new JsonErrors());
        // Non-blocking as far as Jetty knows: it calls the handler on the thread that parsed the
        // request, which answers the cheap routes at once and hands the rest to a virtual thread.
        server.setHandler(new Handler.Abstract(Invocable.InvocationType.NON_BLOCKING) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (cheap(request)) {
                    answerCheap(request, response, callback);
                } else {
                    requestThreads.execute(() -> exchange(request, response, callback));
                }
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IOException("could not start the local server on port " + port, e);
        }
        int actualPort = connector.getLocalPort();
        this.guard = new HostGuard(actualPort);
        this.gate = ServeGate.forHeap(threads, Math.max(maxRequestBytes, maxUploadBytes));
        this.bucket = new LocalBucket(storeDir, "http://127.0.0.1:" + actualPort,
                Duration.ofSeconds(local.uploadUrlTtlSeconds()), log);
        Brainscan.Channels channels = Brainscan.channels(local, classifier, bucket.store(), bucket, log);
        this.api = channels.http();
        bucket.notify(channels.uploads());
    }

    /** Jetty's selectors and parsing on a few platform threads (the handler never blocks them). */
    private static QueuedThreadPool ioThreads() {
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("serve");
        pool.setDaemon(true);
        return pool;
    }

    /**
     * {@code GET}/{@code HEAD} {@code /health} and {@code /model} without a body: answered from
     * memory in microseconds, so on the thread that parsed them, never behind a thread hand-off,
     * the body budget or the classify queue.
     */
    static boolean cheap(Request request) {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        return (method.equals("GET") || method.equals("HEAD")) && CHEAP_PATHS.contains(path)
                && !RequestAdapter.hasBody(request);
    }

    private void answerCheap(Request request, Response response, Callback callback) {
        try {
            String refusal = guard.refusal(request.getHeaders().get("Host"), request.getHeaders().get("Origin"));
            ResponseWriter.send(request, response, callback, refusal != null
                    ? Responses.error(HttpOnlyCode.FORBIDDEN, refusal, "local")
                    : api.handle(RequestAdapter.toEvent(request, new byte[0])));
        } catch (RuntimeException | Error e) {
            ResponseWriter.send(request, response, callback, Responses.internalError(log, Channel.HTTP, "local", e));
        }
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
        return bucket.store().root();
    }

    int issuedUploadCount() {
        return bucket.issuedUploadCount();
    }

    /** Deletes the store directory (scans and results) when the server closes: for a temporary one. */
    public void deleteStoreOnClose() {
        this.deleteStoreOnClose = true;
    }

    private void exchange(Request request, Response response, Callback callback) {
        try {
            String refusal = guard.refusal(request.getHeaders().get("Host"), request.getHeaders().get("Origin"));
            if (refusal != null) {
                ResponseWriter.send(request, response, callback, Responses.error(HttpOnlyCode.FORBIDDEN, refusal, "local"));
                return;
            }
            String rawPath = request.getHttpURI().getPath();
            if (rawPath.startsWith(LocalBucket.UPLOAD_PATH)) {
                upload(request, response, callback, rawPath.substring(LocalBucket.UPLOAD_PATH.length()));
                return;
            }
            // Bodies are admitted against the memory budget before they are read; a request
            // without one (GET /health, /model, /results) never waits for or is refused by it.
            long reserved = RequestAdapter.hasBody(request)
                    ? gate.admitBody(RequestAdapter.declaredLength(request, maxRequestBytes)) : 0;
            try {
                byte[] body = RequestAdapter.readAtMost(request, maxRequestBytes);
                if (body == null) {
                    ResponseWriter.send(request, response, callback, Responses.error(ErrorCode.IMAGE_TOO_LARGE,
                            String.format(Locale.ROOT, "The request is over %d bytes. Use POST /uploads for larger scans.",
                                    maxRequestBytes), "local"));
                    return;
                }
                APIGatewayV2HTTPEvent event = RequestAdapter.toEvent(request, body);
                boolean classifies = request.getMethod().equalsIgnoreCase("POST") && "/classify".equals(rawPath);
                // CPU-bound work on the gate's platform threads; this virtual thread only waits
                ResponseWriter.send(request, response, callback,
                        classifies ? gate.classify(() -> api.handle(event)) : api.handle(event));
            } finally {
                gate.releaseBody(reserved);
            }
        } catch (ServeGate.Busy e) {
            // Read and drop the body the client is still sending (64 KB at a time, never held):
            // a client refused before its body was read sees a reset, not the 503.
            try {
                RequestAdapter.discardAtMost(request, Math.max(maxRequestBytes, maxUploadBytes));
            } catch (IOException ignored) {
                // the client went away: the answer below goes nowhere
            }
            ResponseWriter.send(request, response, callback,
                    Responses.busy(e.getMessage(), ServeGate.RETRY_AFTER_SECONDS, "local"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } catch (IOException e) {
            // the client went away or dribbled too slowly: nothing to answer it with
            callback.failed(e);
        } catch (RuntimeException | Error e) {
            ResponseWriter.send(request, response, callback, Responses.internalError(log, Channel.HTTP, "local", e));
        }
    }

    /** The presigned-PUT stand-in: stores the scan, then runs the upload flow as the S3 trigger would. */
    private void upload(Request request, Response response, Callback callback, String rawKey)
            throws IOException, ServeGate.Busy {
        String key = HttpRequest.percentDecode(rawKey);
        if (!request.getMethod().equals("PUT") || !bucket.open(key)) {
            ResponseWriter.send(request, response, callback, Responses.error(ErrorCode.NOT_FOUND,
                    "This upload URL is unknown or expired; ask POST /uploads for one.", "local"));
            return;
        }
        long reserved = gate.admitBody(RequestAdapter.declaredLength(request, maxUploadBytes));
        try {
            byte[] body = RequestAdapter.readAtMost(request, maxUploadBytes);
            if (body == null) {
                ResponseWriter.send(request, response, callback, Responses.error(ErrorCode.IMAGE_TOO_LARGE,
                        "The file is over " + maxUploadBytes + " bytes.", "local"));
                return;
            }
            Long declared = bucket.declaredSize(key);
            if (declared != null && declared != body.length) {
                ResponseWriter.send(request, response, callback, Responses.error(HttpOnlyCode.FORBIDDEN,
                        "The file is " + body.length + " bytes, not the " + declared + " declared to POST /uploads.",
                        "local"));
                return;
            }
            try {
                bucket.put(key, body);
            } catch (StoreException e) {
                log.internalError(Channel.HTTP, "local", key, e);
                ResponseWriter.send(request, response, callback, Responses.error(ErrorCode.INTERNAL,
                        "The upload could not be stored.", "local"));
                return;
            }
        } finally {
            gate.releaseBody(reserved);
        }
        bucket.triggerFlow(key);
        ResponseWriter.ok(response, callback);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            log.internalError(Channel.HTTP, "local", null, e);
        }
        requestThreads.shutdownNow();
        gate.close();
        bucket.close(deleteStoreOnClose);
    }

    /** Deletes a directory and everything in it, as far as it can (a temporary store the server never took over). */
    public static void deleteTree(Path root) {
        LocalBucket.deleteTree(root);
    }
}
