package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.testing.TestManifests;
import dev.brainscan.testing.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real scans under preprocessing v2 and its gate: the validation split (and, with
 * {@code -Dgate.train=true}, the training split) through the whole pipeline; every refusal
 * (NOT_A_BRAIN_MRI or NO_BRAIN_REGION) is listed. At most one validation scan is refused.
 */
class GateV2IT {
    @Test
    void realScansAreAlmostNeverRefused() throws Exception {
        var dataset = TestPaths.dataset();
        assumeTrue(dataset.isPresent(), "SKIPPED: ../shared/datasets/brain-mri is not here");
        List<String> splits = Boolean.getBoolean("gate.train") ? List.of("val", "train") : List.of("val");
        List<String> manifest = Files.readAllLines(dataset.get().resolve("manifest.csv"));
        try (ScanClassifier v2 = TestManifests.v2Classifier()) {
            for (String split : splits) {
                List<String> refused = new ArrayList<>();
                int n = 0;
                for (String line : manifest.subList(1, manifest.size())) {
                    String[] f = line.split(",", -1);
                    if (!f[1].equals(split)) {
                        continue;
                    }
                    n++;
                    Path file = dataset.get().resolve(f[0]);
                    ScanResult r = v2.classify(Files.readAllBytes(file), f[0], Map.of());
                    if (r.failed()) {
                        refused.add(f[0] + " " + r.error().code() + " (" + r.error().message() + ")");
                    }
                }
                System.out.printf(Locale.ROOT, "v2 refusals on %s: %d/%d%n", split, refused.size(), n);
                refused.forEach(s -> System.out.println("  " + s));
                if (split.equals("val")) {
                    assertTrue(refused.size() <= 1, refused.toString());
                }
            }
        }
    }
}
