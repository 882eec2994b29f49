package dev.brainscan.cli;

import dev.brainscan.core.Classification;
import dev.brainscan.config.Config;
import dev.brainscan.core.ObjectClassification;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Notice;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.core.result.ScanResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/** {@code classify PATH...}: one result record per image, in input order. */
final class ClassifyCommand implements Main.Command {
    static final Cli.Spec SPEC = new Cli.Spec("classify",
            List.of("Classify brain MR slices (JPEG, PNG, WebP, BMP, GIF, DICOM MR) as tumor / no_tumor.",
                    "A multi-frame DICOM file gives one record per frame; --series adds a verdict per DICOM series.",
                    "A .zip of one DICOM series gives one series record holding its slices' records.",
                    "Directories are walked recursively; every non-hidden file is tried and decoded by its content."),
            Cli.withModelOptions(
                    new Cli.Option("--format", "FORMAT", "jsonl (default), json, csv or table."),
                    new Cli.Option("--out", "FILE", "Write the records to FILE instead of stdout."),
                    new Cli.Option("--threads", "N", "Scans classified in parallel (default: all cores)."),
                    new Cli.Option("--heatmaps", "DIR",
                            "Also write each classified scan's activation overlay to DIR/<path>.heatmap.png."),
                    new Cli.Option("--dicom-sr", "DIR", "DICOM out: for each classified DICOM scan (or frame, or "
                            + "slice of a zip), a Basic Text SR with the verdict to DIR/<path>.sr.dcm."),
                    new Cli.Option("--series", null, "Group DICOM inputs by series (SeriesInstanceUID) and add one "
                            + "series record each (slices, the highest-scoring slice, the series label and tier), "
                            + "written before the slices.")),
            "PATH", "Image files (JPEG, PNG, WebP, BMP, GIF, DICOM), zips of a DICOM series or directories; "
                    + "- reads one from standard input.",
            1,
            List.of("", "Exit codes: 0 every input classified, 1 any input failed (its record says why), 2 usage error.",
                    Notice.TEXT));

    final ModelOptions model;
    final OutputFormat format;
    final Path out;
    final int threads;
    final Path heatmaps;
    final Path dicomSr;
    final boolean series;
    final List<String> paths;

    /** Where "-" reads from (System.in; tests substitute their own). */
    InputStream stdin = System.in;

    private PrintWriter stdout;
    private PrintWriter stderr;

    ClassifyCommand(Cli.Parsed p) {
        model = new ModelOptions(p);
        format = p.choice("--format", OutputFormat.class, OutputFormat.JSONL);
        out = p.path("--out");
        threads = p.integer("--threads", Runtime.getRuntime().availableProcessors());
        heatmaps = p.path("--heatmaps");
        dicomSr = p.path("--dicom-sr");
        series = p.flag("--series");
        paths = List.copyOf(p.operands());
    }

    @Override
    public int run(PrintWriter stdout, PrintWriter stderr) throws IOException {
        this.stdout = stdout;
        this.stderr = stderr;
        return call();
    }

    private int call() throws IOException {
        if (threads < 1) {
            throw new Cli.UsageException("--threads must be at least 1");
        }
        if (paths.stream().filter(ScanInputs.STDIN::equals).count() > 1) {
            throw new Cli.UsageException("- (standard input) can be given only once");
        }
        PrintWriter err = stderr;
        List<ScanInputs.ScanInput> inputs = ScanInputs.expand(paths);
        if (inputs.isEmpty()) {
            err.println("brainscan: nothing to classify: " + String.join(", ", paths)
                    + (paths.size() == 1 ? " holds" : " hold") + " no files (hidden files and folders are skipped)");
            return 1;
        }
        Path outParent = out != null ? out.toAbsolutePath().getParent() : null;
        if (out != null && (outParent == null || !Files.isWritable(outParent))) {
            err.println("brainscan: cannot write --out " + out + ": " + whyNotWritable(out, null));
            return 2;
        }
        if (heatmaps != null) {
            String why = whyNotAFolder(heatmaps);
            if (why != null) {
                err.println("brainscan: cannot write heatmaps into --heatmaps " + heatmaps + ": " + why);
                return 2;
            }
        }
        try (ScanClassifier classifier = loadWhilePriming(inputs)) {
            OutputStream outFile = null;
            if (out != null) {
                try {
                    outFile = Files.newOutputStream(out);
                } catch (IOException e) {
                    err.println("brainscan: cannot write --out " + out + ": " + whyNotWritable(out, e));
                    return 2;
                }
            }
            return classifyAll(classifier, inputs, outFile, err);
        }
    }

