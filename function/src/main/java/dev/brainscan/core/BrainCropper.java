package dev.brainscan.core;

import java.util.Arrays;

/**
 * The classic brain crop (the seeds' OpenCV {@code crop_brain_contour}), in plain Java and
 * bit-exact with OpenCV 4.6 where it matters: BT.601 grey in OpenCV's fixed point, the 5x5
 * Gaussian blur OpenCV uses for sigma 0 (binomial 1-4-6-4-1, reflect-101 border, rounded),
 * threshold, erosion then dilation with a 3x3 square (border pixels never erode), the
 * largest external contour by polygon area (Suzuki-Abe border following, 8-connected), and
 * the crop between its extreme points, end-exclusive.
 */
public final class BrainCropper {

    /** Crop parameters, as the manifest's {@code preprocessing.crop} gives them. */
    public record Parameters(int threshold, int erodeIterations, int dilateIterations, double minRegionFraction) {
        public static final Parameters DEFAULT = new Parameters(45, 2, 2, 0.01);

        public Parameters {
            if (threshold < 0 || threshold > 254 || erodeIterations < 0 || dilateIterations < 0
                    || minRegionFraction < 0 || minRegionFraction >= 1) {
                throw new IllegalArgumentException("crop parameters out of range");
            }
        }
    }

    /** The chosen region: its crop box and contour area (pixels, polygon area of the contour). */
    public record Region(CropBox box, double contourArea) {
    }

    // OpenCV chain-code order: E, NE, N, NW, W, SW, S, SE (counter-clockwise on screen).
    private static final int[] DX = {1, 1, 0, -1, -1, -1, 0, 1};
    private static final int[] DY = {0, -1, -1, -1, 0, 1, 1, 1};

    private final Parameters parameters;

    public BrainCropper(Parameters parameters) {
        this.parameters = parameters;
    }

    public Region find(RgbImage image) throws ScanException {
        int w = image.width();
        int h = image.height();
        byte[] mask = thresholdedBlur(image.rgb(), w, h, parameters.threshold());
        byte[] scratch = new byte[w * h];
        // k iterations of a 3x3 square are one square of side 2k+1.
        morph(mask, scratch, w, h, parameters.erodeIterations(), true);
        morph(mask, scratch, w, h, parameters.dilateIterations(), false);
        Region best = largestRegion(mask, w, h);
        if (best == null) {
            throw new ScanException(ErrorCode.NO_BRAIN_REGION, "No bright region was found in the image.");
        }
        if (best.contourArea() < parameters.minRegionFraction() * w * h || best.box().width() == 0
                || best.box().height() == 0) {
            throw new ScanException(ErrorCode.NO_BRAIN_REGION,
                    "The largest bright region covers under 1% of the image; is the scan very dark or empty?");
        }
        return best;
    }

    /** OpenCV's RGB2GRAY, GaussianBlur(5x5, sigma 0) and THRESH_BINARY in one pass over rows. */
    static byte[] thresholdedBlur(byte[] rgb, int w, int h, int threshold) {
        byte[] grey = new byte[w * h];
        for (int i = 0, p = 0; i < w * h; i++, p += 3) {
            int r = rgb[p] & 0xff;
            int g = rgb[p + 1] & 0xff;
            int b = rgb[p + 2] & 0xff;
            grey[i] = (byte) ((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14);
        }
        // Horizontally filtered rows, a ring of five, each the exact sum 1-4-6-4-1 (x16).
        int[][] ring = new int[5][w];
        int[] ringRow = {-1, -1, -1, -1, -1};
        byte[] mask = new byte[w * h];
        int limit = (threshold + 1) * 256 - 128; // blurred > threshold <=> (sum + 128) >> 8 > threshold
        for (int y = 0; y < h; y++) {
            int[][] rows = new int[5][];
            for (int k = -2; k <= 2; k++) {
                int sy = reflect101(y + k, h);
                int slot = Math.floorMod(sy, 5);
                if (ringRow[slot] != sy) {
                    horizontal(grey, sy, w, ring[slot]);
                    ringRow[slot] = sy;
                }
                rows[k + 2] = ring[slot];
            }
            int[] r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4];
            int base = y * w;
            for (int x = 0; x < w; x++) {
                int sum = r0[x] + 4 * r1[x] + 6 * r2[x] + 4 * r3[x] + r4[x];
                mask[base + x] = (byte) (sum >= limit ? 1 : 0);
            }
        }
        return mask;
    }

    private static void horizontal(byte[] grey, int y, int w, int[] out) {
        int base = y * w;
        for (int x = 0; x < w; x++) {
            int a = grey[base + reflect101(x - 2, w)] & 0xff;
            int b = grey[base + reflect101(x - 1, w)] & 0xff;
            int c = grey[base + x] & 0xff;
            int d = grey[base + reflect101(x + 1, w)] & 0xff;
            int e = grey[base + reflect101(x + 2, w)] & 0xff;
            out[x] = a + 4 * b + 6 * c + 4 * d + e;
        }
    }

