package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import org.junit.jupiter.api.Test;

/**
 * The crop on synthetic shapes. Expected boxes are what OpenCV 4.6's crop_brain_contour gives
 * for the same arrays (models/training/preprocess.py crop_box).
 */
class BrainCropperTest {
    static final BrainCropper CROPPER = new BrainCropper(BrainCropper.Parameters.DEFAULT);

    @Test
    void theBlur_isOpenCvsFiveByFiveBinomialWithReflect101Borders() {
        // the definition pixel by pixel: weights 1-4-6-4-1 both ways, sum / 256 rounded half up,
        // gfedcb|abcdefgh|gfedcba at the borders; widths of every remainder modulo the packing
        java.util.Random rnd = new java.util.Random(19);
        int[] weights = {1, 4, 6, 4, 1};
        int[][] sizes = {{1, 1}, {1, 6}, {2, 2}, {3, 5}, {4, 4}, {5, 3}, {6, 7}, {7, 2}, {9, 9}, {63, 5}, {64, 3},
            {65, 4}, {130, 11}};
        for (int[] size : sizes) {
            int w = size[0];
            int h = size[1];
            byte[] grey = new byte[w * h];
            rnd.nextBytes(grey);
            byte[] blurred = BrainCropper.blurred(grey, w, h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sum = 0;
                    for (int dy = -2; dy <= 2; dy++) {
                        for (int dx = -2; dx <= 2; dx++) {
                            int v = grey[BrainCropper.reflect101(y + dy, h) * w + BrainCropper.reflect101(x + dx, w)] & 0xff;
                            sum += weights[dy + 2] * weights[dx + 2] * v;
                        }
                    }
                    assertEquals((sum + 128) >> 8, blurred[y * w + x] & 0xff, w + "x" + h + " at " + x + "," + y);
                }
            }
        }
    }

    static RgbImage canvas(int w, int h) {
        return new RgbImage("test", w, h, new byte[w * h * 3]);
    }

    static void fillRect(RgbImage img, int x0, int y0, int w, int h, int v) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int o = (y * img.width() + x) * 3;
                img.rgb()[o] = img.rgb()[o + 1] = img.rgb()[o + 2] = (byte) v;
            }
        }
    }

    @Test
    void brightRectangle_isCroppedToItsExtremePointsEndExclusive() throws ScanException {
        RgbImage img = canvas(200, 160);
        fillRect(img, 40, 30, 100, 80, 200);
        // The blur lifts one pixel outside each edge over the threshold (200 x 5/16 > 45); the
        // crop runs from the contour's first to its last pixel, excluding the last.
        assertEquals(new CropBox(39, 29, 101, 81), CROPPER.find(img).box());
    }

    @Test
    void largestRegion_winsOverASmallerBrighterOne() throws ScanException {
        RgbImage img = canvas(300, 200);
        fillRect(img, 10, 10, 40, 40, 255);
        fillRect(img, 120, 50, 150, 120, 120);
        assertEquals(new CropBox(120, 50, 149, 119), CROPPER.find(img).box()); // 120 x 5/16 < 45: no growth
    }

    @Test
    void ringWithAHole_isCroppedToItsOuterBorder() throws ScanException {
        RgbImage img = canvas(200, 200);
        fillRect(img, 20, 20, 160, 160, 180);
        fillRect(img, 50, 50, 100, 100, 0);
        BrainCropper.Region region = CROPPER.find(img);
        assertEquals(new CropBox(19, 19, 161, 161), region.box());
        assertEquals(25913.0, region.contourArea(), 1e-9); // cv2.contourArea of the outer contour
    }

    @Test
    void regionTouchingTheImageBorder_keepsTheBorder() throws ScanException {
        RgbImage img = canvas(120, 100);
        fillRect(img, 0, 0, 120, 100, 90);
        assertEquals(new CropBox(0, 0, 119, 99), CROPPER.find(img).box());
    }

    @Test
    void darkImage_hasNoBrainRegion() {
        RgbImage img = canvas(100, 100);
        fillRect(img, 10, 10, 80, 80, 45); // at the threshold, not above it
        assertEquals(ErrorCode.NO_BRAIN_REGION, assertThrows(ScanException.class, () -> CROPPER.find(img)).code());
    }

    @Test
    void speckUnderOnePercent_hasNoBrainRegion() {
        RgbImage img = canvas(300, 300);
        fillRect(img, 100, 100, 9, 9, 255); // survives the opening, 64 px of contour area < 900
        ScanException e = assertThrows(ScanException.class, () -> CROPPER.find(img));
        assertEquals(ErrorCode.NO_BRAIN_REGION, e.code());
    }

    @Test
    void thinLines_areRemovedByTheErosion() {
        RgbImage img = canvas(100, 100);
        // A 1-px line blurs into a 3-px band above the threshold; the 5x5 erosion removes it.
        fillRect(img, 0, 50, 100, 1, 255);
        fillRect(img, 50, 0, 1, 100, 255);
        assertEquals(ErrorCode.NO_BRAIN_REGION, assertThrows(ScanException.class, () -> CROPPER.find(img)).code());
    }

    @Test
    void reflect101_mirrorsWithoutRepeatingTheEdge() {
        assertEquals(2, BrainCropper.reflect101(-2, 10));
        assertEquals(1, BrainCropper.reflect101(-1, 10));
        assertEquals(8, BrainCropper.reflect101(10, 10));
        assertEquals(7, BrainCropper.reflect101(11, 10));
    }
}
