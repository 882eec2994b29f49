package dev.brainscan.http;

import static dev.brainscan.http.HttpApiTest.body;
import static dev.brainscan.http.HttpApiTest.code;
import static dev.brainscan.http.HttpApiTest.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.log.ScanLog;
import dev.brainscan.testing.FakeClassifier;
import dev.brainscan.testing.MemoryStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A public API (PUBLIC_API=true, the template's ApiAuth=NONE): results only under the random
 * ids POST /uploads hands out, and every upload URL bound to a declared size within the limit.
 */
class PublicApiTest {
    final MemoryStore store = new MemoryStore();
    final List<OptionalLong> signedSizes = new ArrayList<>();
    final UploadUrls urls = (key, type, size) -> {
        signedSizes.add(size);
        return new UploadUrls.Upload("https://bucket.example/" + key, Instant.parse("2026-11-23T10:05:00Z"),
                Map.of("Content-Type", type));
    };
    final long maxBytes = FakeClassifier.scoring(0.9).limits().maxBytes();

    HttpApi api(boolean publicApi) {
        return new HttpApi(FakeClassifier.scoring(0.9), store, urls,
                new HttpApi.Settings("bucket", "scans/", "results/", 100, publicApi),
                new ScanLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false));
    }

    static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void results_aGuessableNameIsAnsweredAsMissing_onAPublicApiOnly() throws Exception {
        store.with("results/ward7/p12.jpg.json", json("{\"label\":\"no_tumor\"}"));

        APIGatewayV2HTTPResponse open = api(true).handle(request("GET", "/results/ward7%2Fp12.jpg", null, null));
        APIGatewayV2HTTPResponse missing = api(true).handle(request("GET", "/results/ward7%2Fp13.jpg", null, null));

        assertEquals(404, open.getStatusCode());
        assertEquals("NOT_FOUND", code(open));
        // A stored and an absent result read the same: a guess learns nothing.
        assertEquals(body(missing).get("error"), body(open).get("error"));
        assertEquals(200, api(false).handle(request("GET", "/results/ward7%2Fp12.jpg", null, null)).getStatusCode());
    }

    @Test
    void results_anIdThatUploadsHandsOut_isServed() throws Exception {
        APIGatewayV2HTTPResponse ticket = api(true).handle(request("POST", "/uploads", "application/json",
                json("{\"contentType\": \"application/dicom\", \"size\": 5000}")));
        assertEquals(201, ticket.getStatusCode(), ticket.getBody());
        String resultPath = body(ticket).get("resultPath").asText();
        String id = resultPath.substring("/results/".length());
        assertTrue(ResultsRoute.UPLOAD_ID.matcher(id).matches(), id);
        store.with("results/" + id + ".json", json("{\"label\":\"tumor\"}"));

        APIGatewayV2HTTPResponse r = api(true).handle(request("GET", resultPath, null, null));

        assertEquals(200, r.getStatusCode());
        assertEquals("tumor", body(r).get("label").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.jpg", "00000000-0000-0000-0000-000000000000.jpg", "ward7/%s.jpg", "%s.exe", "%S.jpg",
            "%s.jpg/x"})
    void results_onlyTheExactUploadIdShapeIsServed(String shape) throws Exception {
        String id = shape.replace("%s", UUID.randomUUID().toString()).replace("%S", UUID.randomUUID().toString().toUpperCase());
        store.with("results/" + id + ".json", json("{}"));
        assertEquals(404, api(true).handle(request("GET", "/results/" + id, null, null)).getStatusCode(), id);
    }

    @Test
    void uploads_withoutASize_is400OnAPublicApi_andStillIssuedOnAPrivateOne() throws Exception {
        APIGatewayV2HTTPResponse r = api(true).handle(request("POST", "/uploads", "application/json",
                json("{\"contentType\": \"image/png\"}")));
        assertEquals(400, r.getStatusCode());
        assertEquals("BAD_REQUEST", code(r));
        assertTrue(body(r).get("error").get("message").asText().contains("size"));
        assertTrue(signedSizes.isEmpty(), "no URL issued");

        assertEquals(201, api(false).handle(request("POST", "/uploads", "application/json",
                json("{\"contentType\": \"image/png\"}"))).getStatusCode());
        assertEquals(List.of(OptionalLong.empty()), signedSizes);
    }

    @Test
    void uploads_aDeclaredSizeIsSignedIntoTheUrl_upToTheImageLimit() throws Exception {
        assertEquals(201, api(true).handle(request("POST", "/uploads", "application/json",
                json("{\"contentType\": \"image/png\", \"size\": " + maxBytes + "}"))).getStatusCode());
        assertEquals(List.of(OptionalLong.of(maxBytes)), signedSizes);

        APIGatewayV2HTTPResponse over = api(false).handle(request("POST", "/uploads", "application/json",
                json("{\"contentType\": \"image/png\", \"size\": " + (maxBytes + 1) + "}")));
        assertEquals(413, over.getStatusCode());
        assertEquals("IMAGE_TOO_LARGE", code(over));
        assertEquals(1, signedSizes.size(), "no URL for a file over the limit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1.5", "\"12\"", "true", "1e3", "99999999999999999999"})
    void uploads_aSizeThatIsNotAWholePositiveNumber_is400(String size) throws Exception {
        APIGatewayV2HTTPResponse r = api(true).handle(request("POST", "/uploads", "application/json",
                json("{\"contentType\": \"image/png\", \"size\": " + size + "}")));
        assertEquals(400, r.getStatusCode(), size);
        assertEquals("BAD_REQUEST", code(r));
        assertTrue(signedSizes.isEmpty());
    }
}
