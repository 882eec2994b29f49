package dev.brainscan.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.brainscan.config.Config;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.BrainCropper;
import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.phantom.Phantom;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;

/**
 * {@code bench}: the figures of the performance issue from one run, so that ratios compare
 * numbers taken on the same machine at the same time. Per-stage medians and p90 at one
 * thread, end-to-end per scan, throughput at 1 and 2 threads, the floor (JPEG decode alone,
 * inference on a ready tensor through DJL and through the raw ONNX Runtime API), fresh-process
 * start-up to the first result with its breakdown, peak RSS, and the Lambda zip size.
 */
final class BenchCommand implements Main.Command {
    static final Cli.Spec SPEC = new Cli.Spec("bench",
            List.of("Benchmark the pipeline and print medians, p90 and ratios.",
                    "Scans: the given files/folders, or generated phantoms when none are given."),
            Cli.withModelOptions(
                    new Cli.Option("--scans", "N", "Scans used (default: 48)."),
                    new Cli.Option("--rounds", "N", "Timed passes over the scans (default: 5)."),
                    new Cli.Option("--init-runs", "N", "Fresh processes timed (default: 5; 0 skips)."),
                    new Cli.Option("--json", null, "Also print every figure as one JSON object.")),
            "PATH", "Scans to time (default: generated phantoms).", 0, List.of());

    final ModelOptions model;
    final List<String> paths;
    final int scans;
    final int rounds;
    final int initRuns;
    final boolean json;

    BenchCommand(Cli.Parsed p) {
        model = new ModelOptions(p);
        paths = List.copyOf(p.operands());
        scans = p.integer("--scans", 48);
        rounds = p.integer("--rounds", 5);
        initRuns = p.integer("--init-runs", 5);
        json = p.flag("--json");
    }

    private final Map<String, Object> figures = new LinkedHashMap<>();
    private Config config;

