package dev.brainscan.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/**
 * A loopback HTTP proxy in front of an S3 server that answers chosen requests with an S3
 * error instead of forwarding them: throttling, 5xx, access denied, as a real bucket would.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "transfer-encoding",
            "expect", "upgrade", "keep-alive");

    public record Fault(BiPredicate<String, String> when, int status, String code) {
    }

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();

    public FaultProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requests whose method and raw path match get {@code status} with S3 error {@code code}. */
    public FaultProxy fail(BiPredicate<String, String> when, int status, String code) {
        faults.add(new Fault(when, status, code));
        return this;
    }

    public int injected() {
        return injected.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            for (Fault f : faults) {
                if (f.when().test(method, path)) {
                    injected.incrementAndGet();
                    byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + f.code()
                            + "</Code><Message>injected by the test</Message><RequestId>FAULT</RequestId></Error>")
                            .getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().set("Content-Type", "application/xml");
                    ex.sendResponseHeaders(f.status(), method.equals("HEAD") ? -1 : xml.length);
                    if (!method.equals("HEAD")) {
                        ex.getResponseBody().write(xml);
                    }
                    return;
                }
            }
            String uri = target + ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() != null ? "?" + ex.getRequestURI().getRawQuery() : "");
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(uri))
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!HOP_HEADERS.contains(h.getKey().toLowerCase())) {
                    for (String v : h.getValue()) {
                        req.header(h.getKey(), v);
                    }
                }
            }
            // The signature covers the Host header: keep the client's view of it.
            HttpResponse<byte[]> resp;
            try {
                resp = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            resp.headers().map().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    ex.getResponseHeaders().put(k, vs);
                }
            });
            byte[] out = resp.body();
            ex.sendResponseHeaders(resp.statusCode(), method.equals("HEAD") || out.length == 0 ? -1 : out.length);
            if (!method.equals("HEAD") && out.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(out);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
