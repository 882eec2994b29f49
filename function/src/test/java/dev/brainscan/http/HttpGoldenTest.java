package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.core.Classifier;
import dev.brainscan.log.ScanLog;
import dev.brainscan.testing.Events;
import dev.brainscan.testing.FakeClassifier;
import dev.brainscan.testing.GoldenJson;
import dev.brainscan.testing.MemoryStore;
import dev.brainscan.testing.TestModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Status, headers and body of each kind of HTTP response against golden/ (docs/contracts.md
 * sections 3 and 5), driven by the sample events of events/ where there is one.
 */
class HttpGoldenTest {
    final MemoryStore store = new MemoryStore();

    HttpApi api(Classifier classifier, long syncMaxBytes) {
        UploadUrls urls = (key, type, size) -> new UploadUrls.Upload("https://bucket.example/" + key + "?X-Amz-Signature=x",
                Instant.parse("2026-11-23T10:05:00Z"), Map.of("Content-Type", type));
        return new HttpApi(classifier, store, urls,
                new HttpApi.Settings("brainscan-local", "scans/", "results/", syncMaxBytes),
                new ScanLog(new PrintStream(OutputStream.nullOutputStream()), false));
    }

    HttpApi api() {
        return api(TestModels.classifier(), 4_000_000);
    }

    static void assertGolden(String golden, APIGatewayV2HTTPResponse r) {
        Map<String, String> h = r.getHeaders();
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (String name : new String[] {"content-type", "cache-control", "x-content-type-options", "x-request-id"}) {
            if (h.containsKey(name)) {
                headers.put(name, h.get(name));
            }
        }
        GoldenJson.assertMatches(golden, GoldenJson.response(r.getStatusCode(), headers, r.getBody()));
    }

    static APIGatewayV2HTTPEvent withPath(String event, String path) {
        APIGatewayV2HTTPEvent e = Events.http(event);
        e.setRawPath(path);
        return e;
    }

    @Test
    void classify_jpeg_200() {
        assertGolden("http-classify-200.json", api().handle(Events.http("http-classify-jpeg.json")));
    }

    @Test
    void classify_textBody_415() {
        assertGolden("http-classify-415.json", api().handle(Events.http("http-bad-body.json")));
    }

    @Test
    void classify_overTheSyncLimit_413() {
        assertGolden("http-classify-413.json",
                api(TestModels.classifier(), 1000).handle(Events.http("http-classify-jpeg.json")));
    }

    @Test
    void classify_multipartWithoutFilePart_400() {
        APIGatewayV2HTTPEvent e = Events.http("http-classify-multipart.json");
        e.setBody(Base64.getEncoder().encodeToString(
                "------brainscan-sample-boundary\r\nContent-Disposition: form-data; name=\"notes\"\r\n\r\nx\r\n------brainscan-sample-boundary--\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1)));
        assertGolden("http-classify-400.json", api().handle(e));
    }

    @Test
    void classify_internalFailure_500() {
        assertGolden("http-classify-500.json",
                api(FakeClassifier.failingInternally(new IllegalStateException("boom")), 4_000_000)
                        .handle(Events.http("http-classify-jpeg.json")));
    }

    @Test
    void unknownRoute_404() {
        assertGolden("http-route-404.json", api().handle(withPath("http-health.json", "/admin")));
    }

    @Test
    void results_missing_404() {
        assertGolden("http-results-404.json", api().handle(Events.http("http-results.json")));
    }

    @Test
    void results_invalidId_400() {
        assertGolden("http-results-400.json", api().handle(withPath("http-results.json", "/results/..%2Fsecret")));
    }

    @Test
    void uploads_201() {
        assertGolden("http-uploads-201.json", api().handle(Events.http("http-uploads.json")));
    }

    @Test
    void uploads_unsupportedContentType_415() {
        APIGatewayV2HTTPEvent e = Events.http("http-uploads.json");
        e.setBody("{\"contentType\": \"application/pdf\"}");
        assertGolden("http-uploads-415.json", api().handle(e));
    }

    @Test
    void health_200() {
        assertGolden("http-health-200.json", api().handle(Events.http("http-health.json")));
    }

    @Test
    void model_200() {
        assertGolden("http-model-200.json", api().handle(Events.http("http-model.json")));
    }
}
