package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The packed mask against per-pixel definitions, on widths around the 64-pixel word (1, 63,
 * 64, 65, 130) and random images: thresholds and the histogram, counts, the complement, and
 * 4- and 8-connected components against a flood fill.
 */
class BitMaskTest {
    private static final int[][] SIZES = {{1, 1}, {1, 9}, {7, 1}, {63, 5}, {64, 4}, {65, 6}, {130, 17}, {97, 53}};

    private static byte[] randomImage(Random rnd, int n, int mode) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) switch (mode) {
                case 0 -> rnd.nextInt(256);
                case 1 -> rnd.nextDouble() < 0.5 ? 0 : 200; // long runs
                case 2 -> (i / 7) % 3 == 0 ? 255 : 10; // stripes across word ends
                default -> rnd.nextInt(60) + 20; // near the thresholds
            };
        }
        return p;
    }

    @Test
    void thresholds_andTheHistogram_matchThePixels() {
        Random rnd = new Random(11);
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            for (int mode = 0; mode < 4; mode++) {
                byte[] p = randomImage(rnd, w * h, mode);
                int t = 45;
                int[] histogram = new int[256];
                BitMask dark = BitMask.atMost(p, w, h, t, histogram);
                BitMask lit = BitMask.above(p, w, h, t);
                int[] expected = new int[256];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int v = p[y * w + x] & 0xff;
                        expected[v]++;
                        assertEquals(v <= t, dark.get(x, y), w + "x" + h + " at " + x + "," + y);
                        assertEquals(v > t, lit.get(x, y));
                        assertEquals(v > t, dark.not().get(x, y));
                    }
                }
                assertArrayEquals(expected, histogram);
                assertArrayEquals(lit.bits, dark.not().bits, "the complement keeps the bits past the width 0");
            }
        }
    }

    @Test
    void counts_matchThePixels() {
        Random rnd = new Random(12);
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            byte[] p = randomImage(rnd, w * h, 0);
            BitMask m = BitMask.above(p, w, h, 127);
            long total = 0;
            for (int i = 0; i < p.length; i++) {
                total += (p[i] & 0xff) > 127 ? 1 : 0;
            }
            assertEquals(total, m.count());
            for (int rep = 0; rep < 40; rep++) {
                int x = rnd.nextInt(w);
                int y = rnd.nextInt(h);
                int bw = 1 + rnd.nextInt(w - x);
                int bh = 1 + rnd.nextInt(h - y);
                long box = 0;
                long row = 0;
                long column = 0;
                for (int yy = y; yy < y + bh; yy++) {
                    for (int xx = x; xx < x + bw; xx++) {
                        box += m.get(xx, yy) ? 1 : 0;
                    }
                    column += m.get(x, yy) ? 1 : 0;
                }
                for (int xx = x; xx < x + bw; xx++) {
                    row += m.get(xx, y) ? 1 : 0;
                }
                assertEquals(box, m.count(x, y, bw, bh), w + "x" + h);
                assertEquals(row, m.rowCount(y, x, bw));
                assertEquals(column, m.columnCount(x, y, bh));
            }
            assertEquals(0, m.rowCount(0, 0, 0));
            assertEquals(0, m.columnCount(0, 0, -1));
        }
    }

    @Test
    void components_matchAFloodFill_fourAndEightConnected() {
        Random rnd = new Random(13);
        int cases = 0;
        for (int[] size : SIZES) {
            int w = size[0];
            int h = size[1];
            for (double density : new double[] {0.0, 0.3, 0.5, 0.7, 1.0}) {
                for (int rep = 0; rep < 6; rep++) {
                    byte[] mask = new byte[w * h];
                    for (int i = 0; i < mask.length; i++) {
                        boolean on = rep == 5 ? ((i % w) + (i / w)) % 2 == 0 : rnd.nextDouble() < density;
                        mask[i] = (byte) (on ? 1 : 0); // rep 5: a checkerboard, all diagonal contacts
                    }
                    for (boolean eight : new boolean[] {false, true}) {
                        assertEquals(floodFill(mask, w, h, eight), describe(BitMask.of(mask, w, h).components(eight)),
                                w + "x" + h + " density " + density + (eight ? " 8" : " 4") + "-connected");
                        cases++;
                    }
                }
            }
        }
        assertEquals(SIZES.length * 5 * 6 * 2, cases);
    }

    /** "firstX,minY minX..maxX x minY..maxY area" per component, in the order given. */
    private static List<String> describe(BitMask.Components c) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < c.count(); i++) {
            out.add(c.firstX()[i] + "," + c.minY()[i] + " " + c.minX()[i] + ".." + c.maxX()[i] + " x " + c.minY()[i]
                    + ".." + c.maxY()[i] + " " + c.area()[i]);
        }
        return out;
    }

    /** The definition: a flood fill from each unvisited pixel in raster order. */
    private static List<String> floodFill(byte[] mask, int w, int h, boolean eight) {
        boolean[] seen = new boolean[w * h];
        List<String> out = new ArrayList<>();
        int[] stack = new int[w * h];
        for (int s = 0; s < w * h; s++) {
            if (mask[s] == 0 || seen[s]) {
                continue;
            }
            int minX = s % w;
            int maxX = s % w;
            int maxY = s / w;
            long area = 0;
            int top = 0;
            stack[top++] = s;
            seen[s] = true;
            while (top > 0) {
                int p = stack[--top];
                int px = p % w;
                int py = p / w;
                area++;
                minX = Math.min(minX, px);
                maxX = Math.max(maxX, px);
                maxY = Math.max(maxY, py);
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0)) {
                            continue;
                        }
                        int nx = px + dx;
                        int ny = py + dy;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h && mask[ny * w + nx] != 0 && !seen[ny * w + nx]) {
                            seen[ny * w + nx] = true;
                            stack[top++] = ny * w + nx;
                        }
                    }
                }
            }
            out.add(s % w + "," + s / w + " " + minX + ".." + maxX + " x " + s / w + ".." + maxY + " " + area);
        }
        return out;
    }

    @Test
    void theRowAtATimeBlurGivesTheMaskOfTheWholeBlurAndTheCountBelowALevel() {
        Random rnd = new Random(30);
        int[][] sizes = {{1, 1}, {1, 9}, {7, 1}, {2, 2}, {3, 4}, {4, 3}, {5, 5}, {6, 2}, {63, 5}, {64, 4}, {65, 6},
            {130, 17}, {97, 53}};
        for (int[] size : sizes) {
            int w = size[0];
            int h = size[1];
            for (int mode = 0; mode < 4; mode++) {
                byte[] grey = randomImage(rnd, w * h, mode);
                byte[] blurred = BrainCropper.blurred(grey, w, h);
                for (int t : new int[] {0, 30, 45, 100, 254}) {
                    for (int level : new int[] {0, 1, 45, 90, 255, 256}) {
                        for (int flip = 0; flip < 2; flip++) {
                            BrainCropper.BlurMask fused = BrainCropper.blurredMask(grey, w, h, t, flip, level);
                            BitMask whole = flip == 0 ? BitMask.atMost(blurred, w, h, t, new int[256])
                                    : BitMask.above(blurred, w, h, t);
                            long below = 0;
                            for (byte b : blurred) {
                                below += (b & 0xff) < level ? 1 : 0;
                            }
                            String where = w + "x" + h + " mode " + mode + " t " + t + " level " + level;
                            assertArrayEquals(whole.bits, fused.mask().bits, where);
                            assertEquals(below, fused.below(), where);
                        }
                    }
                }
            }
        }
    }
}
