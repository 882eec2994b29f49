package dev.brainscan.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.log.ScanLog;
import dev.brainscan.store.StoreException;
import dev.brainscan.testing.FakeClassifier;
import dev.brainscan.testing.MemoryStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The routes of docs/contracts.md section 5 with a fake classifier: no model, milliseconds per test. */
class HttpApiTest {
    static final byte[] SCAN = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};

    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    final MemoryStore store = new MemoryStore();
    final UploadUrls urls = (key, type, size) -> new UploadUrls.Upload("https://bucket.example/" + key,
            Instant.parse("2026-11-23T10:05:00Z"), Map.of("Content-Type", type));

    HttpApi api(FakeClassifier classifier) {
        return new HttpApi(classifier, store, urls, new HttpApi.Settings("bucket", "scans/", "results/", 100), log());
    }

    ScanLog log() {
        return new ScanLog(new PrintStream(logs, true, StandardCharsets.UTF_8), false);
    }

    static APIGatewayV2HTTPEvent request(String method, String path, String contentType, byte[] body) {
        Map<String, String> headers = new HashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        return APIGatewayV2HTTPEvent.builder()
                .withRawPath(path)
                .withHeaders(headers)
                .withIsBase64Encoded(true)
                .withBody(body == null ? null : Base64.getEncoder().encodeToString(body))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("req-1")
                        .withStage("$default")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).build())
                        .build())
                .build();
    }

    static JsonNode body(APIGatewayV2HTTPResponse r) throws Exception {
        return Json.mapper().readTree(r.getBody());
    }

    static String code(APIGatewayV2HTTPResponse r) throws Exception {
        return body(r).get("error").get("code").asText();
    }

    @Test
    void classify_rawBody_returns200WithTheResultKeyedByTheRequestId() throws Exception {
        FakeClassifier classifier = FakeClassifier.scoring(0.9);

        APIGatewayV2HTTPResponse r = api(classifier).handle(request("POST", "/classify", "image/jpeg", SCAN));

        assertEquals(200, r.getStatusCode());
        assertEquals("tumor", body(r).get("label").asText());
        assertEquals("req-1", r.getHeaders().get("x-request-id"));
        assertEquals(new FakeClassifier.Call(SCAN.length, "req-1", Map.of("channel", "http", "requestId", "req-1")),
                classifier.calls().get(0));
        assertFalse(body(r).has("heatmapPng"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"UNSUPPORTED_FORMAT, 415", "CORRUPT_IMAGE, 422", "NO_BRAIN_REGION, 422", "NOT_A_BRAIN_MRI, 422",
        "IMAGE_TOO_LARGE, 413", "BAD_REQUEST, 400", "NOT_FOUND, 404", "INTERNAL, 500"})
    void classify_refusedScan_isSentWithItsCodesStatus(ErrorCode code, int status) throws Exception {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.refusing(code)).handle(request("POST", "/classify", null, SCAN));

        assertEquals(status, r.getStatusCode());
        assertEquals(code.name(), code(r));
        assertFalse(body(r).has("label"));
    }

    @Test
    void classify_heatmapTrue_addsTheRenderedOverlayToAClassifiedScanOnly() throws Exception {
        APIGatewayV2HTTPEvent event = request("POST", "/classify", "image/jpeg", SCAN);
        event.setQueryStringParameters(Map.of("heatmap", "true"));

        assertEquals(Base64.getEncoder().encodeToString(FakeClassifier.heatmapOf("req-1")),
                body(api(FakeClassifier.scoring(0.1)).handle(event)).get("heatmapPng").asText());
        assertFalse(body(api(FakeClassifier.refusing(ErrorCode.NO_BRAIN_REGION)).handle(event)).has("heatmapPng"));
    }

    @Test
    void classify_internalFailure_is500WithAGenericMessageAndTheCauseOnlyInTheLog() throws Exception {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.failingInternally(new IllegalStateException("secret detail")))
                .handle(request("POST", "/classify", "image/jpeg", SCAN));

        assertEquals(500, r.getStatusCode());
        assertEquals("INTERNAL", code(r));
        assertFalse(r.getBody().contains("secret detail"));
        JsonNode line = Json.mapper().readTree(logs.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("internal-error")).findFirst().orElseThrow());
        assertEquals("java.lang.IllegalStateException: secret detail", line.get("detail").asText());
        assertTrue(line.get("stackTrace").asText().contains("\tat dev.brainscan."), "the stack trace is logged");
    }

    @Test
    void anyRoute_unexpectedException_is500WithoutItsMessage() throws Exception {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.throwing(new NullPointerException("bug at /var/task")))
                .handle(request("POST", "/classify", "image/jpeg", SCAN));

        assertEquals(500, r.getStatusCode());
        assertEquals("The request could not be served because of an internal error.",
                body(r).get("error").get("message").asText());
        assertFalse(r.getBody().contains("/var/task"));
        String log = logs.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("bug at /var/task") && log.contains("\"stackTrace\""), log);
    }

    @Test
    void classify_overTheSyncLimit_is413PointingToUploadsWithoutClassifying() throws Exception {
        FakeClassifier classifier = FakeClassifier.scoring(0.9);

        APIGatewayV2HTTPResponse r = api(classifier).handle(request("POST", "/classify", "image/jpeg", new byte[101]));

        assertEquals(413, r.getStatusCode());
        assertTrue(body(r).get("error").get("message").asText().contains("POST /uploads"));
        assertTrue(classifier.calls().isEmpty());
    }

    @Test
    void classify_emptyBody_is400() throws Exception {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9)).handle(request("POST", "/classify", null, null));
        assertEquals(400, r.getStatusCode());
        assertEquals("BAD_REQUEST", code(r));
    }

    @Test
    void classify_invalidBase64_is400() throws Exception {
        APIGatewayV2HTTPEvent event = request("POST", "/classify", "image/jpeg", SCAN);
        event.setBody("not base64 !!!");
        assertEquals(400, api(FakeClassifier.scoring(0.9)).handle(event).getStatusCode());
    }

    @Test
    void classify_multipartWithoutBoundary_is400() throws Exception {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9))
                .handle(request("POST", "/classify", "multipart/form-data", SCAN));
        assertEquals(400, r.getStatusCode());
        assertEquals("The multipart content type has no boundary.", body(r).get("error").get("message").asText());
    }

    @Test
    void classify_multipartWithoutAFilePart_is400() throws Exception {
        byte[] form = "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nxyz\r\n--b--\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9))
                .handle(request("POST", "/classify", "multipart/form-data; boundary=b", form));
        assertEquals(400, r.getStatusCode());
        assertEquals("The multipart form has no part named \"file\".", body(r).get("error").get("message").asText());
    }

    @Test
    void classify_multipartFilePart_classifiesOnlyThePartsBytes() throws Exception {
        FakeClassifier classifier = FakeClassifier.scoring(0.9);
        byte[] form = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nabcde\r\n--b--\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);

        APIGatewayV2HTTPResponse r = api(classifier)
                .handle(request("POST", "/classify", "multipart/form-data; boundary=b", form));

        assertEquals(200, r.getStatusCode());
        assertEquals(5, classifier.calls().get(0).bytes());
    }

    @Test
    void classify_multipartFilePartOverTheSyncLimit_is413() throws Exception {
        FakeClassifier classifier = FakeClassifier.scoring(0.9);
        byte[] form = ("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + "x".repeat(101) + "\r\n--b--")
                .getBytes(StandardCharsets.ISO_8859_1);

        APIGatewayV2HTTPResponse r = api(classifier)
                .handle(request("POST", "/classify", "multipart/form-data; boundary=b", form));

        assertEquals(413, r.getStatusCode());
        assertTrue(classifier.calls().isEmpty());
    }

    @Test
    void classify_syncLimitAppliesToTheImageNotTheMultipartEnvelope() throws Exception {
        byte[] form = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + "n".repeat(80)
                + ".jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" + "x".repeat(100) + "\r\n--b--")
                .getBytes(StandardCharsets.ISO_8859_1);

        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9))
                .handle(request("POST", "/classify", "multipart/form-data; boundary=b", form));

        assertEquals(200, r.getStatusCode(), r.getBody());
    }

    @Test
    void uploads_defaultContentTypeIsJpeg() throws Exception {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9)).handle(request("POST", "/uploads", null, null));
        assertEquals(201, r.getStatusCode());
        assertTrue(body(r).get("key").asText().matches("scans/[0-9a-f-]{36}\\.jpg"));
        assertEquals("PUT", body(r).get("method").asText());
        assertEquals("2026-11-23T10:05:00Z", body(r).get("expiresAt").asText());
    }

    @Test
    void uploads_unknownContentType_is415() throws Exception {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9)).handle(request("POST", "/uploads",
                "application/json", "{\"contentType\":\"image/tiff\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(415, r.getStatusCode());
        assertEquals("UNSUPPORTED_FORMAT", code(r));
    }

    @Test
    void uploads_bodyThatIsNotAJsonObject_is400() throws Exception {
        for (String bad : new String[] {"[1]", "{", "\"x\""}) {
            APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9)).handle(request("POST", "/uploads",
                    "application/json", bad.getBytes(StandardCharsets.UTF_8)));
            assertEquals(400, r.getStatusCode(), bad);
        }
    }

    @Test
    void uploads_withoutABucket_is404() throws Exception {
        HttpApi api = new HttpApi(FakeClassifier.scoring(0.9), null, null,
                new HttpApi.Settings("", "scans/", "results/", 100), log());
        assertEquals(404, api.handle(request("POST", "/uploads", null, null)).getStatusCode());
        assertEquals(404, api.handle(request("GET", "/results/a.jpg", null, null)).getStatusCode());
    }

    @Test
    void results_returnsTheStoredJsonAsStored() throws Exception {
        store.with("results/ward7/p12.jpg.json", "{\"label\":\"no_tumor\"}".getBytes(StandardCharsets.UTF_8));
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9))
                .handle(request("GET", "/results/ward7%2Fp12.jpg", null, null));
        assertEquals(200, r.getStatusCode());
        assertEquals("{\"label\":\"no_tumor\"}", r.getBody());
    }

    @Test
    void routeKey_thatApiGatewayMatched_choosesTheRoute() throws Exception {
        store.with("results/ward7/p12.jpg.json", "{\"label\":\"no_tumor\"}".getBytes(StandardCharsets.UTF_8));
        APIGatewayV2HTTPEvent event = request("GET", "/results/ward7%2Fp12.jpg", null, null);
        event.setRouteKey("GET /results/{id+}");
        assertEquals("{\"label\":\"no_tumor\"}", api(FakeClassifier.scoring(0.9)).handle(event).getBody());

        // No method in the request context: the route key's.
        APIGatewayV2HTTPEvent health = APIGatewayV2HTTPEvent.builder().withRouteKey("GET /health").withRawPath("/health")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("req-2").build()).build();
        assertEquals("ok", body(api(FakeClassifier.scoring(0.9)).handle(health)).get("status").asText());
    }

    @Test
    void everyRouteKeyOfTheTemplate_isARoute() throws Exception {
        String template = java.nio.file.Files.readString(dev.brainscan.testing.TestPaths.repoRoot().resolve("template.yaml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s+RouteKey: (.+)$").matcher(template);
        java.util.List<String> keys = new java.util.ArrayList<>();
        while (m.find()) {
            keys.add(m.group(1).trim());
        }
        assertTrue(keys.size() >= 6, keys.toString());
        assertTrue(api(FakeClassifier.scoring(0.9)).routeKeys().containsAll(keys), keys.toString());
    }

    @Test
    void results_invalidIds_are400() throws Exception {
        for (String id : new String[] {"..%2Fx", "a//b", "%2Fabs", "bad%zz", "a%0Ab"}) {
            APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9)).handle(request("GET", "/results/" + id, null, null));
            assertEquals(400, r.getStatusCode(), id);
        }
    }

    @Test
    void results_unreadableStore_is500AskingToRetry() throws Exception {
        store.failingGets(StoreException.Kind.TRANSIENT);
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9)).handle(request("GET", "/results/a.jpg", null, null));
        assertEquals(500, r.getStatusCode());
        assertEquals("The result could not be read; try again shortly.", body(r).get("error").get("message").asText());
    }

    @Test
    void namedStagePrefix_isStrippedBeforeRouting() throws Exception {
        APIGatewayV2HTTPEvent event = request("GET", "/prod/health", null, null);
        event.getRequestContext().setStage("prod");
        assertEquals(200, api(FakeClassifier.scoring(0.9)).handle(event).getStatusCode());
    }

    @Test
    void wrongMethodOnAKnownPath_is405NamingTheAllowedMethods() throws Exception {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9)).handle(request("GET", "/classify", null, null));
        assertEquals(405, r.getStatusCode());
        assertEquals("METHOD_NOT_ALLOWED", body(r).get("error").get("code").asText());
        assertEquals("POST", r.getHeaders().get("allow"));
        assertEquals("/classify does not take GET; it takes POST.", body(r).get("error").get("message").asText());
    }

    @Test
    void head_isTheGetWithoutItsBody() throws Exception {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9)).handle(request("HEAD", "/health", null, null));
        assertEquals(200, r.getStatusCode());
        assertNull(r.getBody());
        assertEquals("application/json; charset=utf-8", r.getHeaders().get("content-type"));
    }

    @Test
    void missingRequestId_getsAFreshUuid() {
        APIGatewayV2HTTPEvent event = request("GET", "/health", null, null);
        event.getRequestContext().setRequestId(null);
        String id = api(FakeClassifier.scoring(0.9)).handle(event).getHeaders().get("x-request-id");
        assertTrue(id.matches("[0-9a-f-]{36}"), id);
    }

    @Test
    void everyJsonResponse_carriesTheNoStoreAndNosniffHeaders() {
        APIGatewayV2HTTPResponse r = api(FakeClassifier.scoring(0.9)).handle(request("GET", "/nope", null, null));
        assertEquals("application/json; charset=utf-8", r.getHeaders().get("content-type"));
        assertEquals("no-store", r.getHeaders().get("cache-control"));
        assertEquals("nosniff", r.getHeaders().get("x-content-type-options"));
        assertNull(r.getIsBase64Encoded() ? "base64" : null);
    }
}