    @Override
    public int run(PrintWriter out, PrintWriter err) throws Exception {
        if (scans < 1 || rounds < 1 || initRuns < 0) {
            throw new Cli.UsageException("--scans and --rounds must be >= 1, --init-runs >= 0");
        }
        List<byte[]> inputs = inputs();
        out.printf(Locale.ROOT, "brainscan bench: %d scans x %d rounds, %d cores, %s %s%n", inputs.size(), rounds,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        config = model.config();
        try (ScanClassifier classifier = ModelOptions.classifier(config)) {
            for (int i = 0; i < inputs.size(); i++) {
                ScanResult r = classifier.classify(inputs.get(i), "check", Map.of());
                if (r.failed()) {
                    // bench times scans that classify; a file that does not is named with the reason
                    err.println("brainscan: bench: " + inputNames.get(i) + " cannot be classified ("
                            + r.error().code() + ": " + r.error().message()
                            + "); bench times scans that classify: leave it out, or name other files");
                    return Main.USAGE;
                }
            }
            for (int warm = 0; warm < 3; warm++) {
                for (byte[] b : inputs) {
                    Json.write(classifier.classify(b, "warm-up", Map.of()));
                }
            }
            stagesAndFloor(out, classifier, inputs);
            throughput(out, classifier, inputs);
        }
        startup(out);
        packageSize(out);
        if (json) {
            out.println(Json.write(figures));
        }
        return 0;
    }

    /** The name of each of {@link #inputs()}'s scans, in order (for messages). */
    private final List<String> inputNames = new ArrayList<>();

    private List<byte[]> inputs() throws IOException {
        List<byte[]> out = new ArrayList<>();
        if (paths.isEmpty()) {
            for (int i = 0; i < scans; i++) {
                int size = 224 + (i % 4) * 96; // 224, 320, 416, 512: the dataset's common sizes
                out.add(Phantom.jpeg(7000 + i, size, size, i % 2 == 0));
                inputNames.add("phantom " + i);
            }
            figures.put("inputs", "generated phantoms (JPEG, 224-512 px)");
            return out;
        }
        for (ScanInputs.ScanInput in : ScanInputs.expand(paths)) {
            if (in.path() != null && out.size() < scans) {
                out.add(Files.readAllBytes(in.path()));
                inputNames.add(in.name());
            }
        }
        if (out.isEmpty()) {
            throw new Cli.UsageException("no readable files in " + paths);
        }
        figures.put("inputs", paths.toString());
        return out;
    }

    /**
     * Per-stage medians and p90 at one thread, the end-to-end time per scan (JSON included),
     * and the floor, interleaved scan by scan so that drift in the machine's load hits the
     * pipeline and the floor alike: JPEG decode alone (ImageIO), inference on a ready tensor
     * through DJL and through the raw ONNX Runtime API.
     */
    private void stagesAndFloor(PrintWriter out, ScanClassifier classifier, List<byte[]> inputs) throws Exception {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (String s : List.of("decode", "crop", "resize", "inference", "json", "endToEnd", "floorDecode",
                "floorDjl", "floorRaw")) {
            samples.put(s, new ArrayList<>());
        }
        int h = classifier.manifest().input().height();
        int w = classifier.manifest().input().width();
        ImageDecoder decoder = new ImageDecoder(classifier.limits());
        var first = decoder.decode(inputs.get(0));
        float[] tensor = classifier.model().translator().tensor(
                first.crop(new BrainCropper(classifier.manifest().cropParameters()).find(first).box()));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] onnx = config.modelDir().map(ModelSource::directory).orElseGet(ModelSource::bundled).onnx();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(onnx, options)) {
                for (int warm = 0; warm < 100; warm++) {
                    rawRun(env, session, tensor, h, w);
                    classifier.model().predictTensor(tensor);
                }
                for (int r = 0; r < rounds; r++) {
                    for (byte[] b : inputs) {
                        long s0 = System.nanoTime();
                        ImageIO.read(new java.io.ByteArrayInputStream(b));
                        long s1 = System.nanoTime();
                        rawRun(env, session, tensor, h, w);
                        long s2 = System.nanoTime();
                        classifier.model().predictTensor(tensor);
                        long s3 = System.nanoTime();
                        ScanResult result = classifier.classify(b, "bench", Map.of());
                        long s4 = System.nanoTime();
                        Json.write(result);
                        long s5 = System.nanoTime();
                        samples.get("floorDecode").add((s1 - s0) / 1e6);
                        samples.get("floorRaw").add((s2 - s1) / 1e6);
                        samples.get("floorDjl").add((s3 - s2) / 1e6);
                        if (result.failed()) {
                            continue;
                        }
                        result.timingsMs().forEach((k, v) -> {
                            if (samples.containsKey(k)) {
                                samples.get(k).add(v);
                            }
                        });
                        samples.get("json").add((s5 - s4) / 1e6);
                        samples.get("endToEnd").add((s5 - s3) / 1e6);
                    }
                }
            }
        }
        out.println();
        out.println("Per scan, 1 thread (ms)             median      p90");
        Map<String, Object> stageFigures = new LinkedHashMap<>();
        for (String stage : List.of("decode", "crop", "resize", "inference", "json", "endToEnd")) {
            List<Double> v = samples.get(stage);
            String label = switch (stage) {
                case "crop" -> "crop (+ plausibility check)";
                case "resize" -> "resize + normalise";
                case "endToEnd" -> "end to end";
                default -> stage;
            };
            out.printf(Locale.ROOT, "  %-32s %8.2f %8.2f%n", label, percentile(v, 50), percentile(v, 90));
            stageFigures.put(stage, Map.of("median", round(percentile(v, 50)), "p90", round(percentile(v, 90))));
        }
        figures.put("stagesMs", stageFigures);
        double decode = percentile(samples.get("floorDecode"), 50);
        double raw = percentile(samples.get("floorRaw"), 50);
        double djl = percentile(samples.get("floorDjl"), 50);
        double floor = decode + raw;
        double e2e = percentile(samples.get("endToEnd"), 50);
        out.println();
        out.println("Floor, interleaved with the above   median      p90");
        out.printf(Locale.ROOT, "  %-32s %8.2f %8.2f%n", "JPEG decode alone (ImageIO)", decode, percentile(samples.get("floorDecode"), 90));
        out.printf(Locale.ROOT, "  %-32s %8.2f %8.2f%n", "inference, ready tensor, DJL", djl, percentile(samples.get("floorDjl"), 90));
        out.printf(Locale.ROOT, "  %-32s %8.2f %8.2f%n", "inference, ready tensor, raw ORT", raw, percentile(samples.get("floorRaw"), 90));
        out.printf(Locale.ROOT, "  floor = decode + raw inference     %8.2f%n", floor);
        out.printf(Locale.ROOT, "  end to end / floor                 %8.2fx  (target <= 2.0x)%n", e2e / floor);
        figures.put("floorMs", Map.of("decode", round(decode), "inferenceDjl", round(djl), "inferenceRawOrt", round(raw),
                "floor", round(floor)));
        figures.put("endToEndOverFloor", round(e2e / floor));
    }

    private static Object rawRun(OrtEnvironment env, OrtSession session, float[] tensor, int h, int w) {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(tensor), new long[] {1, 3, h, w});
             OrtSession.Result r = session.run(Map.of("image", t))) {
            return ((float[][]) r.get(0).getValue())[0][0];
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Scans per second through the whole pipeline (JSON included) at 1 and 2 threads,
     * alternated twice so that drift in the machine's load affects both alike.
     */
    private void throughput(PrintWriter out, ScanClassifier classifier, List<byte[]> inputs) throws Exception {
        double one = 0;
        double two = 0;
        for (int pass = 0; pass < 2; pass++) {
            one += scansPerSecond(classifier, inputs, 1) / 2;
            two += scansPerSecond(classifier, inputs, 2) / 2;
        }
        out.println();
        out.printf(Locale.ROOT, "Throughput: %.1f scans/s at 1 thread, %.1f at 2 threads: %.2fx   (target >= 1.7x)%n",
                one, two, two / one);
        figures.put("throughput", Map.of("oneThread", round(one), "twoThreads", round(two), "ratio", round(two / one)));
    }

    private double scansPerSecond(ScanClassifier classifier, List<byte[]> inputs, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int total = inputs.size() * rounds * 2;
            // Threads take the next scan from a shared counter, as classify's pool does
            // (striding by index would give one thread all the large scans).
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        Json.write(classifier.classify(inputs.get(i % inputs.size()), "bench", Map.of()));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Fresh processes: `classify` on one scan, timed from JVM start to the first result. */
    private void startup(PrintWriter out) throws Exception {
        if (initRuns == 0) {
            return;
        }
        Path jar = ownJar();
        if (jar == null) {
            out.println();
            out.println("Start-up: skipped (run bench from brainscan.jar)");
            return;
        }
        Path scan = Files.createTempFile("brainscan-bench-", ".jpg");
        Files.write(scan, Phantom.jpeg(42, 256, 256, true));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path aot = jar.resolveSibling("brainscan.aot");
        List<List<String>> variants = new ArrayList<>();
        variants.add(List.of(java, "-Dbrainscan.startup.report=true", "-jar", jar.toString()));
        if (Files.isRegularFile(aot)) {
            variants.add(List.of(java, "-XX:AOTCache=" + aot, "-Dbrainscan.startup.report=true", "-jar", jar.toString()));
        }
        out.println();
        out.println("Fresh process to first result (median of " + initRuns + " runs, ms)");
        out.println("  variant              wall   start->main  engine  session  1st infer  1st result  peak RSS MB");
        for (List<String> base : variants) {
            String name = base.size() > 4 ? "with AOT cache" : "plain java -jar";
            List<Map<String, Double>> reports = new ArrayList<>();
            List<Double> walls = new ArrayList<>();
            for (int i = 0; i < initRuns; i++) {
                List<String> cmd = new ArrayList<>(base);
                cmd.addAll(List.of("classify", scan.toString()));
                Instant now = Instant.now();
                cmd.add(1, "-D" + StartupReport.LAUNCHED_AT_PROPERTY + "=" + ChronoUnit.MICROS.between(Instant.EPOCH, now));
                long start = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                walls.add((System.nanoTime() - start) / 1e6);
                String line = err.lines().filter(l -> l.startsWith("{\"launchToMainMs\"")).findFirst().orElse(null);
                if (line == null) {
                    throw new IllegalStateException("no start-up report from " + cmd + ": " + err);
                }
                @SuppressWarnings("unchecked")
                Map<String, Number> report = Json.mapper().readValue(line, Map.class);
                Map<String, Double> d = new LinkedHashMap<>();
                report.forEach((k, v) -> d.put(k, v.doubleValue()));
                reports.add(d);
            }
            Map<String, Double> med = new LinkedHashMap<>();
            for (String key : reports.get(0).keySet()) {
                med.put(key, percentile(reports.stream().map(r -> r.get(key)).toList(), 50));
            }
            out.printf(Locale.ROOT, "  %-17s %6.0f %12.0f %7.0f %8.0f %10.0f %11.0f %12.0f%n", name,
                    percentile(walls, 50), med.get("launchToMainMs"), med.get("engineMs"), med.get("sessionMs"),
                    med.get("firstInferenceMs"), med.get("firstResultMs"), med.get("peakRssMb"));
            Map<String, Object> f = new LinkedHashMap<>(med);
            f.put("wallMs", round(percentile(walls, 50)));
            figures.put("startup " + name, f);
        }
        out.println("  (targets: first result <= 1000 ms; peak RSS <= 350 MB)");
        Files.deleteIfExists(scan);
    }

    private void packageSize(PrintWriter out) {
        Path jar = ownJar();
        Path zip = jar == null ? null : jar.resolveSibling("brainscan-lambda.zip");
        out.println();
        if (zip != null && Files.isRegularFile(zip)) {
            long bytes = zip.toFile().length();
            out.printf(Locale.ROOT, "Lambda zip: %.1f MB (%d bytes)   (target <= 30 MB)%n", bytes / 1048576.0, bytes);
            figures.put("lambdaZipBytes", bytes);
        } else {
            out.println("Lambda zip: not found beside the jar (build with ./mvnw package)");
        }
    }

    static Path ownJar() {
        try {
            Path p = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return p.toString().endsWith(".jar") ? p : null;
        } catch (Exception e) {
            return null;
        }
    }

    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
