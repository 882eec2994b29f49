package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Issue 27, row 12: images over 16 MP are decoded at reduced resolution, smaller ones whole. */
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
    void twentyMegapixelPng_decodedAtHalfResolution() throws Exception {
        RgbImage image = new ImageDecoder(Limits.DEFAULT).decode(binaryPng(5000, 4000));
        assertEquals(2500, image.width());
        assertEquals(2000, image.height());
    }

    @Test
    void twelveMegapixelPng_decodedWhole() throws Exception {
        RgbImage image = new ImageDecoder(Limits.DEFAULT).decode(binaryPng(4000, 3000));
        assertEquals(4000, image.width());
        assertEquals(3000, image.height());
    }

    @Test
    void stepKeepsAbout5Megapixels_andLeavesWebpAndSmallImagesAlone() {
        assertEquals(1, ReducedDecode.step(true, 4000, 4000));
        assertEquals(2, ReducedDecode.step(true, 5000, 4000));
        assertEquals(3, ReducedDecode.step(true, 6320, 6320));
        assertEquals(1, ReducedDecode.step(false, 6320, 6320));
        assertEquals(2107, ReducedDecode.side(6320, 3));
    }
}
