package dev.brainscan.cli;

import dev.brainscan.config.Config;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.model.ScanModel;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options every command that classifies shares: the model and the input limits. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Model directory with brainscan.json and its .onnx (default: the bundled model).")
    Path modelDir;

    @Option(names = "--max-bytes", paramLabel = "N", description = "Largest accepted file in bytes (default: 20971520).")
    Long maxBytes;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Largest accepted width x height (default: 40000000).")
    Long maxPixels;

    @Option(names = "--min-side", paramLabel = "N", description = "Smallest accepted width or height (default: 32).")
    Integer minSide;

    Limits limits(CommandSpec spec) {
        Limits env;
        try {
            env = Config.fromEnv().limits();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            return new Limits(maxBytes != null ? maxBytes : env.maxBytes(),
                    maxPixels != null ? maxPixels : env.maxPixels(), minSide != null ? minSide : env.minSide());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--max-bytes, --max-pixels and --min-side must be positive");
        }
    }

    /** When the model load began and ended (epoch ms), for the start-up report. */
    static long loadStartedAt;
    static long loadEndedAt;

    /**
     * The classifier over the chosen model. A model that cannot be loaded throws
     * {@link ModelLoadException}: {@link Main} reports it in one line with exit 2, without
     * the usage text (the command line was fine; the model directory is not).
     */
    ScanClassifier classifier(CommandSpec spec, int intraOpThreads) {
        Limits limits = limits(spec);
        loadStartedAt = System.currentTimeMillis();
        ModelSource source = modelDir != null ? ModelSource.directory(modelDir) : ModelSource.bundled();
        ScanClassifier classifier = new ScanClassifier(ScanModel.load(source, intraOpThreads), limits);
        loadEndedAt = System.currentTimeMillis();
        return classifier;
    }
}
