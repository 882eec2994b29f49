package dev.brainscan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where the repository, its events and models, and the shared dataset (if present) are. */
public final class TestPaths {
    private TestPaths() {
    }

    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("models")) && Files.isDirectory(dir.resolve("function"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("repository root not found from " + Path.of("").toAbsolutePath());
    }

    public static Path models() {
        return repoRoot().resolve("models");
    }

    public static Path events() {
        return repoRoot().resolve("events");
    }

    /** {@code ../shared/datasets/brain-mri} beside the checkout, or $BRAINSCAN_DATASET; empty when absent. */
    public static Optional<Path> dataset() {
        String env = System.getenv("BRAINSCAN_DATASET");
        Path dir = env != null ? Path.of(env) : repoRoot().resolveSibling("shared").resolve("datasets/brain-mri");
        return Files.isRegularFile(dir.resolve("manifest.csv")) ? Optional.of(dir) : Optional.empty();
    }

    /** A validation image of the shared dataset: its file and whether it shows a tumour. */
    public record ValidationScan(Path file, boolean tumour) {
    }

    /** The dataset's validation split, in manifest order (call only where {@link #dataset()} is present). */
    public static List<ValidationScan> validationScans() {
        Path dir = dataset().orElseThrow();
        try {
            return Files.readAllLines(dir.resolve("manifest.csv")).stream().skip(1)
                    .map(line -> line.split(",", -1))
                    .filter(f -> f[1].equals("val"))
                    .map(f -> new ValidationScan(dir.resolve(f[0]), f[2].equals("tumor")))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
