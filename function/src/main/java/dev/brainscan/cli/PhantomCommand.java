package dev.brainscan.cli;

import dev.brainscan.phantom.Phantom;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code phantom --out DIR}: synthetic brain-MR-like slices to try the tool on (never real scans). */
final class PhantomCommand implements Main.Command {
    static final Cli.Spec SPEC = new Cli.Spec("phantom",
            List.of("Write synthetic brain-MR-like JPEG slices (half with a bright lesion) to try the tool on.",
                    "They are not real scans: what the model says about them means nothing clinically."),
            List.of(new Cli.Option("--out", "DIR", "Directory to write into.", true),
                    new Cli.Option("--count", "N", "How many (default: 6)."),
                    new Cli.Option("--seed", "S", "Random seed (default: 1)."),
                    new Cli.Option("--size", "PX", "Width and height (default: 256)."),
                    new Cli.Option("--grey", null, "Write single-channel (greyscale) JPEGs, as many real scans are.")),
            null, null, 0, List.of());

    final Path out;
    final int count;
    final long seed;
    final int size;
    final boolean grey;

    PhantomCommand(Cli.Parsed p) {
        out = p.path("--out");
        count = p.integer("--count", 6);
        seed = p.longValue("--seed", 1L);
        size = p.integer("--size", 256);
        grey = p.flag("--grey");
    }

    @Override
    public int run(PrintWriter stdout, PrintWriter stderr) throws IOException {
        if (count < 1 || size < 64 || size > 4096) {
            throw new Cli.UsageException("--count must be >= 1 and --size between 64 and 4096");
        }
        String why = ClassifyCommand.whyNotAFolder(out);
        if (why != null) {
            stderr.println("brainscan: cannot write phantoms into --out " + out + ": " + why);
            return Main.USAGE;
        }
        for (int i = 0; i < count; i++) {
            boolean lesion = i % 2 == 1;
            Path file = out.resolve(String.format(Locale.ROOT, "phantom-%03d-%s.jpg", i, lesion ? "lesion" : "clear"));
            Files.write(file, grey ? Phantom.greyJpeg(seed * 1000 + i, size, size, lesion)
                    : Phantom.jpeg(seed * 1000 + i, size, size, lesion));
            stdout.println(file);
        }
        return 0;
    }
}
