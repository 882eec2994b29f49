package dev.brainscan.cli;

import dev.brainscan.core.ErrorCode;
import dev.brainscan.core.Heatmap;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.ScanResult;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code classify PATH...}: one result record per image, in input order. */
@Command(name = "classify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Classify brain MR slices (JPEG, PNG, WebP, BMP, GIF) as tumor / no_tumor.",
            "Directories are walked recursively; every non-hidden file is tried and decoded by its content."},
        footer = {"", "Exit codes: 0 every input classified, 1 any input failed (its record says why), 2 usage error.",
            "Research use only. Not a medical device; not for diagnosis."})
final class ClassifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "FORMAT",
            description = "jsonl (default), json, csv or table.")
    OutputFormat format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the records to FILE instead of stdout.")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "Scans classified in parallel (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--heatmaps", paramLabel = "DIR",
            description = "Also write each classified scan's activation overlay to DIR/<path>.heatmap.png.")
    Path heatmaps;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Image files or directories.")
    List<String> paths;

    @Override
    public Integer call() throws IOException {
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        List<ScanInputs.ScanInput> inputs = ScanInputs.expand(paths);
        try (ScanClassifier classifier = model.classifier(spec, 1);
             PrintWriter writer = out != null
                     ? new PrintWriter(new OutputStreamWriter(Files.newOutputStream(out), StandardCharsets.UTF_8))
                     : spec.commandLine().getOut();
             OutputFormat.Writer records = format.open(writer, classifier.manifest());
             Progress progress = new Progress(spec.commandLine().getErr(), inputs.size(), Progress.interactive())) {
            int[] failed = {0};
            boolean[] reported = {!StartupReport.enabled()};
            OrderedParallel.run(inputs, threads, input -> classify(classifier, input, heatmaps, spec.commandLine().getErr()), result -> {
                records.write(result);
                if (!reported[0]) {
                    writer.flush();
                    spec.commandLine().getErr().println(StartupReport.line(classifier.model(),
                            System.currentTimeMillis()));
                    reported[0] = true;
                }
                progress.step(!result.failed());
                if (result.failed()) {
                    failed[0]++;
                }
            });
            return failed[0] == 0 && !inputs.isEmpty() ? 0 : 1;
        }
    }

    /** DIR/<the input's path as given, made relative and without "..">.heatmap.png */
    static Path heatmapFile(Path dir, String inputName) {
        StringBuilder relative = new StringBuilder();
        for (Path part : Path.of(inputName).normalize()) {
            String p = part.toString();
            if (!p.isEmpty() && !p.equals("..") && !p.equals(".")) {
                relative.append(relative.length() == 0 ? "" : "/").append(p);
            }
        }
        return dir.resolve(relative + ".heatmap.png");
    }

    /** One input's record; an internal failure's stack trace goes to {@code err}, never into the record. */
    static ScanResult classify(ScanClassifier classifier, ScanInputs.ScanInput input, Path heatmapDir, PrintWriter err) {
        Map<String, String> source = Map.of("file", input.name());
        if (input.path() == null) {
            return classifier.failure(input.name(), source, ErrorCode.NOT_FOUND, "No such file or directory.");
        }
        try {
            long size = Files.size(input.path());
            long max = classifier.limits().maxBytes();
            if (size > max) {
                return classifier.failure(input.name(), source, ErrorCode.IMAGE_TOO_LARGE,
                        String.format(Locale.ROOT, "The file is %d bytes; the limit is %d bytes.", size, max));
            }
            ScanClassifier.Classification c = classifier.run(Files.readAllBytes(input.path()), input.name(), source);
            if (c.internalError() != null) {
                internalError(err, input, c.internalError());
            }
            if (heatmapDir != null && !c.result().failed()) {
                writeHeatmap(heatmapFile(heatmapDir, input.name()), c);
            }
            return c.result();
        } catch (IOException e) {
            return classifier.failure(input.name(), source, ErrorCode.NOT_FOUND, "The file cannot be read.");
        } catch (RuntimeException | Error e) {
            // e.g. the heatmap file cannot be written: this input's record says so, the others go on
            internalError(err, input, e);
            return classifier.failure(input.name(), source, ErrorCode.INTERNAL, ScanClassifier.INTERNAL_MESSAGE);
        }
    }

    private static void writeHeatmap(Path png, ScanClassifier.Classification c) {
        try {
            Files.createDirectories(png.getParent());
            Files.write(png, Heatmap.png(c.crop(), c.prediction()));
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
