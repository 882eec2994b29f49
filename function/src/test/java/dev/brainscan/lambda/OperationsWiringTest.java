package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.brainscan.config.Config;
import dev.brainscan.core.result.Json;
import dev.brainscan.store.S3ObjectStore;
import dev.brainscan.store.StoreException;
import dev.brainscan.testing.S3Env;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/** What the functions read at start and how their S3 calls end: the log key from SSM, the call timeouts. */
class OperationsWiringTest {
    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsSessionCredentials.create("AKIDEXAMPLE", "secret", "session-token"));

    record Seen(String target, String authorization, String token, JsonNode body) {
    }

    /** A stand-in for SSM's JSON API on loopback: records the request, answers {@code status} with {@code body}. */
    static HttpServer ssm(int status, String body, AtomicReference<Seen> seen) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] request = exchange.getRequestBody().readAllBytes();
            seen.set(new Seen(exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"), Json.mapper().readTree(request)));
            byte[] answer = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        return server;
    }

    static URI uri(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Test
    void logKey_isASecureStringFetchedWithASignedGetParameter() throws Exception {
        AtomicReference<Seen> seen = new AtomicReference<>();
        HttpServer server = ssm(200, "{\"Parameter\": {\"Name\": \"/brainscan/log-key\", \"Type\": \"SecureString\","
                + " \"Value\": \"a-shared-log-key-0123456789\"}}", seen);
        try (var http = UrlConnectionHttpClient.create()) {
            String value = SsmParameter.secureString("/brainscan/log-key", "eu-west-1", uri(server), CREDENTIALS, http);

            assertEquals("a-shared-log-key-0123456789", value);
            assertEquals("AmazonSSM.GetParameter", seen.get().target());
            assertTrue(seen.get().authorization().startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"),
                    seen.get().authorization());
            assertTrue(seen.get().authorization().contains("/eu-west-1/ssm/aws4_request"), seen.get().authorization());
            assertEquals("session-token", seen.get().token());
            assertEquals("/brainscan/log-key", seen.get().body().get("Name").asText());
            assertTrue(seen.get().body().get("WithDecryption").asBoolean());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void logKey_aFailedReadFailsTheStartNamingTheParameterAndStatusOnly() throws Exception {
        HttpServer server = ssm(400, "{\"__type\": \"com.amazonaws.ssm#ParameterNotFound\", \"message\": \"x\"}",
                new AtomicReference<>());
        try (var http = UrlConnectionHttpClient.create()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SsmParameter.secureString("/brainscan/missing", "eu-west-1", uri(server), CREDENTIALS, http));
            assertEquals("SSM GetParameter /brainscan/missing answered HTTP 400 ParameterNotFound", e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void ssmEndpoint_isTheRegionsUnlessOverridden() {
        assertEquals(URI.create("https://ssm.eu-west-1.amazonaws.com"), SsmParameter.endpoint(Map.of(), "eu-west-1"));
        assertEquals(URI.create("https://ssm.cn-north-1.amazonaws.com.cn"), SsmParameter.endpoint(Map.of(), "cn-north-1"));
        assertEquals(URI.create("http://localhost:4566"),
                SsmParameter.endpoint(Map.of("AWS_ENDPOINT_URL_SSM", "http://localhost:4566"), "eu-west-1"));
    }

    /** Under SnapStart the snapshot's init reads nothing; the key arrives after each restore, before a request. */
    @Test
    void logKey_isNeverReadDuringASnapshotsInit_onlyAfterRestore() {
        List<String> installed = new ArrayList<>();
        LogKey key = new LogKey(() -> "a-shared-log-key-0123456789", installed::add);

        assertTrue(key.deferred(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")));
        key.beforeCheckpoint(null);
        assertEquals(List.of(), installed, "nothing in the snapshot");
        key.afterRestore(null);
        assertEquals(List.of("a-shared-log-key-0123456789"), installed);

        installed.clear();
        assertFalse(new LogKey(() -> "k-0123456789abcdef", installed::add)
                .deferred(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")));
        assertEquals(List.of("k-0123456789abcdef"), installed, "read at init without SnapStart");
    }

    @Test
    void logKey_noParameter_readsNothing() {
        Config config = Config.fromEnv(Map.of());
        assertEquals("", config.logKeyParameter());
        LogKey.install(config, Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")); // would fail if it called SSM
        assertEquals("/brainscan/log-key",
                Config.fromEnv(Map.of("BRAINSCAN_LOG_KEY_PARAMETER", "/brainscan/log-key")).logKeyParameter());
    }

    @Test
    void s3Timeouts_defaultWellInsideTheFunctionTimeouts_andAreChecked() {
        Config.S3Timeouts timeouts = Config.fromEnv(Map.of()).s3Timeouts();
        assertEquals(Duration.ofSeconds(10), timeouts.call());
        assertEquals(Duration.ofSeconds(4), timeouts.attempt());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(
                Map.of("S3_CALL_TIMEOUT_SECONDS", "3", "S3_ATTEMPT_TIMEOUT_SECONDS", "5")));
        assertTrue(e.getMessage().contains("S3_ATTEMPT_TIMEOUT_SECONDS"), e.getMessage());
    }

    /**
     * An S3 that accepts connections and never answers: without a call timeout the 20 s socket
     * timeout and the SDK's retries would outlast the function; with one the call ends as a
     * transient storage failure (the event is retried) at the call timeout.
     */
    @Test
    void s3Call_thatNeverAnswers_endsAtTheCallTimeoutAsATransientFailure() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            S3Client s3 = S3Clients.client(S3Env.env(URI.create("http://127.0.0.1:" + silent.getLocalPort())),
                    new Config.S3Timeouts(Duration.ofSeconds(2), Duration.ofMillis(700)));
            long start = System.nanoTime();
            StoreException e = assertThrows(StoreException.class,
                    () -> new S3ObjectStore(s3).get("bucket", "scans/a.jpg", 1000));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.isTransient(), e.toString());
            assertTrue(ms < 4000, "ended after " + ms + " ms");
            s3.close();
            acceptor.interrupt();
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
