package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.S3BatchEventV2;
import com.amazonaws.services.lambda.runtime.events.S3BatchResponse.ResultCode;
import com.amazonaws.services.lambda.runtime.events.S3BatchResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.log.ScanLog;
import dev.brainscan.log.ScanMetrics;
import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.store.S3ObjectStore;
import dev.brainscan.testing.Emf;
import dev.brainscan.testing.Events;
import dev.brainscan.testing.FaultProxy;
import dev.brainscan.testing.S3Env;
import dev.brainscan.testing.TestModels;
import dev.brainscan.testing.TestPaths;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 Batch Operations backfill (schema 2.0) against S3Proxy on loopback: a job over mixed
 * keys gets one result per task with the contract's result codes and one result object per
 * key; storage failures injected in front of the server give TemporaryFailure (transient) or
 * PermanentFailure (nothing can be written). The handlers' EMF lines are valid.
 */
class S3BatchBackfillIT {
    static final String BUCKET = "brainscan-local";

    @RegisterExtension
    final S3ProxyExtension s3proxy = S3ProxyExtension.builder()
            .withCredentials(AuthenticationType.NONE, S3Env.ACCESS_KEY, S3Env.SECRET_KEY).build();

    S3Client direct;
    FaultProxy faults;
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    byte[] scan;

    @BeforeEach
    void bucket() throws Exception {
        direct = S3Env.client(s3proxy.getUri());
        direct.createBucket(b -> b.bucket(BUCKET));
        faults = new FaultProxy(s3proxy.getUri());
        scan = Files.readAllBytes(TestPaths.events().resolve("scans/phantom-001-lesion.jpg"));
    }

    @AfterEach
    void close() {
        faults.close();
        direct.close();
    }

    UploadProcessor processor(URI endpoint) {
        PrintStream out = new PrintStream(logs, true, StandardCharsets.UTF_8);
        return new UploadProcessor(TestModels.classifier(), new S3ObjectStore(S3Env.client(endpoint)), "scans/",
                "results/", new ScanLog(out, false, ScanMetrics.emf(out)), false);
    }

    void put(String key, byte[] bytes) {
        direct.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    JsonNode result(String key) throws Exception {
        return Json.mapper().readTree(direct.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
    }

    List<String> keys(String prefix) {
        return direct.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key)
                .sorted().toList();
    }

    /** A schema 2.0 event as Batch Operations sends it: bucket by name, keys URL-encoded. */
    static S3BatchEventV2 job(List<String> keys) {
        List<S3BatchEventV2.Task> tasks = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            tasks.add(S3BatchEventV2.Task.builder().withTaskId("task-" + i).withS3Bucket(BUCKET)
                    .withS3Key(URLEncoder.encode(keys.get(i), StandardCharsets.UTF_8).replace("%2F", "/")).build());
        }
        return S3BatchEventV2.builder().withInvocationSchemaVersion("2.0").withInvocationId("inv-1")
                .withJob(S3BatchEventV2.Job.builder().withId("job-1").withUserArguments(Map.of()).build())
                .withTasks(tasks).build();
    }

    static Map<String, S3BatchResponse.Result> byTask(S3BatchResponse response) {
        Map<String, S3BatchResponse.Result> m = new LinkedHashMap<>();
        response.getResults().forEach(r -> m.put(r.getTaskId(), r));
        return m;
    }

    @Test
    void jobOfMixedKeys_getsOneResultPerTaskAndOneResultObjectPerKey() throws Exception {
        put("scans/ward7/p12.jpg", scan);
        put("scans/ward 7/patient+1/Müller scan.jpg", scan);
        put("scans/ward7/notes.txt", "not a scan".getBytes(StandardCharsets.UTF_8));
        put("results/ward7/old.jpg.json", "{}".getBytes(StandardCharsets.UTF_8));
        List<String> keys = List.of("scans/ward7/p12.jpg", "scans/ward 7/patient+1/Müller scan.jpg",
                "scans/ward7/notes.txt", "scans/ward7/deleted.jpg", "results/ward7/old.jpg.json");

        S3BatchResponse response = new BackfillHandler(processor(s3proxy.getUri())).handleRequest(job(keys), null);

        assertEquals("2.0", response.getInvocationSchemaVersion());
        assertEquals("inv-1", response.getInvocationId());
        Map<String, S3BatchResponse.Result> results = byTask(response);
        assertEquals(List.of("task-0", "task-1", "task-2", "task-3", "task-4"), List.copyOf(results.keySet()));
        assertEquals(List.of(ResultCode.Succeeded, ResultCode.Succeeded, ResultCode.Succeeded, ResultCode.Succeeded,
                ResultCode.PermanentFailure), results.values().stream().map(S3BatchResponse.Result::getResultCode).toList());
        assertEquals(List.of("results/ward 7/patient+1/Müller scan.jpg.json", "results/ward7/deleted.jpg.json",
                "results/ward7/notes.txt.json", "results/ward7/old.jpg.json", "results/ward7/p12.jpg.json"),
                keys("results/"), "one result object per scan key, nothing for the key outside the prefix");
        assertTrue(result("results/ward7/p12.jpg.json").has("label"));
        assertEquals("UNSUPPORTED_FORMAT", result("results/ward7/notes.txt.json").get("error").get("code").asText());
        assertEquals("NOT_FOUND", result("results/ward7/deleted.jpg.json").get("error").get("code").asText());
        for (S3BatchResponse.Result r : results.values()) {
            assertFalse(r.getResultString().contains("ward") || r.getResultString().contains("Müller"),
                    "the completion report gets no key from us: " + r.getResultString());
        }
        List<JsonNode> emf = Emf.lines(logs.toString(StandardCharsets.UTF_8));
        assertEquals(4, emf.size(), "one metric line per scan");
        emf.forEach(line -> assertEquals("batch", line.get("Channel").asText()));
    }

