package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brainscan.core.result.CropBox;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The gate's features, computed in fused passes, equal their one-statistic-per-pass definition. */
class PlausibilityFeaturesTest {

    @Test
    void fusedPassesEqualThePlainDefinition() {
        Random rnd = new Random(5);
        // short sides below 512 (texture at full resolution) and above (block-averaged), odd sizes,
        // flat areas (the flat fraction), values at the dark and bright bounds
        int[][] sizes = {{1, 1}, {1, 7}, {7, 1}, {2, 2}, {64, 48}, {255, 300}, {511, 513}, {512, 512}, {600, 800},
            {769, 1030}, {1024, 770}};
        for (int[] size : sizes) {
            int w = size[0];
            int h = size[1];
            for (int kind = 0; kind < 3; kind++) {
                byte[] grey = new byte[w * h];
                for (int i = 0; i < grey.length; i++) {
                    int v = switch (kind) {
                        case 0 -> rnd.nextInt(256);
                        case 1 -> (i / 37) % 3 == 0 ? MriPlausibility.DARK + rnd.nextInt(2) : 219 + rnd.nextInt(2);
                        default -> ((i % w) * 255) / Math.max(1, w - 1);
                    };
                    grey[i] = (byte) v;
                }
                BrainCropper.Region region = new BrainCropper.Region(new CropBox(0, 0, Math.max(1, w / 2),
                        Math.max(1, h / 2)), w * h / 5.0);
                MriPlausibility.Features fused = MriPlausibility.features(w, h, grey, region, 1.5);
                assertEquals(reference(w, h, grey, region, 1.5), fused, w + "x" + h + " kind " + kind);
            }
        }
    }

    /** The definition as first written: a histogram, then the texture, then the border. */
    static MriPlausibility.Features reference(int w, int h, byte[] grey, BrainCropper.Region region, double chroma) {
        int n = w * h;
        int[] histogram = new int[256];
        for (byte g : grey) {
            histogram[g & 0xff]++;
        }
        int f = Math.max(1, Math.min(w, h) / 256);
        byte[] t = f == 1 ? grey : MriPlausibility.blockAverage(grey, w, h, f);
        int tw = w / f;
        int th = h / f;
        long edges = 0;
        long lit = 0;
        long flat = 0;
        for (int y = 1; y < th; y++) {
            for (int x = 1; x < tw; x++) {
                int v = t[y * tw + x] & 0xff;
                int dx = Math.abs(v - (t[y * tw + x - 1] & 0xff));
                int dy = Math.abs(v - (t[(y - 1) * tw + x] & 0xff));
                edges += dx + dy;
                if (v > MriPlausibility.DARK) {
                    lit++;
                    if (dx == 0 && dy == 0) {
                        flat++;
                    }
                }
            }
        }
        long dark = 0;
        for (int v = 0; v <= MriPlausibility.DARK; v++) {
            dark += histogram[v];
        }
        long bright = 0;
        for (int v = 220; v < 256; v++) {
            bright += histogram[v];
        }
        int margin = Math.max(1, Math.min(w, h) / 25);
        long border = 0;
        long borderDark = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (y < margin || y >= h - margin || x < margin || x >= w - margin) {
                    border++;
                    if ((grey[y * w + x] & 0xff) <= MriPlausibility.DARK) {
                        borderDark++;
                    }
                }
            }
        }
        long edgeCount = (long) (tw - 1) * (th - 1);
        double boxArea = Math.max(1.0, (double) region.box().width() * region.box().height());
        return new MriPlausibility.Features(chroma, border == 0 ? 0 : (double) borderDark / border, (double) dark / n,
                region.contourArea() / ((double) w * h), edgeCount == 0 ? 0 : edges / (2.0 * edgeCount),
                region.contourArea() / boxArea, (double) bright / n, lit == 0 ? 0 : (double) flat / lit);
    }

    @Test
    void theBlockAveragesPassAveragesEachBlockAndCountsEveryPixelsDarkAndNearWhite() {
        java.util.Random rnd = new java.util.Random(30);
        int[][] sizes = {{10, 10}, {11, 13}, {515, 600}, {1030, 777}, {7, 3}};
        for (int[] size : sizes) {
            int w = size[0];
            int h = size[1];
            byte[] grey = new byte[w * h];
            for (int i = 0; i < grey.length; i++) {
                grey[i] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextBoolean() ? rnd.nextInt(60) : 200 + rnd.nextInt(56));
            }
            for (int f = 2; f <= 5; f++) {
                long dark = 0;
                long bright = 0;
                for (byte g : grey) {
                    dark += (g & 0xff) <= MriPlausibility.DARK ? 1 : 0;
                    bright += (g & 0xff) >= 220 ? 1 : 0;
                }
                long[] counts = new long[2];
                byte[] average = MriPlausibility.blockAverage(grey, w, h, f, counts);
                int tw = w / f;
                for (int by = 0; by < h / f; by++) {
                    for (int bx = 0; bx < tw; bx++) {
                        int sum = 0;
                        for (int y = by * f; y < by * f + f; y++) {
                            for (int x = bx * f; x < bx * f + f; x++) {
                                sum += grey[y * w + x] & 0xff;
                            }
                        }
                        org.junit.jupiter.api.Assertions.assertEquals((sum + f * f / 2) / (f * f),
                                average[by * tw + bx] & 0xff, w + "x" + h + " f " + f + " block " + bx + "," + by);
                    }
                }
                org.junit.jupiter.api.Assertions.assertEquals(dark, counts[0], w + "x" + h + " f " + f);
                org.junit.jupiter.api.Assertions.assertEquals(bright, counts[1], w + "x" + h + " f " + f);
            }
        }
    }
}
