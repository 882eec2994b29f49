package dev.brainscan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.cli.BenchBands.Band;
import dev.brainscan.config.Config;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.phantom.Phantom;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * {@code bench}: the shipped pipeline timed as {@code classify} runs it, per size band, from
 * one run, so that ratios compare numbers taken on the same machine at the same time. Every
 * scan goes through the classifier the CLI loads and the CLI's own per-file path
 * ({@link ClassifyCommand#classify}: read, decode, the manifest's preprocessing, the model,
 * the verdict) and is written as the CLI writes a record; nothing calls the model or a stage
 * on its own. Per band (under 300 px, 300-700 px, over 700 px, 2-4 MP photos): medians and p90
 * of the whole, the stages' medians from the records' {@code timingsMs}; then the mix weighted
 * like the dataset, throughput at 1 and 2 threads, fresh-process start-up, the Lambda zip.
 */
final class BenchCommand implements Main.Command {
    static final Cli.Spec SPEC = new Cli.Spec("bench",
            List.of("Time the shipped pipeline per image size band and print medians, p90 and ratios.",
                    "Each scan goes through the same per-file path and classifier as classifying it does.",
                    "Scans: the given files/folders sorted into bands by size (the photo band and a short",
                    "over-700 band are made by enlarging them), or generated phantoms of each band when none are given."),
            Cli.withModelOptions(
                    new Cli.Option("--scans", "N", "Scans per band (default: 24)."),
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
        scans = p.integer("--scans", 24);
        rounds = p.integer("--rounds", 5);
        initRuns = p.integer("--init-runs", 5);
        json = p.flag("--json");
    }

    private final Map<String, Object> figures = new LinkedHashMap<>();

    /** One scan to time: its file, its band, its size, and whether bench made it by enlarging another. */
    record BenchScan(Path file, Band band, int width, int height, boolean made) {
    }

    @Override
    public int run(PrintWriter out, PrintWriter err) throws Exception {
        if (scans < 1 || rounds < 1 || initRuns < 0) {
            throw new Cli.UsageException("--scans and --rounds must be >= 1, --init-runs >= 0");
        }
        Config config = model.config();
        Path work = Files.createTempDirectory("brainscan-bench-");
        try {
            Map<Band, List<BenchScan>> bands = paths.isEmpty() ? phantoms(work) : given(work);
            int total = bands.values().stream().mapToInt(List::size).sum();
            out.printf(Locale.ROOT, "brainscan bench: %d scans in %d bands x %d rounds, %d cores, %s %s%n", total,
                    bands.size(), rounds, Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.vm.name"), System.getProperty("java.version"));
            try (ScanClassifier classifier = ModelOptions.classifier(config)) {
                out.printf(Locale.ROOT, "model %s %s, through classify's own per-file path%n",
                        classifier.manifest().name(), classifier.manifest().version());
                List<BenchScan> all = bands.values().stream().flatMap(List::stream).toList();
                for (int warm = 0; warm < 2; warm++) {
                    for (BenchScan s : all) {
                        classifyOne(classifier, s, err);
                    }
                }
                byBand(out, err, classifier, bands);
                List<BenchScan> dataset = Stream.of(Band.SMALL, Band.MEDIUM)
                        .flatMap(b -> bands.getOrDefault(b, List.of()).stream()).toList();
                throughput(out, err, classifier, dataset.isEmpty() ? all : dataset);
            }
        } finally {
            deleteTree(work);
        }
        startup(out);
        packageSize(out);
        if (json) {
            out.println(Json.write(figures));
        }
        return 0;
    }

    /**
     * The seam: one scan through {@code classify}'s own per-file path, written as a record
     * (JSON). Returns the records' JSON (one per frame; one for an image).
     */
    private static List<String> classifyOne(ScanClassifier classifier, BenchScan scan, PrintWriter err) {
        List<ScanResult> records = ClassifyCommand.classify(classifier,
                new ScanInputs.ScanInput(scan.file().toString(), scan.file()), null, err, null);
        List<String> out = new ArrayList<>(records.size());
        for (ScanResult r : records) {
            out.add(Json.write(r));
        }
        return out;
    }

    /** Generated phantoms for every band (half of them single-channel JPEGs, as half the dataset is). */
    private Map<Band, List<BenchScan>> phantoms(Path work) throws IOException {
        Map<Band, int[][]> sizes = new EnumMap<>(Band.class);
        sizes.put(Band.SMALL, new int[][] {{224, 224}, {256, 256}, {240, 280}});
        sizes.put(Band.MEDIUM, new int[][] {{320, 320}, {468, 444}, {630, 630}});
        sizes.put(Band.LARGE, new int[][] {{768, 768}, {1024, 1024}, {1275, 1427}});
        sizes.put(Band.PHOTO, new int[][] {{1732, 1732}, {2000, 1500}, {1500, 2000}});
        Map<Band, List<BenchScan>> out = new EnumMap<>(Band.class);
        int seed = 7000;
        for (Map.Entry<Band, int[][]> e : sizes.entrySet()) {
            List<BenchScan> list = new ArrayList<>();
            for (int i = 0; i < scans; i++) {
                int[] wh = e.getValue()[i % e.getValue().length];
                boolean lesion = i % 2 == 0;
                byte[] jpeg = (i / 2) % 2 == 0 ? Phantom.jpeg(seed, wh[0], wh[1], lesion)
                        : Phantom.greyJpeg(seed, wh[0], wh[1], lesion);
                seed++;
                Path f = work.resolve(String.format(Locale.ROOT, "phantom-%s-%03d.jpg", e.getKey().name(), i));
                Files.write(f, jpeg);
                list.add(new BenchScan(f, Band.of(wh[0], wh[1]), wh[0], wh[1], false));
            }
            out.put(e.getKey(), list);
        }
        figures.put("inputs", "generated phantoms (JPEG, colour and grey), " + scans + " per band");
        return out;
    }

    /**
     * The given scans sorted into bands by their size (read from the header), at most
     * {@code --scans} per band, spread evenly over each band's files. The photo band, and the
     * over-700 band where the given scans have too few, are filled by enlarging given scans
     * (bilinear, a JPEG at ImageIO's default quality): an upscaled scan, as a phone photo or a viewer export makes one.
     */
    private Map<Band, List<BenchScan>> given(Path work) throws IOException {
        Map<Band, List<BenchScan>> found = new EnumMap<>(Band.class);
        int unsized = 0;
        for (ScanInputs.ScanInput in : ScanInputs.expand(paths)) {
            if (in.path() == null) {
                continue;
            }
            int[] wh = headerSize(in.path());
            if (wh == null) {
                unsized++;
                continue;
            }
            Band b = Band.of(wh[0], wh[1]);
            found.computeIfAbsent(b, k -> new ArrayList<>()).add(new BenchScan(in.path(), b, wh[0], wh[1], false));
        }
        if (found.isEmpty()) {
            throw new Cli.UsageException("no image files ImageIO can size in " + paths);
        }
        Map<Band, List<BenchScan>> out = new EnumMap<>(Band.class);
        for (Band b : Band.values()) {
            out.put(b, spread(found.getOrDefault(b, List.of()), scans));
        }
        List<BenchScan> sources = Stream.of(Band.MEDIUM, Band.SMALL, Band.LARGE)
                .flatMap(b -> found.getOrDefault(b, List.of()).stream()).toList();
        List<BenchScan> large = new ArrayList<>(out.get(Band.LARGE));
        Iterator<BenchScan> next = spread(sources, scans).iterator();
        for (int i = 0; large.size() < scans && next.hasNext(); i++) {
            BenchScan s = next.next();
            if (Math.max(s.width(), s.height()) >= BenchBands.LARGE_TARGET_SIDE) {
                continue;
            }
            int[] wh = BenchBands.longerSide(s.width(), s.height(), BenchBands.LARGE_TARGET_SIDE);
            large.add(enlarge(work, s, wh, Band.LARGE, i));
        }
        out.put(Band.LARGE, large);
        List<BenchScan> photo = new ArrayList<>(out.get(Band.PHOTO));
        next = spread(sources, scans).iterator();
        for (int i = 0; photo.size() < scans && next.hasNext(); i++) {
            BenchScan s = next.next();
            int[] wh = BenchBands.scaledTo(s.width(), s.height(), BenchBands.PHOTO_TARGET_PIXELS);
            photo.add(enlarge(work, s, wh, Band.PHOTO, i));
        }
        out.put(Band.PHOTO, photo);
        out.values().removeIf(List::isEmpty);
        figures.put("inputs", paths + (unsized > 0 ? " (" + unsized + " files ImageIO cannot size left out)" : ""));
        return out;
    }

    private static BenchScan enlarge(Path work, BenchScan s, int[] wh, Band band, int i) throws IOException {
        BufferedImage src = ImageIO.read(s.file().toFile());
        BufferedImage big = BenchBands.upscale(src, wh[0], wh[1]);
        Path f = work.resolve(String.format(Locale.ROOT, "enlarged-%s-%03d.jpg", band.name(), i));
        Files.write(f, Phantom.encode(big, "jpeg"));
        return new BenchScan(f, Band.of(wh[0], wh[1]), wh[0], wh[1], true);
    }

    /** At most {@code n} of {@code list}, evenly spaced over it (so a sorted folder's classes all show). */
    static <T> List<T> spread(List<T> list, int n) {
        if (list.size() <= n) {
            return List.copyOf(list);
        }
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(list.get((int) ((long) i * list.size() / n)));
        }
        return out;
    }

    private static int[] headerSize(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                return new int[] {r.getWidth(0), r.getHeight(0)};
            } finally {
                r.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Every band timed in the same rounds, interleaved scan by scan (one of each band in turn),
     * so that drift in the machine's load hits every band alike. "whole" is the wall time of
     * the CLI's per-file path plus writing the record; the stages are the record's own
     * {@code timingsMs} (which start after the file is read).
     */
    private void byBand(PrintWriter out, PrintWriter err, ScanClassifier classifier, Map<Band, List<BenchScan>> bands)
            throws IOException {
        List<String> stages = List.of("decode", "crop", "resize", "inference", "total");
        Map<Band, List<Double>> whole = new EnumMap<>(Band.class);
        Map<Band, Map<String, List<Double>>> stageSamples = new EnumMap<>(Band.class);
        Map<Band, Integer> refused = new EnumMap<>(Band.class);
        for (Band b : bands.keySet()) {
            whole.put(b, new ArrayList<>());
            Map<String, List<Double>> m = new LinkedHashMap<>();
            stages.forEach(s -> m.put(s, new ArrayList<>()));
            stageSamples.put(b, m);
            refused.put(b, 0);
        }
        int longest = bands.values().stream().mapToInt(List::size).max().orElse(0);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < longest; i++) {
                for (Map.Entry<Band, List<BenchScan>> e : bands.entrySet()) {
                    if (i >= e.getValue().size()) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    List<String> records = classifyOne(classifier, e.getValue().get(i), err);
                    long t1 = System.nanoTime();
                    JsonNode rec = Json.tree(records.get(0).getBytes(StandardCharsets.UTF_8));
                    if (rec.has("error")) {
                        if (r == 0) {
                            refused.merge(e.getKey(), 1, Integer::sum);
                        }
                        continue;
                    }
                    whole.get(e.getKey()).add((t1 - t0) / 1e6);
                    JsonNode t = rec.path("timingsMs");
                    for (String s : stages) {
                        if (t.has(s)) {
                            stageSamples.get(e.getKey()).get(s).add(t.get(s).asDouble());
                        }
                    }
                }
            }
        }
        out.println();
        out.println("Per scan by size band, 1 thread, ms (medians; whole = classify's per-file path + the record)");
        out.println("  band            scans  made  refused   MP    whole    p90   decode    crop  resize  infer");
        Map<String, Object> bandFigures = new LinkedHashMap<>();
        for (Map.Entry<Band, List<BenchScan>> e : bands.entrySet()) {
            Band b = e.getKey();
            List<BenchScan> list = e.getValue();
            long made = list.stream().filter(BenchScan::made).count();
            double mp = percentile(list.stream().map(s -> s.width() * (double) s.height() / 1e6).toList(), 50);
            Map<String, List<Double>> st = stageSamples.get(b);
            out.printf(Locale.ROOT, "  %-15s %5d %5d %8d %5.2f %8.2f %6.2f %8.2f %7.2f %7.2f %6.2f%n", b.label,
                    list.size(), made, refused.get(b), mp, percentile(whole.get(b), 50), percentile(whole.get(b), 90),
                    percentile(st.get("decode"), 50), percentile(st.get("crop"), 50),
                    percentile(st.get("resize"), 50), percentile(st.get("inference"), 50));
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scans", list.size());
            f.put("made", made);
            f.put("refused", refused.get(b));
            f.put("medianMegapixels", round(mp));
            f.put("wholeMedianMs", round(percentile(whole.get(b), 50)));
            f.put("wholeP90Ms", round(percentile(whole.get(b), 90)));
            for (String s : stages) {
                f.put(s + "MedianMs", round(percentile(st.get(s), 50)));
            }
            bandFigures.put(b.label, f);
        }
        figures.put("bands", bandFigures);
        double mixMedian = BenchBands.weightedMedian(whole, BenchBands.DATASET_COUNTS);
        double mixMean = BenchBands.weightedMean(whole, BenchBands.DATASET_COUNTS);
        int weight = BenchBands.DATASET_COUNTS.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder shares = new StringBuilder();
        for (Band b : Band.values()) {
            shares.append(shares.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f %%", b.label,
                    100.0 * BenchBands.DATASET_COUNTS.get(b) / weight));
        }
        out.printf(Locale.ROOT, "  dataset mix: median %.2f ms, mean %.2f ms per scan (weights of the %d train + val images: %s)%n",
                mixMedian, mixMean, weight, shares);
        Band worst = whole.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .max(Comparator.comparingDouble(e -> percentile(e.getValue(), 50))).map(Map.Entry::getKey).orElse(null);
        if (worst != null) {
            out.printf(Locale.ROOT, "  slowest band: %s, median %.2f ms%n", worst.label, percentile(whole.get(worst), 50));
        }
        figures.put("datasetMix", Map.of("medianMs", round(mixMedian), "meanMs", round(mixMean)));
    }

    /**
     * Scans per second through the same path at 1 and 2 threads, alternated twice so that
     * drift in the machine's load affects both alike.
     */
    private void throughput(PrintWriter out, PrintWriter err, ScanClassifier classifier, List<BenchScan> inputs)
            throws Exception {
        double one = 0;
        double two = 0;
        for (int pass = 0; pass < 2; pass++) {
            one += scansPerSecond(classifier, inputs, 1, err) / 2;
            two += scansPerSecond(classifier, inputs, 2, err) / 2;
        }
        out.println();
        out.printf(Locale.ROOT, "Throughput (%d scans of the two smaller bands): %.1f scans/s at 1 thread, %.1f at 2 threads: %.2fx%n",
                inputs.size(), one, two, two / one);
        figures.put("throughput", Map.of("oneThread", round(one), "twoThreads", round(two), "ratio", round(two / one)));
    }

    private double scansPerSecond(ScanClassifier classifier, List<BenchScan> inputs, int threads, PrintWriter err)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int total = inputs.size() * rounds * 2;
            // Threads take the next scan from a shared counter, as classify's pool does
            // (striding by index would give one thread all the large scans).
            AtomicInteger next = new AtomicInteger();
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                        classifyOne(classifier, inputs.get(i % inputs.size()), err);
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

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
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
