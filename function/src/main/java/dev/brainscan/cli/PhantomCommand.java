package dev.brainscan.cli;

import dev.brainscan.phantom.Phantom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code phantom --out DIR}: synthetic brain-MR-like slices to try the tool on (never real scans). */
@Command(name = "phantom", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Write synthetic brain-MR-like JPEG slices (half with a bright lesion) to try the tool on.",
            "They are not real scans: what the model says about them means nothing clinically."})
final class PhantomCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into.")
    Path out;

    @Option(names = "--count", defaultValue = "6", paramLabel = "N", description = "How many (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--size", defaultValue = "256", paramLabel = "PX", description = "Width and height (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--grey", description = "Write single-channel (greyscale) JPEGs, as many real scans are.")
    boolean grey;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || size < 64 || size > 4096) {
            throw new ParameterException(spec.commandLine(), "--count must be >= 1 and --size between 64 and 4096");
        }
        Files.createDirectories(out);
        for (int i = 0; i < count; i++) {
            boolean lesion = i % 2 == 1;
            Path file = out.resolve(String.format(Locale.ROOT, "phantom-%03d-%s.jpg", i, lesion ? "lesion" : "clear"));
            Files.write(file, grey ? Phantom.greyJpeg(seed * 1000 + i, size, size, lesion)
                    : Phantom.jpeg(seed * 1000 + i, size, size, lesion));
            spec.commandLine().getOut().println(file);
        }
        return 0;
    }
}
