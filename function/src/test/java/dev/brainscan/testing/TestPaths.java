package dev.brainscan.testing;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
