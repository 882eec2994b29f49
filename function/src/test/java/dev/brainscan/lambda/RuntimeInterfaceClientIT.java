package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.brainscan.core.result.Json;
import dev.brainscan.testing.Emf;
import dev.brainscan.testing.S3Env;
import dev.brainscan.testing.TestPaths;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The Lambda zip run as the java21 runtime runs it: the real runtime interface client
 * ({@code com.amazonaws:aws-lambda-java-runtime-interface-client}, its JNI client included)
 * in a fresh JVM whose working directory is the unpacked zip, loading the handler by its
 * template name, deserialising events and serialising responses with Lambda's own
 * serialisation library. The Runtime API is a small server here on loopback, S3 is S3Proxy
 * on loopback: nothing leaves the machine.
 */
class RuntimeInterfaceClientIT {
    static final String BUCKET = "brainscan-local";

    @RegisterExtension
    final S3ProxyExtension s3proxy = S3ProxyExtension.builder()
            .withCredentials(AuthenticationType.NONE, S3Env.ACCESS_KEY, S3Env.SECRET_KEY).build();

    @TempDir
    Path dir;

    S3Client direct;
    RuntimeApi api;
    Process process;
    Path log;
    byte[] scan;

    @BeforeEach
    void setUp() throws Exception {
        direct = S3Env.client(s3proxy.getUri());
        direct.createBucket(b -> b.bucket(BUCKET));
        api = new RuntimeApi();
        scan = Files.readAllBytes(TestPaths.events().resolve("scans/phantom-001-lesion.jpg"));
    }

    @AfterEach
    void tearDown() throws Exception {
        stop(process);
        api.close();
        direct.close();
    }

