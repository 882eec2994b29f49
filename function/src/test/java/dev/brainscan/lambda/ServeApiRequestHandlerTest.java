package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.log.ScanLog;
import dev.brainscan.http.HttpApi;
import dev.brainscan.http.UploadUrls;
import dev.brainscan.store.LocalObjectStore;
import dev.brainscan.testing.Events;
import dev.brainscan.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API handler on the sample events of events/ (the files `sam local invoke -e` uses). */
class ServeApiRequestHandlerTest {
    @TempDir
    Path storeDir;
    LocalObjectStore store;
    ServeApiRequestHandler handler;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @BeforeEach
    void handler() {
        store = new LocalObjectStore(storeDir);
        UploadUrls urls = (key, type, size) -> new UploadUrls.Upload("https://bucket.example/" + key + "?X-Amz-Signature=x",
                Instant.parse("2026-11-23T10:05:00Z"), Map.of("Content-Type", type));
        HttpApi api = new HttpApi(TestModels.classifier(), store, urls,
                new HttpApi.Settings("brainscan-local", "scans/", "results/", 4_000_000),
                new ScanLog(new PrintStream(logs, true, StandardCharsets.UTF_8), false));
        handler = new ServeApiRequestHandler(api);
    }

    JsonNode body(APIGatewayV2HTTPResponse r) throws Exception {
        assertEquals("application/json; charset=utf-8", r.getHeaders().get("content-type"));
        assertEquals("no-store", r.getHeaders().get("cache-control"));
        return Json.mapper().readTree(r.getBody());
    }

    @Test
    void classify_rawJpegBody_returnsTheResult() throws Exception {
        APIGatewayV2HTTPResponse r = handler.handleRequest(Events.http("http-classify-jpeg.json"), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        JsonNode result = body(r);
        assertTrue(result.get("label").asText().matches("tumor|no_tumor"));
        assertEquals("sample-post-classify", result.get("scanId").asText());
        assertEquals(TestModels.classifier().manifest().sha256(), result.get("model").get("sha256").asText());
        assertFalse(result.has("heatmapPng"));
    }

    @Test
    void classify_multipartFilePart_givesTheSameResultAsTheRawBody() throws Exception {
        JsonNode raw = body(handler.handleRequest(Events.http("http-classify-jpeg.json"), null));
        APIGatewayV2HTTPResponse r = handler.handleRequest(Events.http("http-classify-multipart.json"), null);
        assertEquals(200, r.getStatusCode(), r.getBody());
        assertEquals(raw.get("score").asDouble(), body(r).get("score").asDouble());
    }

    @Test
    void classify_textBody_is415WithTheErrorJson() throws Exception {
        APIGatewayV2HTTPResponse r = handler.handleRequest(Events.http("http-bad-body.json"), null);
        assertEquals(415, r.getStatusCode());
        JsonNode b = body(r);
        assertEquals("UNSUPPORTED_FORMAT", b.get("error").get("code").asText());
        assertFalse(r.getBody().contains("Exception"));
        assertFalse(b.has("label"));
    }

    @Test
    void classify_overTheSyncLimit_is413PointingToUploads() throws Exception {
        HttpApi small = new HttpApi(TestModels.classifier(), store, null,
                new HttpApi.Settings("b", "scans/", "results/", 1000), new ScanLog(new PrintStream(logs), false));
        APIGatewayV2HTTPResponse r = new ServeApiRequestHandler(small)
                .handleRequest(Events.http("http-classify-jpeg.json"), null);
        assertEquals(413, r.getStatusCode());
        assertTrue(body(r).get("error").get("message").asText().contains("POST /uploads"));
    }

    @Test
    void uploads_returnsAPresignedPutIntoTheInputPrefix() throws Exception {
        APIGatewayV2HTTPResponse r = handler.handleRequest(Events.http("http-uploads.json"), null);
        assertEquals(201, r.getStatusCode(), r.getBody());
        JsonNode b = body(r);
        String key = b.get("key").asText();
        assertTrue(key.matches("scans/[0-9a-f-]{36}\\.png"), key);
        assertEquals("/results/" + key.substring("scans/".length()), b.get("resultPath").asText());
        assertTrue(b.get("uploadUrl").asText().contains(key));
        assertEquals("image/png", b.get("headers").get("Content-Type").asText());
    }

    @Test
    void results_is404UntilTheResultExistsThenReturnsIt() throws Exception {
        APIGatewayV2HTTPEvent event = Events.http("http-results.json");
        APIGatewayV2HTTPResponse missing = handler.handleRequest(event, null);
        assertEquals(404, missing.getStatusCode());
        assertEquals("NOT_FOUND", body(missing).get("error").get("code").asText());

        store.put("brainscan-local", "results/ward7/p12.jpg.json",
                "{\"schemaVersion\":1,\"label\":\"no_tumor\"}".getBytes(StandardCharsets.UTF_8), "application/json");
        APIGatewayV2HTTPResponse found = handler.handleRequest(event, null);
        assertEquals(200, found.getStatusCode());
        assertEquals("no_tumor", body(found).get("label").asText());
    }

    @Test
    void results_refusesPathTraversal() throws Exception {
        APIGatewayV2HTTPEvent event = Events.http("http-results.json");
        event.setRawPath("/results/..%2F..%2Fetc%2Fpasswd");
        APIGatewayV2HTTPResponse r = handler.handleRequest(event, null);
        assertEquals(400, r.getStatusCode());
        assertEquals("BAD_REQUEST", body(r).get("error").get("code").asText());
    }

    @Test
    void healthAndModel_describeTheLoadedModel() throws Exception {
        APIGatewayV2HTTPResponse health = handler.handleRequest(Events.http("http-health.json"), null);
        assertEquals(200, health.getStatusCode());
        assertEquals("ok", body(health).get("status").asText());
        assertEquals("brainscan-cnn", body(health).get("model").get("name").asText());

        JsonNode model = body(handler.handleRequest(Events.http("http-model.json"), null));
        assertEquals(TestModels.classifier().manifest().decisionThreshold(), model.get("decisionThreshold").asDouble());
        assertEquals(3, model.get("riskTiers").size());
        assertNotNull(model.get("notice"));
    }

    @Test
    void unknownRoute_is404Json() throws Exception {
        APIGatewayV2HTTPEvent event = Events.http("http-health.json");
        event.setRawPath("/admin");
        APIGatewayV2HTTPResponse r = handler.handleRequest(event, null);
        assertEquals(404, r.getStatusCode());
        assertEquals("NOT_FOUND", body(r).get("error").get("code").asText());
    }
}