    /**
     * Loads the model (DJL's engine, the ONNX Runtime session, the self-check: a few hundred ms
     * in a fresh JVM) on a second thread while this one decodes the first input once, so that
     * the decoder's classes are loaded and initialised (ImageIO's registry, the JPEG reader)
     * by the time the first scan needs them: with two cores the two overlap. With one there is
     * nothing to overlap, and the model loads inline. Errors in the load surface here as they
     * would inline.
     */
    private ScanClassifier loadWhilePriming(List<ScanInputs.ScanInput> inputs) {
        Config config = model.config(); // a bad limit is a usage error, reported before any work
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return ModelOptions.classifier(config); // nothing to overlap with: the decode would only repeat
        }
        FutureTask<ScanClassifier> load = new FutureTask<>(() -> ModelOptions.classifier(config));
        Thread loader = new Thread(load, "model-load");
        loader.setDaemon(true);
        loader.start();
        primeDecoder(inputs, config.limits());
        try {
            return load.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the model", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // ModelLoadException, Cli.UsageException: reported by Main as before
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Decodes the first input file once and drops the result; only a small file (the classes
     * are what matters; a huge first scan would only add to peak memory), and any failure is
     * ignored (the scan's own record reports it).
     */
    private static void primeDecoder(List<ScanInputs.ScanInput> inputs, Limits limits) {
        ScanInputs.ScanInput first = inputs.get(0);
        if (first.path() == null) {
            return;
        }
        try {
            if (Files.size(first.path()) <= Math.min(PRIME_MAX_BYTES, limits.maxBytes())) {
                new ImageDecoder(limits).decode(Files.readAllBytes(first.path()));
            }
        } catch (IOException | ScanException | RuntimeException e) {
            // not an image, unreadable: its own record will say so
        }
    }

    private static final long PRIME_MAX_BYTES = 1 << 20;

    private int classifyAll(ScanClassifier classifier, List<ScanInputs.ScanInput> inputs, OutputStream outFile,
            PrintWriter err) {
        try (PrintWriter writer = outFile != null
                     ? new PrintWriter(new OutputStreamWriter(outFile, StandardCharsets.UTF_8))
                     : stdout;
             OutputFormat.Writer records = format.open(writer, classifier.manifest());
             Progress progress = new Progress(stderr, inputs.size(), Progress.interactive())) {
            int[] failed = {0};
            boolean[] reported = {!StartupReport.enabled()};
            List<ScanResult> held = new ArrayList<>();
            OrderedParallel.run(inputs, threads, input -> classify(classifier, input, heatmaps, dicomSr, err, stdin), results -> {
                boolean ok = true;
                for (ScanResult result : results) {
                    if (series) {
                        held.add(result); // written after the series records
                    } else {
                        records.write(result);
                    }
                    if (result.failed()) {
                        failed[0]++;
                        ok = false;
                    }
                }
                if (!reported[0]) {
                    writer.flush();
                    stderr.println(StartupReport.line(classifier.model().loadTimings(),
                            System.currentTimeMillis()));
                    reported[0] = true;
                }
                progress.step(ok);
            });
            if (series) {
                seriesRecords(classifier, held).forEach(records::write);
                held.forEach(records::write);
            }
            return failed[0] == 0 ? 0 : 1;
        }
    }

    /** Why {@code --out FILE} cannot be opened, in words (the exception alone says only the path). */
    static String whyNotWritable(Path file, IOException e) {
        Path parent = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            return "it is a folder";
        }
        if (parent != null && !Files.exists(parent)) {
            return "the folder " + parent + " does not exist";
        }
        if (parent != null && !Files.isDirectory(parent)) {
            return parent + " is not a folder";
        }
        if (e == null || e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getClass().getSimpleName();
    }

    /**
     * Null when {@code dir} is a folder this process can write into (it is created, with its
     * parents, when missing); else why not, in words.
     */
    static String whyNotAFolder(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            return "it is a file, not a folder (name a folder; it is created when missing)";
        }
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            return Main.describe(e);
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
        if (!Files.isWritable(dir)) {
            return "permission denied";
        }
        return null;
    }

    /** DIR/<the input's path as given, made relative and without "..">.heatmap.png */
    static Path heatmapFile(Path dir, String inputName) {
        return besideFile(dir, inputName, ".heatmap.png");
    }

    /** DIR/<the input's path as given, made relative and without "..">SUFFIX */
    static Path besideFile(Path dir, String inputName, String suffix) {
        StringBuilder relative = new StringBuilder();
        for (Path part : Path.of(inputName).normalize()) {
            String p = part.toString();
            if (!p.isEmpty() && !p.equals("..") && !p.equals(".")) {
                relative.append(relative.length() == 0 ? "" : "/").append(p);
            }
        }
        return dir.resolve(relative + suffix);
    }

    /**
     * One series record per SeriesInstanceUID among the DICOM records, in order of first
     * appearance; {@code scanId} is {@code series:<uid>}. Records without a series (other
     * formats, files too damaged to name one) belong to none.
     */
    static List<ScanResult> seriesRecords(ScanClassifier classifier, List<ScanResult> records) {
        Map<String, List<ScanResult>> bySeries = new LinkedHashMap<>();
        for (ScanResult r : records) {
            if (r.dicom() != null && r.dicom().seriesInstanceUid() != null) {
                bySeries.computeIfAbsent(r.dicom().seriesInstanceUid(), k -> new ArrayList<>()).add(r);
            }
        }
        List<ScanResult> out = new ArrayList<>();
        for (Map.Entry<String, List<ScanResult>> e : bySeries.entrySet()) {
            out.add(classifier.series(e.getValue(), "series:" + e.getKey(), Map.of("series", e.getKey()), false));
        }
        return out;
    }

    /**
     * One input's records (one per frame of a multi-frame DICOM file, else one); an internal
     * failure's stack trace goes to {@code err}, never into a record.
     */
    static List<ScanResult> classify(ScanClassifier classifier, ScanInputs.ScanInput input, Path heatmapDir,
            Path srDir, PrintWriter err, InputStream stdin) {
        Map<String, String> source = Map.of("file", input.name());
        if (input.stdin()) {
            return classifyStdin(classifier, input, heatmapDir, srDir, err, stdin, source);
        }
        if (input.path() == null) {
            return List.of(classifier.failure(input.name(), source, ErrorCode.NOT_FOUND, "No such file or directory."));
        }
        try {
            long size = Files.size(input.path());
            long max = classifier.limits().maxBytes();
            if (size > max) {
                return List.of(classifier.failure(input.name(), source, ErrorCode.IMAGE_TOO_LARGE,
                        String.format(Locale.ROOT, "The file is %d bytes; the limit is %d bytes.", size, max)));
            }
            return classifyBytes(classifier, input, Files.readAllBytes(input.path()), source, heatmapDir, srDir, err);
        } catch (IOException e) {
            return List.of(classifier.failure(input.name(), source, ErrorCode.NOT_FOUND, "The file cannot be read."));
        } catch (RuntimeException | Error e) {
            // e.g. the heatmap file cannot be written: this input's record says so, the others go on
            internalError(err, input, e);
            return List.of(classifier.failure(input.name(), source, ErrorCode.INTERNAL,
                    ScanClassifier.INTERNAL_MESSAGE));
        }
    }

    /** "-": one image from standard input, read up to the byte limit. */
    private static List<ScanResult> classifyStdin(ScanClassifier classifier, ScanInputs.ScanInput input, Path heatmapDir,
            Path srDir, PrintWriter err, InputStream stdin, Map<String, String> source) {
        long max = classifier.limits().maxBytes();
        byte[] bytes;
        try {
            bytes = stdin.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        } catch (IOException e) {
            return List.of(classifier.failure(input.name(), source, ErrorCode.NOT_FOUND,
                    "Standard input cannot be read."));
        }
        if (bytes.length > max) {
            return List.of(classifier.failure(input.name(), source, ErrorCode.IMAGE_TOO_LARGE,
                    String.format(Locale.ROOT, "Standard input holds more than %d bytes, the limit.", max)));
        }
        try {
            return classifyBytes(classifier, input, bytes, source, heatmapDir, srDir, err);
        } catch (RuntimeException | Error e) {
            internalError(err, input, e);
            return List.of(classifier.failure(input.name(), source, ErrorCode.INTERNAL,
                    ScanClassifier.INTERNAL_MESSAGE));
        }
    }

    /**
     * One input's bytes through {@link ScanClassifier#classifyObject}, the entry every channel
     * calls: a zip's series record (slices embedded), else one record per scan or frame. Beside
     * them, with {@code srDir}, an SR per classified scan, frame or slice, and with
     * {@code heatmapDir}, each classified frame's heatmap; the files are named after the record
     * ({@code <input><#entry><#frame=n>}, standard input's {@code stdin...}).
     */
    private static List<ScanResult> classifyBytes(ScanClassifier classifier, ScanInputs.ScanInput input, byte[] bytes,
            Map<String, String> source, Path heatmapDir, Path srDir, PrintWriter err) {
        ObjectClassification classified = classifier.classifyObject(bytes, input.name(), source, heatmapDir != null,
                srDir != null);
        for (ObjectClassification.Part part : classified.parts()) {
            Classification c = part.classification();
            String name = (input.stdin() ? "stdin" : input.name()) + c.result().scanId().substring(input.name().length());
            writeSr(srDir, name, part.structuredReport());
            if (c.internalError() != null) {
                internalError(err, input, c.internalError());
            }
            if (heatmapDir != null && c.heatmapPng() != null) {
                writeHeatmap(heatmapFile(heatmapDir, name), c);
            }
        }
        return classified.records();
    }

    /** DICOM out: DIR/<name>.sr.dcm for a classified DICOM record's SR (nothing for others). */
    private static void writeSr(Path srDir, String name, byte[] sr) {
        if (srDir == null || sr == null) {
            return;
        }
        Path file = besideFile(srDir, name, ".sr.dcm");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, sr);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not a read failure of the input: an internal one
        }
    }

    private static void writeHeatmap(Path png, Classification c) {
        try {
            Files.createDirectories(png.getParent());
            Files.write(png, c.heatmapPng());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not a read failure of the input: an internal one
        }
    }

    private static void internalError(PrintWriter err, ScanInputs.ScanInput input, Throwable e) {
        synchronized (err) {
            err.println("brainscan: internal error on " + input.name() + ":");
            e.printStackTrace(err);
            err.flush();
        }
    }
}
