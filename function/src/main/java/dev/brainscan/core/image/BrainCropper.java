package dev.brainscan.core.image;

import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;

/**
 * The classic brain crop (the seeds' OpenCV {@code crop_brain_contour}), in plain Java and
 * bit-exact with OpenCV 4.6: BT.601 grey in OpenCV's fixed point, the 5x5 Gaussian blur
 * OpenCV uses for sigma 0 (binomial 1-4-6-4-1, reflect-101 border, rounded), threshold,
 * erosion then dilation with a 3x3 square (border pixels never erode), the largest external
 * contour by polygon area (Suzuki-Abe border following, 8-connected), and the crop between
 * its extreme points, end-exclusive.
 *
 * <p>Written for speed as well: interior loops without border checks, the mask packed 64
 * pixels to a word ({@link BitMask}: morphology by shifts, components by runs), and one grey
 * image shared with {@link MriPlausibility}.
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

        /**
         * The parameters for an image read as every {@code step}-th pixel ({@link ReducedDecode}):
         * the erosions and dilations are in pixels, so each count is divided by the step, rounded
         * up (a skull or a sulcus a few source pixels wide must not be eroded away at the
         * working resolution; at least one pass still removes specks).
         */
        public Parameters atStep(int step) {
            if (step == 1) {
                return this;
            }
            return new Parameters(threshold, (erodeIterations + step - 1) / step, (dilateIterations + step - 1) / step,
                    minRegionFraction);
        }
    }

    /** The chosen region: its crop box and contour area (pixels, polygon area of the contour). */
    public record Region(CropBox box, double contourArea) {
    }

    // OpenCV chain-code order: E, NE, N, NW, W, SW, S, SE (counter-clockwise on screen).
    private static final int[] DX = {1, 1, 0, -1, -1, -1, 0, 1};
    private static final int[] DY = {0, -1, -1, -1, 0, 1, 1, 1};

    private final Parameters parameters;

    /** The same crop for an image read as every {@code step}-th pixel ({@link Parameters#atStep}). */
    public BrainCropper atStep(int step) {
        return step == 1 ? this : new BrainCropper(parameters.atStep(step));
    }

    public BrainCropper(Parameters parameters) {
        this.parameters = parameters;
    }

    public Region find(RgbImage image) throws ScanException {
        return find(grey(image), image.width(), image.height());
    }

    /** The crop on a grey image from {@link #grey(RgbImage)} (left unchanged). */
    public Region find(byte[] grey, int w, int h) throws ScanException {
        return regionOf(blurredMask(grey, w, h, parameters.threshold(), 1, 0).mask(), w, h);
    }

    /**
     * As {@link #find(byte[], int, int)} on an image {@link #blurred} already: the same region,
     * without blurring again (preprocessing v2 blurs once for its frame finder and dark rule).
     */
    public Region findInBlurred(byte[] blurred, int w, int h) throws ScanException {
        return regionOf(BitMask.above(blurred, w, h, parameters.threshold()), w, h);
    }

    /** As {@link #findInBlurred} on the blur's thresholded mask, already computed (left unchanged). */
    Region findInMask(BitMask aboveThreshold) throws ScanException {
        return regionOf(aboveThreshold, aboveThreshold.w, aboveThreshold.h);
    }

    private Region regionOf(BitMask mask, int w, int h) throws ScanException {
        // k iterations of a 3x3 square are one square of side 2k+1.
        mask = mask.morph(parameters.erodeIterations(), true).morph(parameters.dilateIterations(), false);
        Region best = largestRegion(mask);
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

    /** OpenCV's RGB2GRAY: BT.601 luma in 15-bit fixed point, rounded. */
    public static byte[] grey(RgbImage image) {
        return luma(image).grey();
    }

    /** The grey image and, from the same pass, the mean chroma (max - min of r, g, b) per pixel. */
    public record Luma(byte[] grey, double chroma) {
    }

    public static Luma luma(RgbImage image) {
        if (image.greyPlane() != null) {
            // r = g = b = v: the weights sum to 2^15, so the luma is v and the chroma 0, exactly
            return new Luma(image.greyPlane(), 0.0);
        }
        byte[] rgb = image.rgb();
        int n = image.width() * image.height();
        byte[] grey = new byte[n];
        long chroma = 0;
        for (int i = 0, p = 0; i < n; i++, p += 3) {
            int r = rgb[p] & 0xff;
            int g = rgb[p + 1] & 0xff;
            int b = rgb[p + 2] & 0xff;
            // OpenCV 4.6's 8-bit path rounds with 15-bit weights; equal to 4899/9617/1868 >> 14 on
            // grey pixels but not on every colour (checked over the whole RGB cube)
            grey[i] = (byte) ((r * 9798 + g * 19235 + b * 3735 + 16384) >> 15);
            // branches, not shifts: a colour decode of a grey scan has r = g = b in nearly every
            // pixel, where they are always predicted (a branch-free form was 10 % slower under C1)
            chroma += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
        }
        return new Luma(grey, (double) chroma / n);
    }

    /** OpenCV's GaussianBlur(5x5, sigma 0) on 8-bit grey: 1-4-6-4-1 both ways, reflect-101, rounded. */
    public static byte[] blurred(byte[] grey, int w, int h) {
        byte[] out = new byte[w * h];
        int n = (w + 3) >>> 2;
        long[] ring = Workspace.get().longs(5 * n);
        long half = lanes(128); // (sum + 128) >> 8: a lane's sum is at most 65,280, so + 128 does not carry
        int computed = -1;
        for (int y = 0; y < h; y++) {
            computed = packedRowsUpTo(grey, w, h, ring, computed, y);
            int r0 = ringRow(y - 2, h, n);
            int r1 = ringRow(y - 1, h, n);
            int r2 = ringRow(y, h, n);
            int r3 = ringRow(y + 1, h, n);
            int r4 = ringRow(y + 2, h, n);
            for (int k = 0, x = 0, o = y * w; k < n; k++) {
                long sum = ring[r0 + k] + 4 * ring[r1 + k] + 6 * ring[r2 + k] + 4 * ring[r3 + k] + ring[r4 + k] + half;
                for (int shift = 8; shift < 64 && x < w; shift += 16, x++, o++) {
                    out[o] = (byte) (sum >>> shift);
                }
            }
        }
        return out;
    }

    /** A mask of the blur and how many blurred pixels lie below a level. */
    record BlurMask(BitMask mask, long below) {
    }

    /**
     * The blur's mask, set where the blurred pixel is at most {@code threshold} ({@code flip} 0)
     * or above it (1), and the number of blurred pixels below {@code level}: {@link BitMask#atMost}
     * or {@link BitMask#above} of {@link #blurred} and a count, in one pass over the image with
     * the blur a row at a time (five rows of packed horizontal sums in per-thread scratch), so the
     * blurred image is neither stored nor read back.
     */
    static BlurMask blurredMask(byte[] grey, int w, int h, int threshold, int flip, int level) {
        BitMask mask = new BitMask(w, h);
        int n = (w + 3) >>> 2;
        long[] ring = Workspace.get().longs(5 * n);
        long below = 0;
        int computed = -1;
        for (int y = 0; y < h; y++) {
            computed = packedRowsUpTo(grey, w, h, ring, computed, y);
            below += verticalPacked(ring, w, h, y, mask, threshold, flip, level);
        }
        return new BlurMask(mask, below);
    }

    // Four pixels to a long, 16 bits each (pixel 4k + j in bits 16j..16j+15): a horizontal sum is
    // at most 16 x 255 and the vertical one at most 256 x 255 = 65280, so the five-row sum of
    // four lanes never carries from one lane into the next.
    private static final long LANE_TOP = 0x8000800080008000L;
    private static final long LANE_LOW15 = 0x7FFF7FFF7FFF7FFFL;
    /** Gathers the four lanes' top bits (15, 31, 47, 63) into bits 60..63, lane 0 lowest: the products do not overlap. */
    private static final long GATHER = (1L << 45) | (1L << 30) | (1L << 15) | 1L;

    /** {@code v} in each of the four lanes. */
    private static long lanes(int v) {
        long l = v & 0xffffL;
        return l | l << 16 | l << 32 | l << 48;
    }

    /**
     * The blur's row {@code y} from the ring of packed horizontal sums, thresholded into the
     * mask's row and counted below the level, four pixels per long: the blurred pixel
     * {@code (sum + 128) >> 8} is at most t exactly when {@code sum + 128 < (t + 1) << 8}, that is
     * when {@code sum >> 1} is below {@code ((A - 1) >> 1) + 1} with {@code A = ((t + 1) << 8) - 128};
     * halved, every lane is under 2^15, so {@code (half | top) - bound} leaves a lane's top bit set
     * exactly when it is at least the bound, without borrowing from the next lane. The same masks
     * and counts as thresholding {@link #blurred} pixel by pixel ({@code BitMaskTest}).
     * Returns the count of row {@code y}.
     */
    private static int verticalPacked(long[] ring, int w, int h, int y, BitMask mask, int threshold, int flip,
                                      int level) {
        int n = (w + 3) >>> 2;
        int r0 = ringRow(y - 2, h, n);
        int r1 = ringRow(y - 1, h, n);
        int r2 = ringRow(y, h, n);
        int r3 = ringRow(y + 1, h, n);
        int r4 = ringRow(y + 2, h, n);
        long atMostBound = lanes(((((threshold + 1) << 8) - 128 - 1) >> 1) + 1);
        int under = (level << 8) - 128; // sum < under: below the level (never when under <= 0)
        long belowBound = under > 0 ? lanes(((under - 1) >> 1) + 1) : 0; // 0: no lane is ever below
        long toAtMost = flip == 1 ? 0 : LANE_TOP; // flips a lane's "above" bit to "at most" (flip 0)
        long[] bits = mask.bits;
        int rowWord = y * mask.words;
        int below = 0;
        for (int k = 0, word = rowWord; k < n; word++) {
            int end = Math.min(n, k + 16);
            long packed = 0;
            long counts = 0; // four lanes of counts, at most 16 each
            for (int shift = 0; k < end; k++, shift += 4) {
                long sum = ring[r0 + k] + 4 * ring[r1 + k] + 6 * ring[r2 + k] + 4 * ring[r3 + k] + ring[r4 + k];
                long half = ((sum >>> 1) & LANE_LOW15) | LANE_TOP;
                long set = ((half - atMostBound) ^ toAtMost) & LANE_TOP;
                packed |= ((set * GATHER) >>> 60) << shift;
                counts += (~(half - belowBound) & LANE_TOP) >>> 15;
            }
            bits[word] = packed;
            below += (int) ((counts & 0xffff) + ((counts >>> 16) & 0xffff) + ((counts >>> 32) & 0xffff) + (counts >>> 48));
        }
        int padding = 4 * n - w; // the last long's lanes past the row: a sum of 0, so at most any threshold
        if (padding > 0) {
            int used = w - (mask.words - 1) * 64;
            if (used < 64) {
                bits[rowWord + mask.words - 1] &= (1L << used) - 1;
            }
            if (under > 0) {
                below -= padding; // and below any level over 0
            }
        }
        return below;
    }

    /**
     * The horizontal 1-4-6-4-1 sums (x16) of the row at {@code base}, reflect-101 at the ends,
     * packed four to a long ({@link #verticalPacked}), into {@code out} at {@code at}.
     */
    private static void horizontalRowPacked(byte[] grey, int base, int w, long[] out, int at) {
        int n = (w + 3) >>> 2;
        // the longs whose four pixels and their neighbours all lie inside the row: 4k - 2 >= 0 and 4k + 5 < w
        int innerEnd = Math.max(1, Math.min(n, (w - 2) >>> 2));
        for (int p = base + 4, o = at + 1, end = base + 4 * innerEnd; p < end; p += 4, o++) {
            int a = grey[p - 2] & 0xff;
            int b = grey[p - 1] & 0xff;
            int c = grey[p] & 0xff;
            int d = grey[p + 1] & 0xff;
            int e = grey[p + 2] & 0xff;
            int f = grey[p + 3] & 0xff;
            int g = grey[p + 4] & 0xff;
            int h = grey[p + 5] & 0xff;
            long s0 = a + 4 * (b + d) + 6 * c + e;
            long s1 = b + 4 * (c + e) + 6 * d + f;
            long s2 = c + 4 * (d + f) + 6 * e + g;
            long s3 = d + 4 * (e + g) + 6 * f + h;
            out[o] = s0 | s1 << 16 | s2 << 32 | s3 << 48;
        }
        // the first long and those from innerEnd on, pixel by pixel with the border's reflection
        packGeneric(grey, base, w, 0, Math.min(4, w), out, at);
        if (innerEnd * 4 < w) {
            packGeneric(grey, base, w, Math.max(4, innerEnd * 4), w, out, at);
        }
    }

    /** The packed horizontal sums of pixels {@code from} (a multiple of 4) to {@code to} of a row, border-safe. */
    private static void packGeneric(byte[] grey, int base, int w, int from, int to, long[] out, int at) {
        long packed = 0;
        for (int x = from; x < to; x++) {
            packed |= (long) tap5(grey, base, x, w) << ((x & 3) << 4);
            if ((x & 3) == 3 || x == to - 1) {
                out[at + (x >>> 2)] = packed;
                packed = 0;
            }
        }
    }

    /**
     * Makes sure the packed horizontal sums of every source row the blur's row {@code y} reads are
     * in the ring (row r at {@link #ringRow}): rows {@code computed + 1} to {@code min(y + 2, h - 1)}.
     * The rows row y reads after reflection lie in {@code y - 2 .. y + 2} and in the image, so five
     * slots hold them all. Returns the last row computed.
     */
    private static int packedRowsUpTo(byte[] grey, int w, int h, long[] ring, int computed, int y) {
        int n = (w + 3) >>> 2;
        int need = Math.min(y + 2, h - 1);
        while (computed < need) {
            computed++;
            horizontalRowPacked(grey, computed * w, w, ring, (computed % 5) * n);
        }
        return computed;
    }

    /** Where row {@code y} (reflected into the image) sits in the ring of five rows of {@code n} longs. */
    private static int ringRow(int y, int h, int n) {
        return reflect101(y, h) % 5 * n;
    }

    private static int tap5(byte[] grey, int base, int x, int w) {
        return (grey[base + reflect101(x - 2, w)] & 0xff) + 4 * (grey[base + reflect101(x - 1, w)] & 0xff)
                + 6 * (grey[base + x] & 0xff) + 4 * (grey[base + reflect101(x + 1, w)] & 0xff)
                + (grey[base + reflect101(x + 2, w)] & 0xff);
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
     * The 8-connected component with the largest outer-contour area (ties to the first in
     * raster order, as OpenCV lists contours); null when there is none. Each component's
     * border is traced from its first pixel; its box is its extreme pixels, end-exclusive.
     */
    static Region largestRegion(BitMask mask) {
        BitMask.Components c = mask.components(true);
        Region best = null;
        for (int i = 0; i < c.count(); i++) {
            double area = outerContourArea(mask, c.firstX()[i], c.minY()[i]);
            if (best == null || area > best.contourArea()) {
                best = new Region(new CropBox(c.minX()[i], c.minY()[i], c.maxX()[i] - c.minX()[i],
                        c.maxY()[i] - c.minY()[i]), area);
            }
        }
        return best;
    }

    /** Suzuki-Abe outer border following from the component's first pixel; shoelace area of the border. */
    static double outerContourArea(BitMask mask, int x0, int y0) {
        // Clockwise from the west neighbour for the first border pixel after the start.
        int first = -1;
        for (int k = 0; k < 8; k++) {
            int d = (4 - k) & 7;
            if (mask.get(x0 + DX[d], y0 + DY[d])) {
                first = d;
                break;
            }
        }
        if (first < 0) {
            return 0;
        }
        int x1 = x0 + DX[first], y1 = y0 + DY[first];
        int curX = x0, curY = y0;
        int fromDir = first; // direction from the current border pixel to the previous one
        long twiceArea = 0;
        while (true) {
            // Counter-clockwise around the current pixel, starting after the previous one.
            int nextX = 0, nextY = 0, dir = -1;
            for (int k = 1; k <= 8; k++) {
                int d = (fromDir + k) & 7;
                int nx = curX + DX[d], ny = curY + DY[d];
                if (mask.get(nx, ny)) {
                    nextX = nx;
                    nextY = ny;
                    dir = d;
                    break;
                }
            }
            twiceArea += (long) curX * nextY - (long) nextX * curY;
            if (nextX == x0 && nextY == y0 && curX == x1 && curY == y1) {
                break;
            }
            fromDir = (dir + 4) & 7;
            curX = nextX;
            curY = nextY;
        }
        return Math.abs(twiceArea) / 2.0;
    }
}
