package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.testing.S3Env;
import dev.brainscan.testing.TestPaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The first S3 event after a simulated SnapStart restore, with the S3 path primed and with
 * the HTTP path only: each round starts fresh JVMs ({@link FirstS3EventAfterRestore}),
 * alternating the modes, against S3Proxy in this JVM on loopback. One round by default (the
 * suite only checks that both modes run and write the result); the figures in docs/benchmarks.md come
 * from {@code -Dpriming.rounds=7}.
 */
class PrimingLatencyIT {
    static final Pattern TIMES = Pattern.compile("FIRST_MS ([0-9.]+) SECOND_MS ([0-9.]+)");

    @RegisterExtension
    final S3ProxyExtension s3proxy = S3ProxyExtension.builder()
            .withCredentials(AuthenticationType.NONE, S3Env.ACCESS_KEY, S3Env.SECRET_KEY).build();

    @TempDir
    Path dir;

    @Test
    void firstS3EventAfterRestore_withAndWithoutS3Priming() throws Exception {
        var s3 = bucketWithScan();
        int rounds = Integer.getInteger("priming.rounds", 1);
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String mode : round % 2 == 0 ? List.of("http", "full") : List.of("full", "http")) {
                times.computeIfAbsent(mode, m -> new ArrayList<>()).add(run(mode));
            }
        }
        StringBuilder report = new StringBuilder("first S3 event after a simulated restore (" + rounds + " rounds):\n");
        times.forEach((mode, list) -> report.append(String.format(Locale.ROOT,
                "  priming %-4s first %s ms (median %.1f), second %s ms (median %.1f)%n", mode,
                times(list, 0), median(list, 0), times(list, 1), median(list, 1))));
        System.out.print(report);
        assertEquals(Map.of("http", rounds, "full", rounds),
                Map.of("http", times.get("http").size(), "full", times.get("full").size()));
        assertTrue(s3.headObject(b -> b.bucket("brainscan-local").key("results/ward 7/patient+1/Müller scan.jpg.json"))
                .contentLength() > 0);
        s3.close();
    }

    /**
     * The first request of every kind after a primed "restore", against the same request warm
     * (issue 17: within 2x). One round by default; the figures in docs/benchmarks.md come from
     * {@code -Dpriming.rounds=5}.
     */
    @Test
    void firstRequestOfEveryKind_afterPrimedRestore() throws Exception {
        var s3 = bucketWithScan();
        int rounds = Integer.getInteger("priming.rounds", 1);
        List<String> kinds = List.of("http", "heatmap", "dicom", "s3");
        Map<String, List<double[]>> times = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String kind : kinds) {
                times.computeIfAbsent(kind, k -> new ArrayList<>()).add(
                        run(FirstRequestAfterRestore.class.getName(), kind));
            }
        }
        StringBuilder report = new StringBuilder("first request of each kind after a primed restore (" + rounds
                + " rounds):\n");
        times.forEach((kind, list) -> report.append(String.format(Locale.ROOT,
                "  %-8s first %s ms (median %.1f), warm %s ms (median %.1f), ratio of medians %.2f%n", kind,
                times(list, 0), median(list, 0), times(list, 1), median(list, 1), median(list, 0) / median(list, 1))));
        System.out.print(report);
        assertEquals(kinds, List.copyOf(times.keySet()));
        s3.close();
    }

    /** The bucket both tests use, holding the scan the S3 event names. */
    software.amazon.awssdk.services.s3.S3Client bucketWithScan() throws java.io.IOException {
        var s3 = S3Env.client(s3proxy.getUri());
        s3.createBucket(b -> b.bucket("brainscan-local"));
        s3.putObject(b -> b.bucket("brainscan-local").key("scans/ward 7/patient+1/Müller scan.jpg"),
                RequestBody.fromBytes(Files.readAllBytes(TestPaths.events().resolve("scans/phantom-001-lesion.jpg"))));
        return s3;
    }

    static List<String> times(List<double[]> list, int i) {
        return list.stream().map(t -> String.format(Locale.ROOT, "%.1f", t[i])).toList();
    }

    static double median(List<double[]> list, int i) {
        double[] v = list.stream().mapToDouble(t -> t[i]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    double[] run(String mode) throws Exception {
        return run(FirstS3EventAfterRestore.class.getName(), mode);
    }

    double[] run(String mainClass, String mode) throws Exception {
        Path out = dir.resolve("run-" + mode + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"));
        // diagnostics, e.g. -Dpriming.jvmArgs=-Xlog:class+load (the log lands beside the timings)
        String extra = System.getProperty("priming.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, mode, s3proxy.getUri().toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        Process p = pb.start();
        assertEquals(0, p.waitFor(), Files.readString(out, StandardCharsets.UTF_8));
        // each child's output is kept for diagnosis (target/priming-logs/<main>-<mode>-<n>.log)
        Path kept = Files.createDirectories(Path.of("target", "priming-logs"));
        Files.copy(out, kept.resolve(mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-" + out.getFileName()),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Matcher m = TIMES.matcher(Files.readString(out, StandardCharsets.UTF_8));
        assertTrue(m.find(), Files.readString(out, StandardCharsets.UTF_8));
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }
}
