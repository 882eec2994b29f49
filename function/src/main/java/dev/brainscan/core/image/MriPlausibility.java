package dev.brainscan.core.image;

import dev.brainscan.core.result.CropBox;
import java.util.Locale;

/**
 * Whether an image is plausibly a brain MR slice, from cheap statistics of the decoded image
 * and its crop region. MR slices are greyscale; their tissue is neither pixel noise nor a
 * perfectly smooth ramp; they are not mostly near-white (documents) or flat fills (screens,
 * UI); and a bright region that fills the whole frame without background must at least have
 * tissue-like texture. The thresholds sit beyond every one of the 6,700 training scans
 * (margins in {@link Thresholds#DEFAULT}); validation and a generated non-MRI set measure
 * them ({@code NotABrainMriValidationIT}, {@code NotABrainMriTest}; the rule: docs/contracts.md, "2. Preprocessing").
 */
public final class MriPlausibility {

    /** The statistics the decision uses (luma in OpenCV's BT.601 fixed point). */
    public record Features(double chroma, double borderDark, double darkFraction, double regionFraction,
                           double edgeEnergy, double regionFill, double brightFraction, double flatFraction) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "chroma=%.2f borderDark=%.3f dark=%.3f region=%.3f edge=%.2f fill=%.3f bright=%.3f flat=%.3f",
                    chroma, borderDark, darkFraction, regionFraction, edgeEnergy, regionFill, brightFraction,
                    flatFraction);
        }
    }

    /**
     * Limits a brain MR slice stays within. Training-split extremes, for the margin: chroma
     * max 10.4; edge energy 1.54 to 53.6; near-white share max 0.41; flat share max 0.32.
     */
    public record Thresholds(double maxChroma, double minEdgeEnergy, double maxEdgeEnergy, double maxBrightFraction,
                             double maxFlatFraction, double frameRegion, double frameFill, double frameBorderDark,
                             double frameMinEdge, double frameMaxEdge, double frameMaxBright) {
        public static final Thresholds DEFAULT =
                new Thresholds(12.0, 1.2, 60.0, 0.5, 0.45, 0.9, 0.9, 0.3, 4.0, 40.0, 0.05);
    }

    /** At or below the crop threshold: background, as the crop sees it. */
    static final int DARK = 45;

    private final Thresholds thresholds;

    public MriPlausibility(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    /**
     * Mean raw chroma above which preprocessing v2 reports the {@code grey} step: the image
     * carried a visible tint (or colour) that the grey model input dropped.
     */
    public static final double TINTED = 2.0;

    /**
     * Mean chroma (max - min over r, g, b) per pixel after each channel's least-squares affine
     * fit against the grey is subtracted: a grey image under a tint (photographed film, a sepia
     * export, a white balance) has each channel close to {@code a * grey + b} and comes out
     * near 0, while real colour content (hues that do not follow the brightness) stays.
     */
    public static double castFreeChroma(RgbImage image, byte[] grey) {
        byte[] rgb = image.rgb();
        int n = image.width() * image.height();
        // Integer sums: exact (below 2^63 for any accepted image), so the same values as the
        // double sums they replace, at a fraction of the cost.
        long sy = 0;
        long syy = 0;
        long sr = 0;
        long sg = 0;
        long sb = 0;
        long sry = 0;
        long sgy = 0;
        long sby = 0;
        boolean grey3 = true;
        for (int i = 0, p = 0; i < n; i++, p += 3) {
            int y = grey[i] & 0xff;
            int r = rgb[p] & 0xff;
            int g = rgb[p + 1] & 0xff;
            int b = rgb[p + 2] & 0xff;
            sy += y;
            syy += y * y;
            sr += r;
            sg += g;
            sb += b;
            sry += r * y;
            sgy += g * y;
            sby += b * y;
            grey3 &= r == g && g == b;
        }
        if (grey3) {
            return 0; // every channel equals the grey: the fit is exact and nothing is left
        }
        double denominator = (double) n * syy - (double) sy * sy;
        float[] pr = fit(n, sy, denominator, sr, sry);
        float[] pg = fit(n, sy, denominator, sg, sgy);
        float[] pb = fit(n, sy, denominator, sb, sby);
        double total = 0;
        for (int i = 0, p = 0; i < n; i++, p += 3) {
            int y = grey[i] & 0xff;
            float r = (rgb[p] & 0xff) - pr[y];
            float g = (rgb[p + 1] & 0xff) - pg[y];
            float bl = (rgb[p + 2] & 0xff) - pb[y];
            total += Math.max(r, Math.max(g, bl)) - Math.min(r, Math.min(g, bl));
        }
        return total / n;
    }

    /** One channel's least-squares {@code a * grey + b}, tabulated for the 256 grey levels (float, as before). */
    private static float[] fit(int n, long sy, double denominator, long sc, long scy) {
        double slope = denominator > 0 ? ((double) n * scy - (double) sy * sc) / denominator : 0;
        float a = (float) slope;
        float b = (float) ((sc - slope * sy) / n);
        float[] table = new float[256];
        for (int y = 0; y < 256; y++) {
            table[y] = a * y + b;
        }
        return table;
    }

    /** Mean chroma (max - min of r, g, b) per pixel: about 0 for greyscale. */
    public static double chroma(RgbImage image) {
        return BrainCropper.luma(image).chroma();
    }

    public static Features features(RgbImage image, BrainCropper.Region region) {
        BrainCropper.Luma luma = BrainCropper.luma(image);
        return features(image.width(), image.height(), luma.grey(), region, luma.chroma());
    }

    /** The features from the grey image the crop already made ({@link BrainCropper#grey}). */
    public static Features features(int w, int h, byte[] grey, BrainCropper.Region region, double chroma) {
        int n = w * h;
        // Texture at a fixed scale: per-pixel differences shrink as resolution grows, so large
        // images are block-averaged until their short side is under 512 pixels.
        int f = Math.max(1, Math.min(w, h) / 256);
        long dark = 0;
        long bright = 0;
        byte[] t = grey;
        if (f > 1) {
            // the dark and near-white counts from the block average's own pass over the pixels
            long[] counts = new long[2];
            t = blockAverage(grey, w, h, f, counts);
            dark = counts[0];
            bright = counts[1];
        } else {
            // at full scale the texture loop below meets every pixel but the first row and column
            for (int x = 0; x < w; x++) {
                int v = grey[x] & 0xff;
                dark += (v - DARK - 1) >>> 31;
                bright += (219 - v) >>> 31;
            }
            for (int y = 1; y < h; y++) {
                int v = grey[y * w] & 0xff;
                dark += (v - DARK - 1) >>> 31;
                bright += (219 - v) >>> 31;
            }
        }
        int tw = w / f;
        int th = h / f;
        long edges = 0;
        long lit = 0;
        long flat = 0;
        long brightInside = 0; // of the texture image below its first row and column
        for (int y = 1; y < th; y++) {
            int base = y * tw;
            int left = t[base] & 0xff; // carried along the row: one load less per pixel under C1
            // int sums per row (a row's edges are at most 510 per pixel), added to the totals after it
            int rowEdges = 0;
            int rowLit = 0;
            int rowFlat = 0;
            int rowBright = 0;
            for (int i = base + 1, up = i - tw, end = base + tw; i < end; i++, up++) {
                int v = t[i] & 0xff;
                int dx = v - left;
                int dy = v - (t[up] & 0xff);
                dx = (dx ^ (dx >> 31)) - (dx >> 31); // |dx| without a branch (Math.abs is one under C1)
                dy = (dy ^ (dy >> 31)) - (dy >> 31);
                left = v;
                rowEdges += dx + dy;
                int isLit = (DARK - v) >>> 31; // 1 when v > DARK
                rowLit += isLit;
                rowFlat += isLit & (((dx | dy) - 1) >>> 31); // and both differences 0
                rowBright += (219 - v) >>> 31;
            }
            edges += rowEdges;
            lit += rowLit;
            flat += rowFlat;
            brightInside += rowBright;
        }
        if (f == 1) {
            bright += brightInside;
            dark += (long) (w - 1) * (h - 1) - lit; // not lit is dark
        }
        int margin = Math.max(1, Math.min(w, h) / 25);
        long border = 0;
        long borderDark = 0;
        for (int y = 0; y < h; y++) {
            int base = y * w;
            // every pixel of the top and bottom bands; only the two side bands of the other rows
            boolean edgeRow = y < margin || y >= h - margin;
            int leftEnd = edgeRow ? w : Math.min(margin, w);
            int rightStart = edgeRow ? w : Math.max(leftEnd, w - margin);
            border += leftEnd + (w - rightStart);
            borderDark += darkIn(grey, base, base + leftEnd) + darkIn(grey, base + rightStart, base + w);
        }
        long edgeCount = (long) (tw - 1) * (th - 1);
        CropBox box = region.box();
        double boxArea = Math.max(1.0, (double) box.width() * box.height());
        return new Features(chroma, border == 0 ? 0 : (double) borderDark / border, (double) dark / n,
                region.contourArea() / ((double) w * h), edgeCount == 0 ? 0 : edges / (2.0 * edgeCount),
                region.contourArea() / boxArea, (double) bright / n, lit == 0 ? 0 : (double) flat / lit);
    }

    /** The mean of each f x f block (rounded), dropping partial blocks at the right and bottom. */
    static byte[] blockAverage(byte[] grey, int w, int h, int f) {
        return blockAverage(grey, w, h, f, new long[2]);
    }

    /**
     * {@link #blockAverage(byte[], int, int, int)}, and from the same pass the image's pixels at
     * most {@link #DARK} ({@code counts[0]}) and at least 220 ({@code counts[1]}), every pixel
     * counted, the partial blocks' included.
     */
    static byte[] blockAverage(byte[] grey, int w, int h, int f, long[] counts) {
        if (f == 2) {
            return blockAverage2(grey, w, h, counts);
        }
        int tw = w / f;
        int th = h / f;
        int[] sums = new int[tw];
        byte[] out = new byte[tw * th];
        int area = f * f;
        long dark = 0;
        long bright = 0;
        for (int by = 0; by < th; by++) {
            java.util.Arrays.fill(sums, 0);
            for (int y = by * f; y < by * f + f; y++) {
                int base = y * w;
                for (int bx = 0; bx < tw; bx++) {
                    int s = 0;
                    for (int x = bx * f; x < bx * f + f; x++) {
                        int v = grey[base + x] & 0xff;
                        s += v;
                        dark += (v - DARK - 1) >>> 31; // 1 when v <= DARK
                        bright += (219 - v) >>> 31; // 1 when v >= 220
                    }
                    sums[bx] += s;
                }
                for (int i = base + tw * f; i < base + w; i++) { // right of the last whole block
                    int v = grey[i] & 0xff;
                    dark += (v - DARK - 1) >>> 31;
                    bright += (219 - v) >>> 31;
                }
            }
            for (int bx = 0; bx < tw; bx++) {
                out[by * tw + bx] = (byte) ((sums[bx] + area / 2) / area);
            }
        }
        storeCounts(grey, th * f * w, w * h, dark, bright, counts);
        return out;
    }

    /**
     * Stores the dark and near-white counts into {@code counts}, with those of
     * {@code grey[from, to)} (the rows below the last whole block row) added.
     */
    private static void storeCounts(byte[] grey, int from, int to, long dark, long bright, long[] counts) {
        for (int i = from; i < to; i++) {
            int v = grey[i] & 0xff;
            dark += (v - DARK - 1) >>> 31;
            bright += (219 - v) >>> 31;
        }
        counts[0] = dark;
        counts[1] = bright;
    }

    /** The pixels at most {@link #DARK} in {@code grey[from, to)}. */
    private static int darkIn(byte[] grey, int from, int to) {
        int dark = 0;
        for (int i = from; i < to; i++) {
            dark += ((grey[i] & 0xff) - DARK - 1) >>> 31;
        }
        return dark;
    }

    /** {@link #blockAverage(byte[], int, int, int, long[])} for 2 x 2 blocks (short sides of 512-767 px), unrolled. */
    private static byte[] blockAverage2(byte[] grey, int w, int h, long[] counts) {
        int tw = w / 2;
        int th = h / 2;
        byte[] out = new byte[tw * th];
        long dark = 0;
        long bright = 0;
        for (int by = 0; by < th; by++) {
            int a = 2 * by * w;
            int b = a + w;
            int o = by * tw;
            int rowDark = 0;
            int rowBright = 0;
            for (int bx = 0; bx < tw; bx++, a += 2, b += 2, o++) {
                int v0 = grey[a] & 0xff;
                int v1 = grey[a + 1] & 0xff;
                int v2 = grey[b] & 0xff;
                int v3 = grey[b + 1] & 0xff;
                out[o] = (byte) ((v0 + v1 + v2 + v3 + 2) >> 2);
                rowDark += ((v0 - DARK - 1) >>> 31) + ((v1 - DARK - 1) >>> 31) + ((v2 - DARK - 1) >>> 31)
                        + ((v3 - DARK - 1) >>> 31); // 1 each when v <= DARK
                rowBright += ((219 - v0) >>> 31) + ((219 - v1) >>> 31) + ((219 - v2) >>> 31) + ((219 - v3) >>> 31);
            }
            if ((w & 1) == 1) { // right of the last whole block, both rows
                int v0 = grey[a] & 0xff;
                int v2 = grey[b] & 0xff;
                rowDark += ((v0 - DARK - 1) >>> 31) + ((v2 - DARK - 1) >>> 31);
                rowBright += ((219 - v0) >>> 31) + ((219 - v2) >>> 31);
            }
            dark += rowDark;
            bright += rowBright;
        }
        storeCounts(grey, th * 2 * w, w * h, dark, bright, counts);
        return out;
    }

    /** Null when plausible, else what makes the image implausible (for the error message). */
    public String implausibility(Features f) {
        Thresholds t = thresholds;
        if (f.chroma() > t.maxChroma()) {
            return "it is a colour image; MR slices are greyscale";
        }
        if (f.edgeEnergy() > t.maxEdgeEnergy()) {
            return "it is dominated by pixel-level noise";
        }
        if (f.edgeEnergy() < t.minEdgeEnergy()) {
            return "it is a smooth synthetic ramp with no tissue texture";
        }
        if (f.brightFraction() > t.maxBrightFraction()) {
            return "it is mostly near-white, like a page or a light screen";
        }
        if (f.flatFraction() > t.maxFlatFraction()) {
            return "it is made of flat fills, like a screenshot or a drawing";
        }
        if (f.regionFraction() > t.frameRegion() && f.regionFill() > t.frameFill() && f.borderDark() < t.frameBorderDark()
                && (f.edgeEnergy() > t.frameMaxEdge()
                    // smooth and without bright structure (skull, fat): a ramp, not a slice
                    || f.edgeEnergy() < t.frameMinEdge() && f.brightFraction() < t.frameMaxBright())) {
            return "it fills the frame without background and has no tissue-like texture";
        }
        return null;
    }

    /** Colour only, before the crop: a colour photo gets this reason rather than a crop failure. */
    public String colourImplausibility(double chroma) {
        return chroma > thresholds.maxChroma() ? "it is a colour image; MR slices are greyscale" : null;
    }
}
