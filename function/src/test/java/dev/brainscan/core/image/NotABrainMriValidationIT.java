package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brainscan.core.result.ScanException;
import dev.brainscan.testing.TestPaths;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Real validation scans are almost never refused as NOT_A_BRAIN_MRI: at most 0.5 %. */
class NotABrainMriValidationIT {
    @Test
    void validationScans_atMostHalfAPercentRefused() throws Exception {
        var dataset = TestPaths.dataset();
        assumeTrue(dataset.isPresent(), "SKIPPED: ../shared/datasets/brain-mri is not here");
        ImageDecoder decoder = new ImageDecoder(Limits.DEFAULT);
        BrainCropper cropper = new BrainCropper(BrainCropper.Parameters.DEFAULT);
        MriPlausibility plausibility = new MriPlausibility(MriPlausibility.Thresholds.DEFAULT);
        List<String> refused = new ArrayList<>();
        int scans = 0;
        for (TestPaths.ValidationScan scan : TestPaths.validationScans()) {
            scans++;
            RgbImage image = decoder.decode(Files.readAllBytes(scan.file()));
            String reason = plausibility.colourImplausibility(MriPlausibility.chroma(image));
            if (reason == null) {
                try {
                    reason = plausibility.implausibility(MriPlausibility.features(image, cropper.find(image)));
                } catch (ScanException e) {
                    continue; // NO_BRAIN_REGION, counted by the crop parity test
                }
            }
            if (reason != null) {
                refused.add(scan.file().getFileName() + " (" + reason + ")");
            }
        }
        System.out.printf(Locale.ROOT, "NOT_A_BRAIN_MRI on validation scans: %d/%d (%.2f%%) %s%n", refused.size(), scans,
                100.0 * refused.size() / scans, refused);
        assertTrue(refused.size() <= 0.005 * scans, refused.toString());
    }
}
