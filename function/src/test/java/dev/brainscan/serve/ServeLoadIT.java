package dev.brainscan.serve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.config.Config;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.http.Responses;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.HostileCorpus;
import dev.brainscan.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded load on {@code serve} over loopback: 500 requests, 16 at a time, good scans mixed
 * with hostile inputs. Every answer is the right one (a result, or the documented error with
 * its status), nothing else comes back, and the heap after the run is where it was.
 */
class ServeLoadIT {
    static final int REQUESTS = 500;
    static final int CONCURRENCY = 16;

    record Input(String name, byte[] body, int expectedStatus, String expectedCode) {
    }

    @TempDir
    Path store;

    @Test
    void fiveHundredMixedRequests_allAnsweredCorrectly_memoryFlat() throws Exception {
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inputs.add(new Input("phantom-" + i, Phantom.jpeg(300 + i, 200 + 8 * i, 240, i % 2 == 0), 200, null));
        }
        for (HostileCorpus.Case c : HostileCorpus.all()) {
            if (c.bytes().length > 0) {
                inputs.add(new Input(c.name(), c.bytes(), Responses.status(c.expected()), c.expected().name()));
            }
        }
        try (LocalServer server = LocalServer.start(TestModels.classifier(), Config.fromEnv(Map.of()), 0,
                store, new PrintStream(new ByteArrayOutputStream()), 8)) {
            URI classify = URI.create("http://127.0.0.1:" + server.port() + "/classify");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            run(client, classify, inputs, 50); // warm-up: JIT, pools
            long heapBefore = usedHeapAfterGc();
            long start = System.nanoTime();
            List<String> failures = run(client, classify, inputs, REQUESTS);
            double seconds = (System.nanoTime() - start) / 1e9;
            long heapAfter = usedHeapAfterGc();
            System.out.printf(Locale.ROOT, "serve load: %d requests, %d concurrent, %.1f s (%.0f req/s); heap after GC "
                    + "%d MB before, %d MB after%n", REQUESTS, CONCURRENCY, seconds, REQUESTS / seconds,
                    heapBefore >> 20, heapAfter >> 20);
            assertTrue(failures.isEmpty(), failures.size() + " wrong answers, e.g. " + failures.subList(0,
                    Math.min(5, failures.size())));
            assertTrue(heapAfter - heapBefore < 48L << 20, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MB");
        }
    }

    static List<String> run(HttpClient client, URI uri, List<Input> inputs, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Input input = inputs.get(i % inputs.size());
                futures.add(pool.submit(() -> check(client, uri, input)));
            }
            List<String> failures = new ArrayList<>();
            for (Future<String> f : futures) {
                String failure = f.get(60, TimeUnit.SECONDS);
                if (failure != null) {
                    failures.add(failure);
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    static String check(HttpClient client, URI uri, Input input) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(input.body())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != input.expectedStatus()) {
            return input.name() + ": status " + r.statusCode() + " " + r.body();
        }
        JsonNode body = Json.mapper().readTree(r.body());
        if (input.expectedCode() == null) {
            return body.has("label") && body.has("score") ? null : input.name() + ": no result " + r.body();
        }
        return input.expectedCode().equals(body.path("error").path("code").asText()) ? null
                : input.name() + ": " + r.body();
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