    @Test
    void sampleEvent_isReadAsTheRuntimeReadsItAndItsKeyDecoded() throws Exception {
        put("scans/ward 7/patient+1/Müller scan.jpg", scan);
        S3BatchEventV2 event = EventLoader.loadS3BatchEventV2(TestPaths.events().resolve("s3-batch.json").toString());

        S3BatchResponse response = new BackfillHandler(processor(s3proxy.getUri())).handleRequest(event, null);

        assertEquals(1, response.getResults().size());
        assertEquals(event.getTasks().getFirst().getTaskId(), response.getResults().getFirst().getTaskId());
        assertEquals(ResultCode.Succeeded, response.getResults().getFirst().getResultCode());
        assertTrue(result("results/ward 7/patient+1/Müller scan.jpg.json").has("label"));
    }

    @Test
    void transientStorageFailure_isATemporaryFailureAndWritesNothing() {
        put("scans/ward7/p12.jpg", scan);
        faults.fail((method, path) -> method.equals("GET") && path.contains("/scans/"), 503, "SlowDown");

        S3BatchResponse response = new BackfillHandler(processor(faults.uri()))
                .handleRequest(job(List.of("scans/ward7/p12.jpg")), null);

        assertEquals(ResultCode.TemporaryFailure, response.getResults().getFirst().getResultCode());
        assertEquals(List.of(), keys("results/"));
        assertEquals("RETRY", Emf.lines(logs.toString(StandardCharsets.UTF_8)).getFirst().get("Code").asText());
    }

    @Test
    void resultThatCannotBeWritten_isAPermanentFailure_anErrorResultASuccess() throws Exception {
        put("scans/ward7/p12.jpg", scan);
        put("scans/ward7/q.jpg", scan);
        // Reading q is denied (an INTERNAL error result is still written); writing p12's result is denied.
        faults.fail((method, path) -> method.equals("GET") && path.endsWith("/scans/ward7/q.jpg"), 403, "AccessDenied");
        faults.fail((method, path) -> method.equals("PUT") && path.contains("/results/ward7/p12"), 403, "AccessDenied");

        S3BatchResponse response = new BackfillHandler(processor(faults.uri()))
                .handleRequest(job(List.of("scans/ward7/p12.jpg", "scans/ward7/q.jpg")), null);

        Map<String, S3BatchResponse.Result> results = byTask(response);
        assertEquals(ResultCode.PermanentFailure, results.get("task-0").getResultCode());
        assertEquals(ResultCode.Succeeded, results.get("task-1").getResultCode());
        assertEquals(List.of("results/ward7/q.jpg.json"), keys("results/"));
        assertEquals("INTERNAL", result("results/ward7/q.jpg.json").get("error").get("code").asText());
    }

    @Test
    void schemaOneTask_withoutABucketName_isAPermanentFailureNamingTheSchema() {
        S3BatchEventV2 event = job(List.of("scans/ward7/p12.jpg"));
        event.setInvocationSchemaVersion("1.0");
        event.getTasks().getFirst().setS3Bucket(null);

        S3BatchResponse response = new BackfillHandler(processor(s3proxy.getUri())).handleRequest(event, null);

        assertEquals("1.0", response.getInvocationSchemaVersion());
        assertEquals(ResultCode.PermanentFailure, response.getResults().getFirst().getResultCode());
        assertTrue(response.getResults().getFirst().getResultString().contains("2.0"));
    }

    @Test
    void uploadHandler_logsValidEmfLinesForEachScan() {
        put("scans/ward 7/patient+1/Müller scan.jpg", scan);

        new ClassifyUploadHandler(processor(s3proxy.getUri())).handleRequest(Events.s3("s3-put.json"), null);

        List<JsonNode> emf = Emf.lines(logs.toString(StandardCharsets.UTF_8));
        assertEquals(1, emf.size());
        assertEquals("s3", emf.getFirst().get("Channel").asText());
        assertEquals("OK", emf.getFirst().get("Code").asText());
        assertTrue(emf.getFirst().has("Score") && emf.getFirst().has("RiskTier"));
        assertFalse(emf.getFirst().toString().contains("Müller"));
    }
}
