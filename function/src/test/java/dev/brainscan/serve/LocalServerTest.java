package dev.brainscan.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.config.Config;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} as a local service: slow clients, foreign hosts and origins, methods, headers, its store. */
class LocalServerTest {
    @TempDir
    Path tmp;

    LocalServer server;
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        server = LocalServer.start(TestModels.classifier(), Config.fromEnv(Map.of()), 0,
                tmp.resolve("store"), new PrintStream(new ByteArrayOutputStream()), 2);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** A raw HTTP/1.1 exchange, for what HttpClient will not send (another Host). */
    String raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static void assertSecurityHeaders(HttpResponse<?> r) {
        assertEquals("nosniff", r.headers().firstValue("x-content-type-options").orElse(null));
        assertEquals("DENY", r.headers().firstValue("x-frame-options").orElse(null));
        assertTrue(r.headers().firstValue("content-security-policy").isPresent());
        assertTrue(r.headers().firstValue("cache-control").isPresent());
    }

    @Test
    void slowClients_cannotStallHealth() throws Exception {
        List<Socket> dribblers = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) { // far more than the classify slots (2)
                Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                OutputStream out = s.getOutputStream();
                out.write(("POST /classify HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                        + "\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\nx")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                dribblers.add(s);
            }
            Socket headerDribbler = new Socket(InetAddress.getLoopbackAddress(), server.port());
            headerDribbler.getOutputStream().write("GET /hea".getBytes(StandardCharsets.US_ASCII));
            dribblers.add(headerDribbler);
            long start = System.nanoTime();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(uri("/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(200, health.statusCode());
            assertTrue(seconds < 2, "health took " + seconds + " s behind slow clients");
        } finally {
            for (Socket s : dribblers) {
                s.close();
            }
        }
    }

    @Test
    void foreignHost_isRefusedWith403Json() throws Exception {
        String r = raw("GET /health HTTP/1.1\r\nHost: rebound.example:" + server.port() + "\r\nConnection: close\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 403"), r);
        assertTrue(r.toLowerCase().contains("x-content-type-options: nosniff"), r);
        JsonNode body = Json.mapper().readTree(r.substring(r.indexOf("\r\n\r\n") + 4));
        assertEquals("FORBIDDEN", body.get("error").get("code").asText());
        String wrongPort = raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: close\r\n\r\n");
        assertTrue(wrongPort.startsWith("HTTP/1.1 403"), wrongPort);
        String localhost = raw("GET /health HTTP/1.1\r\nHost: localhost:" + server.port()
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(localhost.startsWith("HTTP/1.1 200"), localhost);
    }

    @Test
    void foreignOrigin_isRefused_sameOriginIsServed() throws Exception {
        HttpResponse<String> foreign = client.send(HttpRequest.newBuilder(uri("/classify"))
                .header("Origin", "https://evil.example").header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, foreign.statusCode());
        assertSecurityHeaders(foreign);
        HttpResponse<String> same = client.send(HttpRequest.newBuilder(uri("/classify"))
                .header("Origin", "http://127.0.0.1:" + server.port()).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, same.statusCode(), same.body());
    }

    /** GET /health and /model are answered on the thread that parsed them: the same guard, body and headers. */
    @Test
    void cheapRoutes_answeredInline_keepTheGuardTheBodyAndTheHeaders() throws Exception {
        HttpResponse<String> foreign = client.send(HttpRequest.newBuilder(uri("/model"))
                .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, foreign.statusCode());
        assertEquals("FORBIDDEN", Json.mapper().readTree(foreign.body()).get("error").get("code").asText());
        assertSecurityHeaders(foreign);
        for (String path : List.of("/health", "/model")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri(path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path);
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), path);
            assertEquals(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length),
                    r.headers().firstValue("content-length").orElse(""), path);
            assertSecurityHeaders(r);
        }
        // with a body it takes the ordinary path, and is still answered
        HttpResponse<String> withBody = client.send(HttpRequest.newBuilder(uri("/health"))
                .method("GET", HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, withBody.statusCode());
        assertEquals("ok", Json.mapper().readTree(withBody.body()).get("status").asText());
    }

    @Test
    void head_wrongMethod_longResultId_answerJsonWithHeaders() throws Exception {
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(uri("/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertSecurityHeaders(head);

        HttpResponse<String> delete = client.send(HttpRequest.newBuilder(uri("/classify")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, delete.statusCode());
        assertEquals("POST", delete.headers().firstValue("allow").orElse(null));
        assertEquals("METHOD_NOT_ALLOWED", Json.mapper().readTree(delete.body()).get("error").get("code").asText());
        assertSecurityHeaders(delete);

        HttpResponse<String> longId = client.send(HttpRequest.newBuilder(uri("/results/" + "a".repeat(300))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, longId.statusCode(), longId.body());
        assertEquals("NOT_FOUND", Json.mapper().readTree(longId.body()).get("error").get("code").asText());
        HttpResponse<String> veryLongId = client.send(HttpRequest.newBuilder(uri("/results/" + "a".repeat(1100)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, veryLongId.statusCode(), veryLongId.body());

        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(uri("/nothing-here")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertSecurityHeaders(missing);
    }

    @Test
    void serversOwnErrors_answerJsonWithHeaders_andEchoNothing() throws Exception {
        String secret = "Jane-Doe-MRN-12345";
        String[] malformed = {
            "GARBAGE " + secret + "\r\n\r\n",
            "GET /health?" + secret + " HTTP/9.9\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nX-Big: "
                    + secret + "x".repeat(LocalServer.MAX_HEADER_BYTES) + "\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nBroken header " + secret + "\r\n\r\n",
            "POST /classify HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        };
        for (String request : malformed) {
            String r = raw(request);
            assertTrue(r.matches("(?s)HTTP/1\\.1 (4\\d\\d|505) .*"), r);
            String head = r.substring(0, r.indexOf("\r\n\r\n")).toLowerCase();
            assertTrue(head.contains("x-content-type-options: nosniff"), r);
            assertTrue(head.contains("content-security-policy:"), r);
            assertTrue(head.contains("content-type: application/json"), r);
            assertFalse(r.toLowerCase().contains("<html"), r);
            assertFalse(r.contains(secret), r);
            JsonNode error = Json.mapper().readTree(r.substring(r.indexOf("\r\n\r\n") + 4)).get("error");
            assertEquals("BAD_REQUEST", error.get("code").asText(), r);
        }
    }

    @Test
    void issuedUploads_areBounded() throws Exception {
        for (int i = 0; i < LocalBucket.MAX_ISSUED_UPLOADS + 20; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/uploads"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
        }
        assertTrue(server.issuedUploadCount() <= LocalBucket.MAX_ISSUED_UPLOADS, "" + server.issuedUploadCount());
    }

    @Test
    void temporaryStore_isDeletedOnClose() throws Exception {
        Path store = Files.createTempDirectory(tmp, "serve-");
        LocalServer temporary = LocalServer.start(TestModels.classifier(), Config.fromEnv(Map.of()), 0,
                store, new PrintStream(new ByteArrayOutputStream()), 1);
        temporary.deleteStoreOnClose();
        Files.createDirectories(store.resolve("results/x"));
        Files.writeString(store.resolve("results/x/a.json"), "{}");
        temporary.close();
        assertFalse(Files.exists(store));
    }

    static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
