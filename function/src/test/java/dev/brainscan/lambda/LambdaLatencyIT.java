package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.testing.S3Env;
import dev.brainscan.testing.TestPaths;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serverless path measured as users pay for it (issue 30): the HTTP API function's warm
 * request latency, p50 and p99, through the real Lambda runtime interface client (the zip's
 * {@code ServeApiRequestHandler} loaded by {@code AWSLambda} from the unpacked zip, events and
 * responses through Lambda's serialisation library, the Runtime API a server on loopback, as in
 * {@link RuntimeInterfaceClientIT}), in a JVM given the template's 1024 MB: the java21 runtime's
 * defaults (C1 only, serial GC), {@code -XX:MaxRAM=1024m}, and, where this machine lets the test
 * make a cgroup (v1, as root), a CPU quota of 1024/1769 of a core (Lambda gives a full vCPU at
 * 1,769 MB) over 100 ms periods and a 1024 MB memory limit; elsewhere it runs unthrottled on one
 * processor and says so. A request is timed from the event's hand-off to the response's arrival
 * at the Runtime API: the function's billed duration plus two loopback hops.
 *
 * <p>And the first request after a SnapStart restore, approximated: no CRaC JVM is available
 * here, so {@link FirstRequestAfterRestore} builds and primes the app in a fresh JVM (under the
 * same flags and cgroup) and times the first POST /classify after priming, as the snapshot would
 * serve it; the restore's own cost (Lambda resuming the snapshot and paging its memory in) is
 * not in it.
 *
 * <p>By default a short run (the suite checks that every request is answered 200); the figures
 * in docs/benchmarks.md come from {@code -Dlambda.requests=400 -Dlambda.restoreRounds=5}.
 */
class LambdaLatencyIT {
    static final String HANDLER = "dev.brainscan.lambda.ServeApiRequestHandler::handleRequest";
    /** The template's MemorySize, and the memory at which Lambda gives one full vCPU. */
    static final int MEMORY_MB = 1024;
    static final int FULL_VCPU_MB = 1769;
    static final int PERIOD_US = 100_000;

    static {
        // the JDK's HTTP server leaves Nagle's algorithm on: its header and body writes then wait
        // for the client's delayed ACK (about 40 ms a request), a cost of this harness, not of
        // Lambda. Read once per JVM: failsafe sets it for the whole run (function/pom.xml); this
        // covers a run of this class alone elsewhere.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    @TempDir
    Path dir;

    RuntimeInterfaceClientIT.RuntimeApi api;
    Process process;
    Path log;
    CpuShare share;
    /** The results' own {@code timingsMs.total}: the classification inside the handler. */
    final List<Double> classifyMs = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        RuntimeInterfaceClientIT.stop(process);
        if (api != null) {
            api.close();
        }
        if (share != null) {
            share.close();
        }
    }

    /** The java21 runtime's JVM defaults at the template's memory size. */
    static List<String> lambdaJvm() {
        return List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:MaxRAM=" + MEMORY_MB + "m", "-XX:ActiveProcessorCount=1");
    }

