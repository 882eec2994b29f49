package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.FormatVariants;
import dev.brainscan.testing.NonMriCorpus;
import dev.brainscan.testing.TestModels;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The NOT_A_BRAIN_MRI check measured on generated non-MRI images (a seed the thresholds were
 * never looked at with): at least 95 % are refused. Its rate on real validation scans is
 * measured by NotABrainMriValidationIT (needs the shared dataset).
 */
class NotABrainMriTest {
    static final ScanClassifier CLASSIFIER = TestModels.classifier();

    @Test
    void generatedNonMriImages_atLeast95PercentAreRefused() {
        Map<String, int[]> perFamily = new TreeMap<>();
        int refused = 0;
        int total = 0;
        for (NonMriCorpus.Sample s : NonMriCorpus.generate(70, 3)) {
            ScanResult r = CLASSIFIER.classify(FormatVariants.encode(s.image(), "png"), s.name(), Map.of());
            boolean notMri = r.failed() && r.error().code() == ErrorCode.NOT_A_BRAIN_MRI;
            int[] counts = perFamily.computeIfAbsent(s.family(), k -> new int[2]);
            counts[0] += notMri ? 1 : 0;
            counts[1]++;
            refused += notMri ? 1 : 0;
            total++;
        }
        StringBuilder report = new StringBuilder();
        perFamily.forEach((family, c) -> report.append(String.format(Locale.ROOT, " %s %d/%d;", family, c[0], c[1])));
        System.out.printf(Locale.ROOT, "NOT_A_BRAIN_MRI on generated non-MRI images: %d/%d (%.1f%%):%s%n", refused, total,
                100.0 * refused / total, report);
        assertTrue(total >= 300);
        assertTrue(refused >= 0.95 * total, refused + "/" + total + report);
    }

    @Test
    void phantomsAndEveryFormatOfAScan_areNotRefused() {
        for (int i = 0; i < 20; i++) {
            ScanResult r = CLASSIFIER.classify(Phantom.jpeg(500 + i, 160 + i * 23, 200 + i * 11, i % 2 == 0), "p",
                    Map.of());
            assertFalse(r.failed(), "phantom " + i + ": " + r.error());
        }
        // Texture is judged at a fixed scale, so a high-resolution export is not "too smooth".
        ScanResult large = CLASSIFIER.classify(Phantom.jpeg(77, 2400, 2400, true), "large", Map.of());
        assertFalse(large.failed(), "2400x2400 phantom: " + large.error());
        FormatVariants.all().forEach((name, bytes) -> {
            ScanResult r = CLASSIFIER.classify(bytes, name, Map.of());
            assertFalse(r.failed(), name + ": " + r.error());
        });
    }
}
