package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CastFreeChromaTest {

    @Test
    void aTintedGreyImageHasAlmostNoChromaLeft_colourContentKeepsIt() {
        RgbImage tinted = image(64, 48, 7, (v, rnd) -> new int[] {clamp(1.1 * v + 12), v, clamp(0.8 * v)});
        RgbImage colour = image(64, 48, 7, (v, rnd) -> new int[] {rnd.nextInt(256), v, rnd.nextInt(256)});
        assertTrue(MriPlausibility.castFreeChroma(tinted, BrainCropper.grey(tinted)) < 2.0);
        assertTrue(MriPlausibility.castFreeChroma(colour, BrainCropper.grey(colour)) > 40.0);
    }

    @Test
    void equalChannelsGiveExactlyZero() {
        RgbImage grey = image(33, 17, 3, (v, rnd) -> new int[] {v, v, v});
        assertEquals(0.0, MriPlausibility.castFreeChroma(grey, BrainCropper.grey(grey)));
        assertEquals(0.0, reference(grey, BrainCropper.grey(grey)));
    }

    @Test
    void sameValueAsTheFloatingPointDefinition() {
        Random seeds = new Random(11);
        for (int k = 0; k < 40; k++) {
            double gain = 0.6 + seeds.nextDouble();
            int offset = seeds.nextInt(40);
            boolean noisy = k % 3 == 0;
            RgbImage img = image(20 + seeds.nextInt(90), 20 + seeds.nextInt(90), seeds.nextLong(),
                    (v, rnd) -> new int[] {clamp(gain * v + offset), clamp(v + (noisy ? rnd.nextInt(30) : 0)),
                        clamp(v * 0.9)});
            byte[] grey = BrainCropper.grey(img);
            assertEquals(reference(img, grey), MriPlausibility.castFreeChroma(img, grey), "image " + k);
        }
    }

    /** The definition as first written (double sums, float residuals), kept here as the oracle. */
    private static double reference(RgbImage image, byte[] grey) {
        byte[] rgb = image.rgb();
        int n = image.width() * image.height();
        double sy = 0;
        double syy = 0;
        double[] sc = new double[3];
        double[] scy = new double[3];
        for (int i = 0, p = 0; i < n; i++, p += 3) {
            double y = grey[i] & 0xff;
            sy += y;
            syy += y * y;
            for (int c = 0; c < 3; c++) {
                double v = rgb[p + c] & 0xff;
                sc[c] += v;
                scy[c] += v * y;
            }
        }
        double denominator = n * syy - sy * sy;
        float[] a = new float[3];
        float[] b = new float[3];
        for (int c = 0; c < 3; c++) {
            double slope = denominator > 0 ? (n * scy[c] - sy * sc[c]) / denominator : 0;
            a[c] = (float) slope;
            b[c] = (float) ((sc[c] - slope * sy) / n);
        }
        double total = 0;
        for (int i = 0, p = 0; i < n; i++, p += 3) {
            int y = grey[i] & 0xff;
            float r = (rgb[p] & 0xff) - (a[0] * y + b[0]);
            float g = (rgb[p + 1] & 0xff) - (a[1] * y + b[1]);
            float bl = (rgb[p + 2] & 0xff) - (a[2] * y + b[2]);
            total += Math.max(r, Math.max(g, bl)) - Math.min(r, Math.min(g, bl));
        }
        return total / n;
    }

    private interface Pixel {
        int[] of(int value, Random rnd);
    }

    private static RgbImage image(int w, int h, long seed, Pixel pixel) {
        Random rnd = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            int v = (i % w) * 255 / Math.max(1, w - 1) / 2 + rnd.nextInt(128);
            int[] c = pixel.of(Math.min(255, v), rnd);
            rgb[3 * i] = (byte) c[0];
            rgb[3 * i + 1] = (byte) c[1];
            rgb[3 * i + 2] = (byte) c[2];
        }
        return new RgbImage("png", w, h, rgb);
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }
}
