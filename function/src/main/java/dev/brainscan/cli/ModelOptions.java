package dev.brainscan.cli;

import dev.brainscan.app.Brainscan;
import dev.brainscan.config.Config;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.model.ModelLoadException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every command that classifies shares: the model and the input limits, laid
 * over the environment's {@link Config} (a flag wins over its variable).
 */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Model directory with brainscan.json and its .onnx (default: MODEL_DIR, else the bundled model).")
    Path modelDir;

    @Option(names = "--max-bytes", paramLabel = "N", description = "Largest accepted file in bytes (default: 20971520).")
    Long maxBytes;

    @Option(names = "--max-pixels", paramLabel = "N", description = "Largest accepted width x height (default: 40000000).")
    Long maxPixels;

    @Option(names = "--min-side", paramLabel = "N", description = "Smallest accepted width or height (default: 32).")
    Integer minSide;

    /** The whole configuration: the environment's, with this command line's model and limits. A bad value is a usage error. */
    Config config(CommandSpec spec) {
        Config env;
        try {
            env = Config.fromEnv();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Limits limits;
        try {
            limits = new Limits(maxBytes != null ? maxBytes : env.limits().maxBytes(),
                    maxPixels != null ? maxPixels : env.limits().maxPixels(),
                    minSide != null ? minSide : env.limits().minSide());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--max-bytes, --max-pixels and --min-side must be positive");
        }
        Config config = env.withLimits(limits);
        return modelDir != null ? config.withModelDir(modelDir) : config;
    }

    /**
     * The classifier over the configured model. A model that cannot be loaded throws
     * {@link ModelLoadException}: Main reports it in one line with exit 2, without
     * the usage text (the command line was fine; the model directory is not).
     */
    static ScanClassifier classifier(Config config) {
        StartupReport.modelLoadStarted();
        ScanClassifier classifier = Brainscan.classifier(config);
        StartupReport.modelLoaded();
        return classifier;
    }
}
