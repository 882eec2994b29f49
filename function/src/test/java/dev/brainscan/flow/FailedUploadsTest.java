package dev.brainscan.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.result.Json;
import dev.brainscan.log.ScanLog;
import dev.brainscan.testing.MemoryStore;
import dev.brainscan.testing.TestPaths;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The failure queue's error result says why the upload got none: tried and failed, or never tried. */
class FailedUploadsTest {
    static final String RESULT = "results/ward 7/patient+1/Müller scan.jpg.json";

    @ParameterizedTest
    @CsvSource({"RetriesExhausted, false", "EventAgeExceeded, true"})
    void theErrorMessage_followsLambdasCondition(String condition, boolean expired) throws Exception {
        JsonNode sqs = Json.mapper().readTree(Files.readString(TestPaths.events().resolve("sqs-failed-upload.json")));
        String body = sqs.get("Records").get(0).get("body").asText().replace("\"RetriesExhausted\"", "\"" + condition + "\"");
        MemoryStore store = new MemoryStore();
        FailedUploads failed = new FailedUploads(store, "scans/", "results/",
                ModelManifest.parse(ModelSource.bundled().manifestJson()),
                new ScanLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false));

        assertEquals(1, failed.process(body, "req"));

        JsonNode error = Json.mapper().readTree(store.object(RESULT)).get("error");
        assertEquals("INTERNAL", error.get("code").asText());
        assertEquals(expired ? FailedUploads.EXPIRED_MESSAGE : FailedUploads.MESSAGE, error.get("message").asText());
    }
}
