package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.result.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.image.ExifOrientationTest;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.FormatVariants;
import dev.brainscan.testing.NonMriCorpus;
import dev.brainscan.testing.TestManifests;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pipeline under a manifest that says {@code preprocessing.version: 2} (the shipped network, v2 preprocessing). */
class ScanClassifierV2Test {
    static final Map<String, String> SOURCE = Map.of("file", "p.jpg");
    static ScanClassifier v2;
    static ScanClassifier v1;

    @BeforeAll
    static void load() {
        v2 = TestManifests.v2Classifier();
        v1 = TestManifests.v1Classifier();
    }

    @AfterAll
    static void close() {
        v2.close();
        v1.close();
    }

    /** The phantom under a warm tint (r x1, g x0.8, b x0.6, lifted), as a photographed film. */
    static byte[] tinted(long seed) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Phantom.jpeg(seed, 240, 260, true)));
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int v = img.getRGB(x, y) & 0xff;
                int r = Math.min(255, v + 15);
                int g = Math.min(255, (int) (v * 0.8) + 8);
                int b = (int) (v * 0.6);
                out.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return Phantom.encode(out, "png");
    }

    @Test
    void aTintedScanIsClassifiedAsGreyAndSaysSo_whileV1RefusesIt() throws Exception {
        byte[] png = tinted(5);
        ScanResult r = v2.classify(png, "t", SOURCE);
        assertFalse(r.failed(), () -> String.valueOf(r.error()));
        assertEquals(new ScanResult.PreprocessingInfo(2, List.of("grey")), r.preprocessing());
        JsonNode json = Json.mapper().readTree(Json.write(r));
        assertEquals(2, json.get("preprocessing").get("version").asInt());
        assertEquals("grey", json.get("preprocessing").get("steps").get(0).asText());
        ScanResult old = v1.classify(png, "t", SOURCE);
        assertEquals(ErrorCode.NOT_A_BRAIN_MRI, old.error().code());
    }

    @Test
    void aPlainScanTakesNoExtraStepAndTheV1ModelNeverReportsPreprocessing() {
        byte[] jpeg = Phantom.jpeg(7, 256, 256, false);
        ScanResult r = v2.classify(jpeg, "p", SOURCE);
        assertFalse(r.failed());
        assertNull(r.preprocessing());
        ScanResult old = v1.classify(jpeg, "p", SOURCE);
        assertNull(old.preprocessing());
        assertEquals(old.crop(), r.crop());
        assertFalse(Json.write(old).contains("preprocessing"));
    }

    @Test
    void aColourPhotoIsStillRefused() {
        BufferedImage photo = new BufferedImage(300, 240, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 300; x++) {
                // hue varies across the image independently of brightness
                int r = (x * 255 / 300);
                int g = 255 - r;
                int b = (y * 255 / 240);
                photo.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ScanResult r = v2.classify(Phantom.encode(photo, "png"), "c", SOURCE);
        assertEquals(ErrorCode.NOT_A_BRAIN_MRI, r.error().code());
        assertTrue(r.error().message().contains("colour"), r.error().message());
    }

    @Test
    void generatedNonMriImages_atLeast98PercentAreRefusedUnderV2() {
        Map<String, int[]> perFamily = new java.util.TreeMap<>();
        int refused = 0;
        int total = 0;
        for (NonMriCorpus.Sample s : NonMriCorpus.generate(70, 3)) {
            ScanResult r = v2.classify(FormatVariants.encode(s.image(), "png"), s.name(), Map.of());
            boolean notMri = r.failed() && r.error().code() == ErrorCode.NOT_A_BRAIN_MRI;
            int[] c = perFamily.computeIfAbsent(s.family(), k -> new int[2]);
            c[0] += notMri ? 1 : 0;
            c[1]++;
            refused += notMri ? 1 : 0;
            total++;
        }
        StringBuilder report = new StringBuilder();
        perFamily.forEach((f, c) -> report.append(String.format(java.util.Locale.ROOT, " %s %d/%d;", f, c[0], c[1])));
        System.out.printf(java.util.Locale.ROOT, "v2 NOT_A_BRAIN_MRI on generated non-MRI images: %d/%d (%.1f%%):%s%n",
                refused, total, 100.0 * refused / total, report);
        assertTrue(refused >= 0.98 * total, refused + "/" + total + report);
    }

    @Test
    void exifOrientationIsHonouredAndReported() throws Exception {
        byte[] jpeg = Phantom.jpeg(9, 300, 200, true);
        byte[] turned = ExifOrientationTest.withExif(jpeg, ExifOrientationTest.exifSegment(6, false));
        ScanResult r = v2.classify(turned, "e", SOURCE);
        assertFalse(r.failed());
        assertEquals(new ScanResult.ImageInfo("jpeg", 200, 300), r.image());
        assertEquals(List.of("exif-orientation"), r.preprocessing().steps());
        ScanResult old = v1.classify(turned, "e", SOURCE);
        assertEquals(new ScanResult.PreprocessingInfo(1, List.of("exif-orientation")), old.preprocessing());
    }
}
