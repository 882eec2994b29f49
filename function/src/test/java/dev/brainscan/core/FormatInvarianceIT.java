package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brainscan.testing.FormatVariants;
import dev.brainscan.testing.TestModels;
import dev.brainscan.testing.TestPaths;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Format invariance on real validation scans whose scores are not saturated: each is
 * re-encoded in memory (never written anywhere) in the formats Java can write, and must
 * score within 0.02 of the original JPEG. WebP and CMYK are covered by FormatInvarianceTest.
 */
class FormatInvarianceIT {
    @Test
    void validationScansInEveryWritableFormat_scoreWithin002() throws Exception {
        var dataset = TestPaths.dataset();
        assumeTrue(dataset.isPresent(), "SKIPPED: ../shared/datasets/brain-mri is not here");
        ScanClassifier classifier = TestModels.classifier();
        List<Path> chosen = new ArrayList<>();
        for (TestPaths.ValidationScan scan : TestPaths.validationScans()) {
            Path p = scan.file();
            ScanResult r = classifier.classify(Files.readAllBytes(p), "v", Map.of());
            if (!r.failed() && r.score() > 0.05 && r.score() < 0.95) {
                chosen.add(p);
            }
            if (chosen.size() == 12) {
                break;
            }
        }
        assertTrue(chosen.size() >= 5, "too few validation scans with mid-range scores: " + chosen.size());
        double worst = 0;
        for (Path p : chosen) {
            byte[] jpeg = Files.readAllBytes(p);
            double reference = classifier.classify(jpeg, "ref", Map.of()).score();
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg));
            BufferedImage rgb = new BufferedImage(decoded.getWidth(), decoded.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            rgb.getGraphics().drawImage(decoded, 0, 0, null);
            for (var e : FormatVariants.fromImage(rgb).entrySet()) {
                ScanResult r = classifier.classify(e.getValue(), e.getKey(), Map.of());
                assertFalse(r.failed(), p.getFileName() + " as " + e.getKey() + ": " + r.error());
                worst = Math.max(worst, Math.abs(r.score() - reference));
                assertEquals(reference, r.score(), 0.02, p.getFileName() + " as " + e.getKey());
            }
        }
        System.out.printf(Locale.ROOT, "format invariance on %d validation scans: worst |score difference| %.4f%n",
                chosen.size(), worst);
    }
}
