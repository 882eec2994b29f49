package dev.brainscan.cli;

import dev.brainscan.app.Brainscan;
import dev.brainscan.config.Config;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.model.ModelLoadException;
import java.nio.file.Path;

/**
 * The options every command that classifies shares: the model and the input limits, laid
 * over the environment's {@link Config} (a flag wins over its variable).
 */
final class ModelOptions {
    final Path modelDir;
    final Long maxBytes;
    final Long maxPixels;
    final Integer minSide;

    ModelOptions(Cli.Parsed p) {
        modelDir = p.path("--model");
        maxBytes = p.longValue("--max-bytes", null);
        maxPixels = p.longValue("--max-pixels", null);
        minSide = p.integer("--min-side", null);
    }

    /** The whole configuration: the environment's, with this command line's model and limits. A bad value is a usage error. */
    Config config() {
        Config env;
        try {
            env = Config.fromEnv();
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException(e.getMessage());
        }
        Limits limits;
        try {
            limits = new Limits(maxBytes != null ? maxBytes : env.limits().maxBytes(),
                    maxPixels != null ? maxPixels : env.limits().maxPixels(),
                    minSide != null ? minSide : env.limits().minSide());
        } catch (IllegalArgumentException e) {
            throw new Cli.UsageException("--max-bytes, --max-pixels and --min-side must be positive");
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