    /** gfedcb|abcdefgh|gfedcba, as OpenCV's BORDER_REFLECT_101. */
    static int reflect101(int i, int n) {
        if (n == 1) {
            return 0;
        }
        while (i < 0 || i >= n) {
            i = i < 0 ? -i : 2 * n - 2 - i;
        }
        return i;
    }

    /**
     * Erosion (min) or dilation (max) with a square of side 2r+1, separably. Outside the image
     * counts as foreground for erosion and background for dilation (OpenCV's default border).
     */
    static void morph(byte[] mask, byte[] tmp, int w, int h, int r, boolean erode) {
        if (r == 0) {
            return;
        }
        byte outside = (byte) (erode ? 1 : 0);
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < w; x++) {
                tmp[base + x] = extreme(mask, base, x, w, 1, r, erode, outside);
            }
        }
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                mask[y * w + x] = extreme(tmp, x, y, h, w, r, erode, outside);
            }
        }
    }

    private static byte extreme(byte[] a, int base, int i, int n, int stride, int r, boolean erode, byte outside) {
        int lo = i - r;
        int hi = i + r;
        if (erode) {
            if ((lo < 0 || hi >= n) && outside == 0) {
                return 0;
            }
            for (int k = Math.max(lo, 0); k <= Math.min(hi, n - 1); k++) {
                if (a[base + k * stride] == 0) {
                    return 0;
                }
            }
            return 1;
        }
        for (int k = Math.max(lo, 0); k <= Math.min(hi, n - 1); k++) {
            if (a[base + k * stride] != 0) {
                return 1;
            }
        }
        return outside;
    }

    /** The component with the largest outer-contour area; null when there is none. */
    static Region largestRegion(byte[] mask, int w, int h) {
        Region best = null;
        int[] stack = new int[64];
        for (int start = 0; start < w * h; start++) {
            if (mask[start] != 1) {
                continue;
            }
            // First pixel of a new component in raster order: trace its outer border, then fill it.
            double area = outerContourArea(mask, w, h, start % w, start / w);
            int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
            int top = 0;
            stack[top++] = start;
            mask[start] = 2;
            while (top > 0) {
                int p = stack[--top];
                int px = p % w;
                int py = p / w;
                minX = Math.min(minX, px);
                maxX = Math.max(maxX, px);
                minY = Math.min(minY, py);
                maxY = Math.max(maxY, py);
                for (int d = 0; d < 8; d++) {
                    int nx = px + DX[d];
                    int ny = py + DY[d];
                    if (nx >= 0 && ny >= 0 && nx < w && ny < h && mask[ny * w + nx] == 1) {
                        mask[ny * w + nx] = 2;
                        if (top == stack.length) {
                            stack = Arrays.copyOf(stack, stack.length * 2);
                        }
                        stack[top++] = ny * w + nx;
                    }
                }
            }
            if (best == null || area > best.contourArea()) {
                best = new Region(new CropBox(minX, minY, maxX - minX, maxY - minY), area);
            }
        }
        return best;
    }

    private static boolean on(byte[] mask, int w, int h, int x, int y) {
        return x >= 0 && y >= 0 && x < w && y < h && mask[y * w + x] != 0;
    }

    /** Suzuki-Abe outer border following from the component's first pixel; shoelace area of the border. */
    static double outerContourArea(byte[] mask, int w, int h, int x0, int y0) {
        // Clockwise from the west neighbour for the first border pixel after the start.
        int first = -1;
        for (int k = 0; k < 8; k++) {
            int d = Math.floorMod(4 - k, 8);
            if (on(mask, w, h, x0 + DX[d], y0 + DY[d])) {
                first = d;
                break;
            }
        }
        if (first < 0) {
            return 0;
        }
        int x1 = x0 + DX[first], y1 = y0 + DY[first];
        int prevX = x1, prevY = y1;
        int curX = x0, curY = y0;
        long twiceArea = 0;
        while (true) {
            // Counter-clockwise around cur, starting after the direction of prev.
            int back = direction(prevX - curX, prevY - curY);
            int nextX = 0, nextY = 0;
            for (int k = 1; k <= 8; k++) {
                int d = (back + k) & 7;
                int nx = curX + DX[d], ny = curY + DY[d];
                if (on(mask, w, h, nx, ny)) {
                    nextX = nx;
                    nextY = ny;
                    break;
                }
            }
            twiceArea += (long) curX * nextY - (long) nextX * curY;
            if (nextX == x0 && nextY == y0 && curX == x1 && curY == y1) {
                break;
            }
            prevX = curX;
            prevY = curY;
            curX = nextX;
            curY = nextY;
        }
        return Math.abs(twiceArea) / 2.0;
    }

    private static int direction(int dx, int dy) {
        for (int d = 0; d < 8; d++) {
            if (DX[d] == dx && DY[d] == dy) {
                return d;
            }
        }
        throw new IllegalStateException("not a neighbour");
    }
}
