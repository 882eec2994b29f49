package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

public class ExifOrientationTest {

    /** A JPEG of a 64x32 image, dark left half and white right half, with an APP1 Exif segment stating {@code orientation}. */
    static byte[] jpeg(int orientation, boolean bigEndian) throws Exception {
        BufferedImage img = new BufferedImage(64, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 64; x++) {
                int v = x < 32 ? (y < 16 ? 0 : 90) : 255;
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return withExif(out.toByteArray(), exifSegment(orientation, bigEndian));
    }

    public static byte[] exifSegment(int orientation, boolean bigEndian) {
        byte[] tiff = new byte[8 + 2 + 2 * 12 + 4];
        put16(tiff, 0, bigEndian ? 0x4D4D : 0x4949, true);
        put16(tiff, 2, 42, bigEndian);
        put32(tiff, 4, 8, bigEndian);
        put16(tiff, 8, 2, bigEndian);
        // an unrelated entry first (ImageWidth), then Orientation SHORT x1
        put16(tiff, 10, 0x0100, bigEndian);
        put16(tiff, 12, 3, bigEndian);
        put32(tiff, 14, 1, bigEndian);
        put16(tiff, 18, 64, bigEndian);
        put16(tiff, 22, 0x0112, bigEndian);
        put16(tiff, 24, 3, bigEndian);
        put32(tiff, 26, 1, bigEndian);
        put16(tiff, 30, orientation, bigEndian);
        byte[] seg = new byte[4 + 6 + tiff.length];
        seg[0] = (byte) 0xFF;
        seg[1] = (byte) 0xE1;
        put16(seg, 2, seg.length - 2, true);
        System.arraycopy("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, seg, 4, 6);
        System.arraycopy(tiff, 0, seg, 10, tiff.length);
        return seg;
    }

    public static byte[] withExif(byte[] jpeg, byte[] segment) {
        byte[] out = new byte[jpeg.length + segment.length];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        System.arraycopy(segment, 0, out, 2, segment.length);
        System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
        return out;
    }

    private static void put16(byte[] b, int at, int v, boolean bigEndian) {
        b[at + (bigEndian ? 0 : 1)] = (byte) (v >> 8);
        b[at + (bigEndian ? 1 : 0)] = (byte) v;
    }

    private static void put32(byte[] b, int at, int v, boolean bigEndian) {
        put16(b, at + (bigEndian ? 0 : 2), v >>> 16, bigEndian);
        put16(b, at + (bigEndian ? 2 : 0), v & 0xffff, bigEndian);
    }

    private static int grey(RgbImage image, int x, int y) {
        return image.rgb()[(y * image.width() + x) * 3] & 0xff;
    }

    @Test
    void readsTheOrientationTagInBothByteOrders() throws Exception {
        for (int o = 1; o <= 8; o++) {
            assertEquals(o, ExifOrientation.of(jpeg(o, true)));
            assertEquals(o, ExifOrientation.of(jpeg(o, false)));
        }
    }

    @Test
    void decoderTurnsTheImageAsTheTagSays() throws Exception {
        ImageDecoder decoder = new ImageDecoder(Limits.DEFAULT);
        RgbImage upright = decoder.decode(jpeg(1, true));
        assertEquals(64, upright.width());
        RgbImage cw = decoder.decode(jpeg(6, false)); // turned 90 degrees clockwise: the white half is at the bottom
        assertEquals(32, cw.width());
        assertEquals(64, cw.height());
        assertTrue(grey(cw, 16, 60) > 200 && grey(cw, 16, 4) < 120, "white half at the bottom");
        assertTrue(grey(cw, 28, 4) < 30 && grey(cw, 4, 4) > 60, "dark quarter (stored top-left) at the top right");
        RgbImage ccw = decoder.decode(jpeg(8, true)); // anticlockwise: white half at the top, dark quarter bottom left
        assertTrue(grey(ccw, 16, 4) > 200 && grey(ccw, 4, 60) < 30 && grey(ccw, 28, 60) > 60);
        RgbImage mirrored = decoder.decode(jpeg(2, true));
        assertTrue(grey(mirrored, 4, 4) > 200 && grey(mirrored, 60, 4) < 30);
        RgbImage half = decoder.decode(jpeg(3, true));
        assertTrue(grey(half, 4, 4) > 200 && grey(half, 60, 28) < 30 && grey(half, 60, 4) > 60);
    }

    @Test
    void everyTurnIsAPermutationThatItsInverseUndoes() {
        byte[] rgb = new byte[5 * 3 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) i;
        }
        RgbImage image = new RgbImage("jpeg", 5, 3, rgb);
        int[] inverse = {0, 1, 2, 3, 4, 5, 8, 7, 6};
        for (int o = 1; o <= 8; o++) {
            RgbImage turned = ExifOrientation.apply(image, o);
            assertEquals(o >= 5 ? 3 : 5, turned.width());
            assertArrayEquals(rgb, ExifOrientation.apply(turned, inverse[o]).rgb(), "orientation " + o);
        }
    }

    @Test
    void malformedOrMissingExifMeansAsStored() throws Exception {
        byte[] good = jpeg(6, true);
        assertEquals(1, ExifOrientation.of(new byte[] {(byte) 0xFF, (byte) 0xD8}));
        assertEquals(1, ExifOrientation.of("not a jpeg at all".getBytes()));
        for (int cut = 2; cut < 50; cut++) {
            assertEquals(1, ExifOrientation.of(Arrays.copyOf(good, cut)), "truncated at " + cut);
        }
        byte[] badOffset = good.clone();
        badOffset[2 + 10 + 7] = (byte) 0x7F; // IFD0 offset far outside the segment
        assertEquals(1, ExifOrientation.of(badOffset));
        byte[] badValue = withExif(Arrays.copyOfRange(good, 0, 2), exifSegment(9, true));
        assertEquals(1, ExifOrientation.of(badValue));
        assertEquals(1, ExifOrientation.of(jpeg(1, false)));
    }
}