    /** Stops the function's process: politely, then by force after 10 s, and waits for it. */
    static void stop(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Telemetry and downloads off, DJL's cache in the task's tmp, a home nothing can write to. */
    static void offline(Map<String, String> env, Path dir) {
        env.put("OPT_OUT_TRACKING", "true");
        env.put("ORT_DISABLE_TELEMETRY", "1");
        env.put("DJL_OFFLINE", "true");
        env.put("DJL_CACHE_DIR", dir.resolve("tmp/djl-cache").toString());
        env.put("HOME", dir.resolve("readonly-home").toString());
    }

    /** The Lambda zip unpacked into {@code dir/task}, as Lambda lays out a function's code. */
    static Path unpackZip(Path dir) throws Exception {
        Path zip = TestPaths.repoRoot().resolve("function/target/brainscan-lambda.zip");
        assertTrue(Files.isRegularFile(zip), "build the zip first (mvn package)");
        Path task = Files.createDirectories(dir.resolve("task"));
        LambdaPackageIT.unzip(zip, task);
        return task;
    }

    /** The runtime interface client's jars (what the managed java21 runtime puts on the class path). */
    static List<String> runtimeClasspath() throws Exception {
        List<String> runtime = new ArrayList<>();
        for (String probe : List.of("com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                "com.amazonaws.services.lambda.runtime.serialization.PojoSerializer",
                "com.amazonaws.services.lambda.runtime.Context",
                "software.amazon.awssdk.utilslite.SdkInternalThreadLocal")) {
            runtime.add(Path.of(Class.forName(probe).getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return runtime;
    }

    /** Starts the runtime interface client on the unpacked zip with the template's handler string. */
    void start(String handler) throws Exception {
        Path task = unpackZip(dir);
        List<String> runtime = runtimeClasspath();
        log = dir.resolve("function.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                "-cp", String.join(File.pathSeparator, runtime),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", handler)
                .directory(task.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.port());
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("_HANDLER", handler);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "brainscan-test");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", S3Env.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3Env.SECRET_KEY);
        env.put("AWS_ENDPOINT_URL_S3", s3proxy.getUri().toString());
        env.put("INPUT_PREFIX", "scans/");
        env.put("RESULT_PREFIX", "results/");
        env.put("LOG_OBJECT_KEYS", "false");
        offline(env, dir);
        process = pb.start();
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    void put(String key, byte[] bytes) {
        direct.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
    }

    List<String> keys(String prefix) {
        return direct.listObjectsV2(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key)
                .sorted().toList();
    }

    /** One S3 Batch Operations invocation (schema 2.0, one task), as the service sends it. */
    static String batchEvent(String taskId, String key) {
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("invocationSchemaVersion", "2.0");
        event.put("invocationId", "inv-" + taskId);
        event.putObject("job").put("id", "job-1").putObject("userArguments");
        ArrayNode tasks = event.putArray("tasks");
        ObjectNode task = tasks.addObject();
        task.put("taskId", taskId);
        task.put("s3Key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/").replace("+", "%20"));
        task.putNull("s3VersionId");
        task.put("s3Bucket", BUCKET);
        return event.toString();
    }

    @Test
    void batchJobOfMixedKeys_getsA2Point0ResponsePerTaskAndOneResultObjectPerKey() throws Exception {
        put("scans/ward7/p12.jpg", scan);
        put("scans/ward 7/patient+1/Müller scan.jpg", scan);
        put("scans/ward7/notes.txt", "not a scan".getBytes(StandardCharsets.UTF_8));
        Map<String, String> keyOf = new LinkedHashMap<>();
        keyOf.put("t-scan", "scans/ward7/p12.jpg");
        keyOf.put("t-special", "scans/ward 7/patient+1/Müller scan.jpg");
        keyOf.put("t-text", "scans/ward7/notes.txt");
        keyOf.put("t-deleted", "scans/ward7/gone.jpg");
        keyOf.put("t-outside", "results/ward7/p12.jpg.json");
        start("dev.brainscan.lambda.BackfillHandler::handleRequest");

        Map<String, JsonNode> responses = new LinkedHashMap<>();
        for (Map.Entry<String, String> task : keyOf.entrySet()) {
            String body = api.invoke(task.getKey(), batchEvent(task.getKey(), task.getValue()), 120, this::log);
            responses.put(task.getKey(), Json.mapper().readTree(body));
        }

        Map<String, String> codes = new LinkedHashMap<>();
        responses.forEach((taskId, response) -> {
            assertEquals("2.0", response.get("invocationSchemaVersion").asText(), response.toString());
            assertEquals("inv-" + taskId, response.get("invocationId").asText());
            assertEquals(1, response.get("results").size(), response.toString());
            JsonNode result = response.get("results").get(0);
            assertEquals(taskId, result.get("taskId").asText());
            codes.put(taskId, result.get("resultCode").asText());
        });
        assertEquals(Map.of("t-scan", "Succeeded", "t-special", "Succeeded", "t-text", "Succeeded",
                "t-deleted", "Succeeded", "t-outside", "PermanentFailure"), codes);
        assertEquals(List.of("results/ward 7/patient+1/Müller scan.jpg.json", "results/ward7/gone.jpg.json",
                "results/ward7/notes.txt.json", "results/ward7/p12.jpg.json"), keys("results/"));
        List<JsonNode> emf = Emf.lines(log());
        assertEquals(4, emf.size(), log());
        emf.forEach(line -> assertEquals("batch", line.get("Channel").asText()));
        assertFalse(log().contains("Müller"), "keys are hashed in the logs");
    }

    @Test
    void uploadFunction_writesResultsAndLogsValidEmfLines() throws Exception {
        put("scans/ward 7/patient+1/Müller scan.jpg", scan);
        put("scans/ward7/p12.jpg", scan);
        put("scans/ward7/notes.txt", "not a scan".getBytes(StandardCharsets.UTF_8));
        start("dev.brainscan.lambda.ClassifyUploadHandler::handleRequest");

        for (String event : List.of("s3-put.json", "s3-two-records.json")) {
            String body = api.invoke(event, Files.readString(TestPaths.events().resolve(event)), 120, this::log);
            assertEquals("null", body.strip(), "the S3 handler returns nothing");
        }

        assertEquals(List.of("results/ward 7/patient+1/Müller scan.jpg.json", "results/ward7/notes.txt.json",
                "results/ward7/p12.jpg.json"), keys("results/"));
        List<JsonNode> emf = Emf.lines(log());
        assertEquals(3, emf.size(), log());
        assertEquals(List.of("OK", "OK", "UNSUPPORTED_FORMAT"), emf.stream().map(l -> l.get("Code").asText()).toList());
        emf.forEach(line -> assertEquals("s3", line.get("Channel").asText()));
        assertNotNull(emf.getFirst().get("Score"));
        assertFalse(log().contains("Müller"), "keys are hashed in the logs");
    }

    /** A Lambda Runtime API (2018-06-01) on loopback: hands out queued events, collects responses. */
    static final class RuntimeApi implements AutoCloseable {
        record Invocation(String id, String body) {
        }

        private final HttpServer server;
        private final BlockingQueue<Invocation> pending = new LinkedBlockingQueue<>();
        private final Map<String, BlockingQueue<String>> answers = new ConcurrentHashMap<>();
        final List<String> initErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

        RuntimeApi() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "runtime-api");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/2018-06-01/runtime/", this::handle);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        /** Queues one event and waits for the function's response (or error) body. */
        String invoke(String id, String event, int timeoutSeconds, java.util.concurrent.Callable<String> log)
                throws Exception {
            BlockingQueue<String> answer = new LinkedBlockingQueue<>();
            answers.put(id, answer);
            pending.put(new Invocation(id, event));
            String body = answer.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (body == null) {
                throw new AssertionError("no response to " + id + " in " + timeoutSeconds + " s; init errors "
                        + initErrors + "; function log:\n" + log.call());
            }
            if (body.startsWith("ERROR ")) {
                throw new AssertionError("the function failed " + id + ": " + body + "\n" + log.call());
            }
            return body;
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                byte[] request = ex.getRequestBody().readAllBytes();
                if (ex.getRequestMethod().equals("GET") && path.endsWith("/invocation/next")) {
                    Invocation next = pending.take();
                    ex.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", next.id());
                    ex.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms",
                            Long.toString(System.currentTimeMillis() + 300_000));
                    ex.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn",
                            "arn:aws:lambda:us-east-1:123456789012:function:brainscan-test:live");
                    ex.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000");
                    ex.getResponseHeaders().add("Content-Type", "application/json");
                    byte[] body = next.body().getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                    return;
                }
                String text = new String(request, StandardCharsets.UTF_8);
                String[] parts = path.split("/");
                if (path.contains("/invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
                    String id = parts[parts.length - 2];
                    BlockingQueue<String> answer = answers.get(id);
                    if (answer != null) {
                        answer.add(path.endsWith("/error") ? "ERROR " + text : text);
                    }
                } else if (path.endsWith("/init/error")) {
                    initErrors.add(text);
                }
                ex.sendResponseHeaders(202, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