    @Test
    void warmRequestsThroughTheRuntimeInterface_andTheFirstRequestAfterAPrimedRestore() throws Exception {
        int warmup = Integer.getInteger("lambda.warmup", 40);
        int requests = Integer.getInteger("lambda.requests", 20);
        int gapMs = Integer.getInteger("lambda.gapMs", 100);
        int restoreRounds = Integer.getInteger("lambda.restoreRounds", 1);
        List<String> events = events();
        share = CpuShare.create("brainscan-lambda-" + ProcessHandle.current().pid(),
                (double) MEMORY_MB / FULL_VCPU_MB, (long) MEMORY_MB << 20);

        start();
        for (int i = 0; i < warmup; i++) {
            request(events.get(i % events.size()), "w" + i);
        }
        classifyMs.clear();
        double[] backToBack = new double[requests];
        for (int i = 0; i < requests; i++) {
            backToBack[i] = request(events.get(i % events.size()), "b" + i);
        }
        double[] paced = new double[requests];
        for (int i = 0; i < requests; i++) {
            Thread.sleep(gapMs);
            paced[i] = request(events.get(i % events.size()), "p" + i);
        }
        String throttled = share == null ? "" : share.throttling();

        List<double[]> restores = new ArrayList<>();
        for (int r = 0; r < restoreRounds; r++) {
            restores.add(firstRequestAfterRestore());
        }

        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "Lambda, HTTP API function (POST /classify, %d scans from %s), %d MB: %s; load average %.1f%n",
                events.size(), scansLabel(), MEMORY_MB, share == null
                        ? "unthrottled, one processor (no writable cgroup v1 here)"
                        : String.format(Locale.ROOT, "CPU quota %.3f of a core per %d ms, memory limit %d MB",
                        (double) MEMORY_MB / FULL_VCPU_MB, PERIOD_US / 1000, MEMORY_MB),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        report.append(String.format(Locale.ROOT, "  warm, through the runtime interface client, after %d requests:%n",
                warmup));
        report.append(line("back to back", backToBack));
        report.append(line("one every " + gapMs + " ms", paced));
        report.append(line("(timingsMs.total)", classifyMs.stream().mapToDouble(Double::doubleValue).toArray()));
        if (!throttled.isEmpty()) {
            report.append("  cgroup: ").append(throttled).append('\n');
        }
        double[] first = restores.stream().mapToDouble(t -> t[0]).sorted().toArray();
        double[] second = restores.stream().mapToDouble(t -> t[1]).sorted().toArray();
        report.append(String.format(Locale.ROOT, "  first POST /classify after a primed restore (fresh JVM, priming"
                        + " as beforeCheckpoint, no CRaC), %d rounds: median %.1f ms (%.1f-%.1f), the same request"
                        + " again %.1f ms%n", restoreRounds, percentile(first, 50), first[0], first[first.length - 1],
                percentile(second, 50)));
        System.out.print(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "lambda-latency.txt"), report);
        assertEquals(restoreRounds, restores.size());
    }

    static String line(String label, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "    %-18s %4d requests: p50 %6.1f ms, p90 %6.1f, p99 %6.1f, max %6.1f%n",
                label, s.length, percentile(s, 50), percentile(s, 90), percentile(s, 99), s[s.length - 1]);
    }

    /** The nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static String scansLabel() {
        String dir = System.getProperty("lambda.scans");
        return dir == null ? "events/scans" : dir;
    }

    /** POST /classify events (API Gateway payload 2.0, as events/http-classify-jpeg.json) for each scan. */
    static List<String> events() throws IOException {
        Path folder = System.getProperty("lambda.scans") == null ? TestPaths.events().resolve("scans")
                : Path.of(System.getProperty("lambda.scans"));
        JsonNode template = Json.mapper().readTree(TestPaths.events().resolve("http-classify-jpeg.json").toFile());
        List<String> events = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path scan : files.sorted().toList()) {
                ObjectNode event = template.deepCopy();
                event.put("body", Base64.getEncoder().encodeToString(Files.readAllBytes(scan)));
                events.add(event.toString());
            }
        }
        assertTrue(!events.isEmpty(), "no scans in " + folder);
        return events;
    }

    /** One request through the runtime interface client; its latency in ms. */
    double request(String event, String id) throws Exception {
        long t0 = System.nanoTime();
        String body = api.invoke(id, event, 120, this::log);
        double ms = (System.nanoTime() - t0) / 1e6;
        JsonNode response = Json.mapper().readTree(body);
        assertEquals(200, response.get("statusCode").asInt(), body.length() > 600 ? body.substring(0, 600) : body);
        JsonNode result = Json.mapper().readTree(response.get("body").asText());
        classifyMs.add(result.path("timingsMs").path("total").asDouble());
        return ms;
    }

    String log() throws IOException {
        return log != null && Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The runtime interface client on the unpacked zip, under the Lambda JVM flags and the cgroup. */
    void start() throws Exception {
        api = new RuntimeInterfaceClientIT.RuntimeApi();
        Path task = RuntimeInterfaceClientIT.unpackZip(dir);
        List<String> runtime = RuntimeInterfaceClientIT.runtimeClasspath();
        log = dir.resolve("function.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(lambdaJvm());
        command.addAll(List.of("-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                "-cp", String.join(File.pathSeparator, runtime),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", HANDLER));
        ProcessBuilder pb = new ProcessBuilder(command).directory(task.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.port());
        env.put("LAMBDA_TASK_ROOT", task.toString());
        env.put("_HANDLER", HANDLER);
        env.put("AWS_LAMBDA_FUNCTION_NAME", "brainscan-latency");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(MEMORY_MB));
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", S3Env.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3Env.SECRET_KEY);
        env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9"); // POST /classify reads no S3
        env.put("BUCKET", "brainscan-local");
        RuntimeInterfaceClientIT.offline(env, dir);
        process = pb.start();
        if (share != null) {
            share.add(process.pid());
        }
    }

    /** {@link FirstRequestAfterRestore} "http" in a fresh JVM under the same flags and cgroup: first and second request, ms. */
    double[] firstRequestAfterRestore() throws Exception {
        Path out = dir.resolve("restore-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(lambdaJvm());
        command.addAll(List.of("-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-cp",
                System.getProperty("java.class.path"), FirstRequestAfterRestore.class.getName(), "http",
                "http://127.0.0.1:9"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        if (share != null) {
            share.add(p.pid());
        }
        assertEquals(0, p.waitFor(), Files.readString(out, StandardCharsets.UTF_8));
        Matcher m = PrimingLatencyIT.TIMES.matcher(Files.readString(out, StandardCharsets.UTF_8));
        assertTrue(m.find(), Files.readString(out, StandardCharsets.UTF_8));
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    /**
     * A cgroup (v1) with a CPU quota and a memory limit for the child JVMs, or null where this
     * process cannot make one (not root, cgroup v2, a read-only /sys/fs/cgroup).
     */
    static final class CpuShare implements AutoCloseable {
        private final Path cpu;
        private final Path memory;

        private CpuShare(Path cpu, Path memory) {
            this.cpu = cpu;
            this.memory = memory;
        }

        static CpuShare create(String name, double cores, long memoryBytes) {
            Path cpu = Path.of("/sys/fs/cgroup/cpu", name);
            Path memory = Path.of("/sys/fs/cgroup/memory", name);
            if (!Files.isWritable(Path.of("/sys/fs/cgroup/cpu")) || !Files.isWritable(Path.of("/sys/fs/cgroup/memory"))) {
                return null;
            }
            try {
                Files.createDirectories(cpu);
                Files.createDirectories(memory);
                Files.writeString(cpu.resolve("cpu.cfs_period_us"), Integer.toString(PERIOD_US));
                Files.writeString(cpu.resolve("cpu.cfs_quota_us"), Long.toString(Math.round(cores * PERIOD_US)));
                Files.writeString(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
                return new CpuShare(cpu, memory);
            } catch (IOException | RuntimeException e) {
                new CpuShare(cpu, memory).close();
                return null;
            }
        }

        void add(long pid) throws IOException {
            Files.writeString(cpu.resolve("cgroup.procs"), Long.toString(pid));
            Files.writeString(memory.resolve("cgroup.procs"), Long.toString(pid));
        }

        /** The quota's effect so far: periods, throttled periods, throttled time. */
        String throttling() {
            try {
                Map<String, String> stat = new java.util.HashMap<>();
                for (String line : Files.readAllLines(cpu.resolve("cpu.stat"))) {
                    String[] kv = line.split(" ");
                    stat.put(kv[0], kv[1]);
                }
                return String.format(Locale.ROOT, "%s of %s periods throttled, %.0f ms in all",
                        stat.get("nr_throttled"), stat.get("nr_periods"), Long.parseLong(stat.get("throttled_time")) / 1e6);
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }

        @Override
        public void close() {
            for (Path p : List.of(cpu, memory)) {
                try {
                    Files.deleteIfExists(p); // rmdir: the cgroup's processes have ended
                } catch (IOException e) {
                    // a process still in it; the kernel frees the cgroup once it is gone and removed
                }
            }
        }
    }
}
