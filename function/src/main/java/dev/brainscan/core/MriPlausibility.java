package dev.brainscan.core;

import java.util.Locale;

/**
 * Whether an image is plausibly a brain MR slice, from cheap statistics of the decoded image
 * and its crop region. MR slices are greyscale; their tissue is neither pixel noise nor a
 * perfectly smooth ramp; they are not mostly near-white (documents) or flat fills (screens,
 * UI); and a bright region that fills the whole frame without background must at least have
 * tissue-like texture. The thresholds sit beyond every one of the 6,700 training scans
 * (margins in {@link Thresholds#DEFAULT}); validation and a generated non-MRI set measure
 * them (README, "Not a brain MRI").
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

    /** Colour alone: cheap, before the crop. */
    public static double chroma(RgbImage image) {
        byte[] rgb = image.rgb();
        long sum = 0;
        int step = Math.max(1, (image.width() * image.height()) / 65536); // a sample suffices
        int n = 0;
        for (int i = 0; i < image.width() * image.height(); i += step) {
            int r = rgb[i * 3] & 0xff;
            int g = rgb[i * 3 + 1] & 0xff;
            int b = rgb[i * 3 + 2] & 0xff;
            sum += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
            n++;
        }
        return (double) sum / n;
    }

    public static Features features(RgbImage image, BrainCropper.Region region) {
        int w = image.width();
        int h = image.height();
        byte[] rgb = image.rgb();
        int margin = Math.max(1, Math.min(w, h) / 25);
        long border = 0;
        long borderDark = 0;
        long dark = 0;
        long bright = 0;
        long lit = 0;
        long flat = 0;
        double edges = 0;
        long edgeCount = 0;
        int[] previousRowLuma = new int[w];
        for (int y = 0; y < h; y++) {
            int left = 0;
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                int luma = ((rgb[o] & 0xff) * 4899 + (rgb[o + 1] & 0xff) * 9617 + (rgb[o + 2] & 0xff) * 1868 + 8192) >> 14;
                boolean isDark = luma <= DARK;
                if (isDark) {
                    dark++;
                }
                if (x < margin || y < margin || x >= w - margin || y >= h - margin) {
                    border++;
                    if (isDark) {
                        borderDark++;
                    }
                }
                if (luma >= 220) {
                    bright++;
                }
                if (x > 0 && y > 0) {
                    int dx = Math.abs(luma - left);
                    int dy = Math.abs(luma - previousRowLuma[x]);
                    edges += dx + dy;
                    edgeCount++;
                    if (!isDark) {
                        lit++;
                        if (dx == 0 && dy == 0) {
                            flat++;
                        }
                    }
                }
                previousRowLuma[x] = luma;
                left = luma;
            }
        }
        CropBox box = region.box();
        double boxArea = Math.max(1.0, (double) box.width() * box.height());
        return new Features(chroma(image), (double) borderDark / border, (double) dark / (w * h),
                region.contourArea() / ((double) w * h), edgeCount == 0 ? 0 : edges / (2.0 * edgeCount),
                region.contourArea() / boxArea, (double) bright / (w * h), lit == 0 ? 0 : (double) flat / lit);
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
    public String colourImplausibility(RgbImage image) {
        return chroma(image) > thresholds.maxChroma() ? "it is a colour image; MR slices are greyscale" : null;
    }
}
