package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.FormatVariants;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Issue 30: a plain colour JPEG read as its YCbCr samples gives the reader's own RGB, and grey when it is grey. */
class JpegYCbCrTest {
    private static final ImageDecoder DECODER = new ImageDecoder(Limits.DEFAULT);

    /** The pixels the reader's RGB image gives (the path every other JPEG takes). */
    private static RgbImage readersRgb(byte[] jpeg) throws Exception {
        return ImageDecoder.toImage("jpeg", ImageIO.read(new ByteArrayInputStream(jpeg)));
    }

    private static byte[] colourful(int w, int h) {
        BufferedImage img = Phantom.generate(5, w, h, true).image();
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(230, 40, 60));
        g.fillRect(w / 8, h / 8, w / 5, h / 6);
        g.setColor(new Color(20, 200, 240));
        g.fillOval(w / 2, h / 2, w / 4, h / 5);
        g.dispose();
        return FormatVariants.encode(img, "jpeg");
    }

    @Test
    void aColourJpeg_givesTheReadersRgbExactly() throws Exception {
        for (int[] size : new int[][] {{256, 256}, {301, 187}, {640, 480}, {1001, 777}}) {
            byte[] jpeg = colourful(size[0], size[1]);
            assertTrue(JpegYCbCr.plain(jpeg));
            RgbImage fast = DECODER.decode(jpeg);
            RgbImage reader = readersRgb(jpeg).subsampled(fast.step());
            assertNull(fast.greyPlane(), "it has colour");
            assertArrayEquals(reader.rgb(), fast.rgb(), size[0] + "x" + size[1]);
        }
    }

    @Test
    void oneColouredPixelAnywhere_makesTheImageColour() {
        // the grey check reads four pixels a step and the rest one by one: a single Cb or Cr off 128
        // at any position (each lane of a step, the tail) is colour; none at all is grey, Y kept
        for (int[] size : new int[][] {{1, 1}, {3, 1}, {5, 1}, {7, 3}, {8, 2}}) {
            int w = size[0];
            int h = size[1];
            int n = w * h;
            for (int at = -1; at < n; at++) {
                for (int channel = 1; channel <= 2; channel++) {
                    byte[] ycc = new byte[n * 3];
                    for (int i = 0; i < n; i++) {
                        ycc[3 * i] = (byte) (17 * i + 3);
                        ycc[3 * i + 1] = (byte) 128;
                        ycc[3 * i + 2] = (byte) 128;
                    }
                    if (at >= 0) {
                        ycc[3 * at + channel] = (byte) 129;
                    }
                    java.awt.image.Raster raster = java.awt.image.Raster.createInterleavedRaster(
                            new java.awt.image.DataBufferByte(ycc, ycc.length), w, h, w * 3, 3, new int[] {0, 1, 2}, null);
                    RgbImage image = JpegYCbCr.image("jpeg", raster);
                    String where = w + "x" + h + " pixel " + at + " channel " + channel;
                    if (at < 0) {
                        assertNotNull(image.greyPlane(), where);
                        for (int i = 0; i < n; i++) {
                            assertEquals((byte) (17 * i + 3), image.greyPlane()[i], where);
                        }
                    } else {
                        assertNull(image.greyPlane(), where);
                    }
                }
            }
        }
    }

    @Test
    void aGreyScanInAColourJpeg_isReadAsGrey() throws Exception {
        byte[] jpeg = Phantom.jpeg(3, 320, 300, true); // a colour JPEG of a grey picture
        assertTrue(JpegYCbCr.plain(jpeg));
        RgbImage fast = DECODER.decode(jpeg);
        assertNotNull(fast.greyPlane(), "Cb = Cr = 128 everywhere: kept as one channel");
        assertArrayEquals(readersRgb(jpeg).rgb(), fast.rgb());
    }

    @Test
    void otherLayouts_takeTheReadersPath() throws Exception {
        assertFalse(JpegYCbCr.plain(Phantom.greyJpeg(3, 200, 200, false)), "one component");
        assertFalse(JpegYCbCr.plain(FormatVariants.fixture("phantom-cmyk.jpg")), "Adobe CMYK");
        byte[] plain = colourful(200, 160);
        assertFalse(JpegYCbCr.plain(withSegment(plain, 0xE2, "ICC_PROFILE\0")), "an ICC profile");
        assertFalse(JpegYCbCr.plain(withSegment(plain, 0xEE, "Adobe")), "Adobe's transform segment");
        assertFalse(JpegYCbCr.plain(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}), "truncated");
        assertEquals(readersRgb(FormatVariants.fixture("phantom-cmyk.jpg")).width(),
                DECODER.decode(FormatVariants.fixture("phantom-cmyk.jpg")).width());
    }

    /** The JPEG with one more segment (marker, the given start of its data, padding) after SOI. */
    private static byte[] withSegment(byte[] jpeg, int marker, String start) {
        byte[] data = new byte[32];
        byte[] s = start.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(s, 0, data, 0, s.length);
        byte[] out = new byte[jpeg.length + 4 + data.length];
        out[0] = (byte) 0xFF;
        out[1] = (byte) 0xD8;
        out[2] = (byte) 0xFF;
        out[3] = (byte) marker;
        out[4] = 0;
        out[5] = (byte) (data.length + 2);
        System.arraycopy(data, 0, out, 6, data.length);
        System.arraycopy(jpeg, 2, out, 6 + data.length, jpeg.length - 2);
        return out;
    }
}
