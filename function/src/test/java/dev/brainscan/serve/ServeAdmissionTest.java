package dev.brainscan.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.config.Config;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.result.Json;
import dev.brainscan.testing.FakeClassifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27, row 3: with every classify thread and queue place taken, {@code serve} answers
 * {@code POST /classify} at once with 503 {@code BUSY}, {@code retry-after} and the JSON
 * error body, and still answers {@code /health}; the held requests complete afterwards.
 */
class ServeAdmissionTest {
    @TempDir
    Path store;

    @Test
    void queueFull_503BusyWithRetryAfterAndJson_healthStillAnswered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeClassifier fake = FakeClassifier.scoring(0.9);
        Classifier held = fake.runningFirst(() -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // one classify thread, a queue of 16: the 18th concurrent request finds no place
        try (LocalServer server = LocalServer.start(held, Config.fromEnv(Map.of()), 0, store,
                new PrintStream(new ByteArrayOutputStream()), 1)) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI classify = URI.create("http://127.0.0.1:" + server.port() + "/classify");
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                sent.add(client.sendAsync(HttpRequest.newBuilder(classify).timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            // the refused ones come back while the others are held
            HttpResponse<String> busy = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (busy == null && System.nanoTime() < deadline) {
                for (CompletableFuture<HttpResponse<String>> f : sent) {
                    if (f.isDone() && f.get().statusCode() == 503) {
                        busy = f.get();
                    }
                }
                Thread.sleep(20);
            }
            assertTrue(busy != null, "no request was refused while the queue was full");
            assertEquals("2", busy.headers().firstValue("retry-after").orElse(null));
            JsonNode body = Json.mapper().readTree(busy.body());
            assertEquals("BUSY", body.path("error").path("code").asText());
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "health is not queued behind classification");
            release.countDown();
            int ok = 0;
            int refused = 0;
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                int status = f.get(30, TimeUnit.SECONDS).statusCode();
                ok += status == 200 ? 1 : 0;
                refused += status == 503 ? 1 : 0;
            }
            assertEquals(24, ok + refused, "every request answered 200 or 503");
            assertTrue(ok >= 17, ok + " classified: the running one and the 16 queued");
        }
    }
}
