package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.cli.Main;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.log.ScanLog;
import dev.brainscan.http.HttpApi;
import dev.brainscan.http.Responses;
import dev.brainscan.testing.HostileCorpus;
import dev.brainscan.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hostile input gets its documented error, quickly, through the core, the CLI and the
 * HTTP handler (the S3 handler: S3UploadFlowContract). Never a crash, never a result.
 */
class HostileInputTest {
    static final ScanClassifier CLASSIFIER = TestModels.classifier();

    static List<HostileCorpus.Case> cases() {
        return HostileCorpus.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void core_answersTheDocumentedError(HostileCorpus.Case c) {
        long start = System.nanoTime();
        ScanResult r = CLASSIFIER.classify(c.bytes(), c.name(), Map.of("file", c.name()));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(r.failed(), c.name() + " was classified: " + Json.write(r));
        assertEquals(c.expected(), r.error().code(), c.name() + ": " + r.error().message());
        assertTrue(seconds < 2.0, c.name() + " took " + seconds + " s");
        assertFalse(r.error().message().contains("Exception") || r.error().message().contains("/"),
                "message leaks internals: " + r.error().message());
    }

    static List<HostileCorpus.Case> tolerated() {
        return HostileCorpus.tolerated();
    }

    /** Metadata bombs (ICC profiles claiming 2 GB, compressed text chunks) are never parsed: the image is classified. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tolerated")
    void core_classifiesTheImageUnderUnparsedMetadataBombs(HostileCorpus.Case c) {
        long start = System.nanoTime();
        ScanResult r = CLASSIFIER.classify(c.bytes(), c.name(), Map.of("file", c.name()));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertFalse(r.failed(), () -> c.name() + ": " + r.error().code() + " " + r.error().message());
        assertTrue(seconds < 2.0, c.name() + " took " + seconds + " s");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void httpHandler_answersTheStatusAndErrorJson(HostileCorpus.Case c) throws Exception {
        HttpApi api = new HttpApi(CLASSIFIER, null, null, new HttpApi.Settings("", "scans/", "results/", 4_000_000),
                new ScanLog(new PrintStream(new ByteArrayOutputStream()), false));
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder().withRawPath("/classify")
                .withHeaders(Map.of("content-type", "application/octet-stream")).withIsBase64Encoded(true)
                .withBody(Base64.getEncoder().encodeToString(c.bytes()))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("hostile")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").build()).build())
                .build();
        APIGatewayV2HTTPResponse r = api.handle(event);
        // An empty POST is a malformed request before it is an empty file.
        ErrorCode expected = c.bytes().length == 0 ? ErrorCode.BAD_REQUEST : c.expected();
        assertEquals(Responses.status(expected), r.getStatusCode(), r.getBody());
        JsonNode body = Json.mapper().readTree(r.getBody());
        assertEquals(expected.name(), body.get("error").get("code").asText());
        assertFalse(body.has("label") || body.has("score"));
        assertFalse(r.getBody().contains("at dev.") || r.getBody().contains("Exception"));
    }

    @Test
    void cli_writesOneErrorRecordPerHostileFileAndExitsOne(@TempDir Path dir) throws Exception {
        Map<String, String> expected = new HashMap<>();
        for (HostileCorpus.Case c : cases()) {
            Path file = dir.resolve(c.name() + ".img");
            Files.write(file, c.bytes());
            expected.put(file.toString(), c.expected().name());
        }
        StringWriter out = new StringWriter();
        int exit = Main.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "classify", dir.toString());
        assertEquals(1, exit);
        List<String> lines = out.toString().lines().toList();
        assertEquals(expected.size(), lines.size());
        for (String line : lines) {
            JsonNode rec = Json.mapper().readTree(line);
            assertEquals(expected.get(rec.get("scanId").asText()), rec.get("error").get("code").asText(), line);
        }
    }
}
