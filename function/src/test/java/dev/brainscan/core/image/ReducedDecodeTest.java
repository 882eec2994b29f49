package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.TestModels;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Issue 30: images over 700 px are read at the working resolution, every n-th pixel; the record keeps the source. */
class ReducedDecodeTest {

    private static byte[] binaryPng(int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
        Graphics2D g = img.createGraphics();
        g.fillOval(w / 4, h / 4, w / 2, h / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void stepBringsTheLongerSideTo700OrUnder() {
        assertEquals(1, ReducedDecode.step(700, 700));
        assertEquals(1, ReducedDecode.step(256, 700));
        assertEquals(2, ReducedDecode.step(701, 300));
        assertEquals(2, ReducedDecode.step(1024, 1024));
        assertEquals(2, ReducedDecode.step(900, 1400));
        assertEquals(3, ReducedDecode.step(1920, 1080));
        assertEquals(8, ReducedDecode.step(5000, 4000));
        assertEquals(626, RgbImage.subsampledSide(1251, 2));
    }

    @Test
    void twentyMegapixelPng_decodedAtTheWorkingResolution_keepingItsSourceSize() throws Exception {
        RgbImage image = new ImageDecoder(Limits.DEFAULT).decode(binaryPng(5000, 4000));
        assertEquals(625, image.width());
        assertEquals(500, image.height());
        assertEquals(8, image.step());
        assertEquals(5000, image.sourceWidth());
        assertEquals(4000, image.sourceHeight());
    }

    @Test
    void sevenHundredPixelPng_decodedWhole() throws Exception {
        RgbImage image = new ImageDecoder(Limits.DEFAULT).decode(binaryPng(700, 420));
        assertEquals(700, image.width());
        assertEquals(1, image.step());
        assertEquals(700, image.sourceWidth());
    }

    @Test
    void readerSubsampling_keepsThePixelsThatSubsamplingAWholeDecodeKeeps() throws Exception {
        // the reader's subsampling (JPEG, PNG, BMP, GIF) and RgbImage.subsampled (WebP, DICOM) must agree
        for (byte[] jpeg : new byte[][] {Phantom.jpeg(7, 1001, 777, true), Phantom.greyJpeg(8, 640, 1399, false)}) {
            RgbImage reduced = new ImageDecoder(Limits.DEFAULT).decode(jpeg);
            RgbImage whole = ImageDecoder.toImage("jpeg", ImageIO.read(new ByteArrayInputStream(jpeg)));
            RgbImage subsampled = whole.subsampled(2);
            assertEquals(2, reduced.step());
            assertEquals(subsampled.width(), reduced.width());
            assertEquals(subsampled.height(), reduced.height());
            assertArrayEquals(subsampled.rgb(), reduced.rgb());
        }
    }

    @Test
    void webp_isSubsampledAfterItsDecode() throws Exception {
        byte[] webp = dev.brainscan.testing.HostileCorpus.vp8lPlain(64, 15364, 64 * 15364 / 2);
        RgbImage image = new ImageDecoder(Limits.DEFAULT).decode(webp);
        assertEquals(22, image.step());
        assertEquals(3, image.width());
        assertEquals(699, image.height());
        assertEquals(64, image.sourceWidth());
        assertEquals(15364, image.sourceHeight());
    }

    @Test
    void aBoxOnTheReducedImage_coversTheSourcePixelsItStandsFor() {
        RgbImage image = RgbImage.ofGrey("png", 1001, 777, new byte[1001 * 777]).subsampled(2);
        assertEquals(501, image.width());
        assertEquals(new CropBox(20, 40, 200, 100), image.toSource(new CropBox(10, 20, 100, 50)));
        // the last column of the reduced image is source column 1000: clipped to the source
        assertEquals(new CropBox(800, 0, 201, 2), image.toSource(new CropBox(400, 0, 101, 1)));
    }

    @Test
    void aLargeScansRecord_givesTheSourceSizeAndABoxOnTheSource() throws Exception {
        ScanClassifier classifier = TestModels.classifier();
        byte[] large = Phantom.jpeg(11, 1400, 1200, true);
        ScanResult r = classifier.classify(large, "large.jpg", Map.of());
        assertFalse(r.failed(), () -> String.valueOf(r.error()));
        assertEquals(1400, r.image().width());
        assertEquals(1200, r.image().height());
        assertTrue(r.preprocessing().steps().contains(ScanClassifier.STEP_REDUCED), r.preprocessing().toString());
        CropBox box = r.crop();
        assertTrue(box.x() % 2 == 0 && box.y() % 2 == 0, box.toString());
        assertTrue(box.x() + box.width() <= 1400 && box.y() + box.height() <= 1200, box.toString());
        assertTrue(box.width() > 500 && box.height() > 400, "the phantom's head fills most of the image: " + box);
        ScanResult small = classifier.classify(Phantom.jpeg(11, 700, 600, true), "small.jpg", Map.of());
        assertTrue(small.preprocessing() == null || !small.preprocessing().steps().contains(ScanClassifier.STEP_REDUCED));
    }
}
