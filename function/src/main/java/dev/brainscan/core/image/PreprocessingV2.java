package dev.brainscan.core.image;

import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.util.ArrayList;
import java.util.List;

/**
 * Preprocessing v2 ({@code docs/contracts.md} section 2), the Java twin of
 * {@code preprocess_v2} in {@code models/training/preprocess.py}: the v1 crop where it works,
 * plus a frame finder (the scan inside a screenshot or viewer border), an adaptive threshold
 * (dark scans), grey model input (colour casts) and a percentile stretch of the crop
 * (exposure and contrast). Integer arithmetic throughout, float32 for the resize and the
 * stretch, in the same order as the Python reference, so boxes agree exactly and pixels to
 * rounding ({@code PreprocessingParityTest}).
 */
public final class PreprocessingV2 {

    /** The constants, as the manifest's {@code preprocessing.frame/dark/stretch} give them. */
    public record Parameters(int frameDark, double frameMinInside, double frameMinOutside, double frameMinLit,
                             double frameMinEdgeDark, double frameMinSideLit, double framePiecesMinArea,
                             double framePiecesMinEdgeDark, double framePiecesMaxInside, int darkP99Below, int adaptiveMin,
                             int adaptiveMax, double stretchLow, double stretchHigh, int stretchMinRange) {
        /**
         * The Python constants ({@code DARK_P99}, {@code FRAME_MIN_*}, {@code FRAME_MIN_PIECE},
         * {@code FRAME_PIECES_*}, {@code STRETCH_*}).
         */
        public static final Parameters DEFAULT =
                new Parameters(45, 0.15, 0.04, 0.5, 0.75, 0.9, 0.005, 0.1, 0.6, 90, 8, 45, 0.01, 0.99, 16);

        public Parameters {
            if (frameDark < 0 || frameDark > 254 || adaptiveMin < 0 || adaptiveMax > 254 || adaptiveMin > adaptiveMax
                    || darkP99Below < 0 || darkP99Below > 256 || !(stretchLow >= 0 && stretchLow < stretchHigh
                    && stretchHigh <= 1) || stretchMinRange < 1 || stretchMinRange > 255
                    || !fraction(frameMinInside) || !fraction(frameMinOutside) || !fraction(frameMinLit)
                    || !fraction(frameMinEdgeDark) || !fraction(frameMinSideLit) || !fraction(framePiecesMinArea)
                    || !fraction(framePiecesMinEdgeDark) || !fraction(framePiecesMaxInside)) {
                throw new IllegalArgumentException("preprocessing v2 parameters out of range");
            }
        }

        private static boolean fraction(double v) {
            return v >= 0 && v <= 1;
        }
    }

    /** A rectangle of the image: left, top, width, height. */
    public record Rect(int x, int y, int width, int height) {
    }

    /**
     * What v2 did to one grey image: the grey crop ({@code cropWidth x cropHeight}), its box in
     * the image, the frame (null when none), the region the crop came from (in the frame's
     * coordinates), the steps beyond the v1 crop and the stretch bounds.
     */
    public record Result(byte[] crop, int cropWidth, int cropHeight, CropBox box, Rect frame,
                         BrainCropper.Region region, List<String> steps, int low, int high) {
    }

    public static final String STEP_FRAME = "frame";
    public static final String STEP_ADAPTIVE = "adaptive-threshold";

    private final Parameters parameters;
    private final BrainCropper.Parameters crop;

    public PreprocessingV2(BrainCropper.Parameters crop, Parameters parameters) {
        this.crop = crop;
        this.parameters = parameters;
    }

    /** The same preprocessing for an image read as every {@code step}-th pixel ({@link BrainCropper.Parameters#atStep}). */
    public PreprocessingV2 atStep(int step) {
        return step == 1 ? this : new PreprocessingV2(crop.atStep(step), parameters);
    }

    /** {@code preprocess_v2} on a BT.601 grey image ({@link BrainCropper#grey}); NO_BRAIN_REGION as v1. */
    public Result run(byte[] grey, int w, int h) throws ScanException {
        List<String> steps = new ArrayList<>(2);
        // one pass blurs the whole image a few rows at a time and gives the frame finder's dark mask
        // and the count the dark rule reads, which serve the frame finder and, without a frame, the
        // dark rule and the crop; the blurred image and its histogram are made only for the rare
        // paths that read them (no region at the fixed threshold, or two different thresholds)
        BrainCropper.BlurMask blur = BrainCropper.blurredMask(grey, w, h, parameters.frameDark(), 0,
                parameters.darkP99Below());
        BitMask dark = blur.mask();
        Rect frame = findFrame(dark);
        byte[] sub = grey;
        int sw = w;
        int sh = h;
        int fx = 0;
        int fy = 0;
        BitMask lit; // above the crop's fixed threshold, when a pass already made it; null: threshold later
        if (frame != null) {
            fx = frame.x();
            fy = frame.y();
            sw = frame.width();
            sh = frame.height();
            sub = RgbImage.copyPlane(grey, w, fx, fy, sw, sh);
            steps.add(STEP_FRAME);
            // the crop's own blur: a frame's sub-image blurs with its own borders, not as part of the
            // whole; one pass over it gives the dark rule's count and the crop's mask
            blur = BrainCropper.blurredMask(sub, sw, sh, crop.threshold(), 1, parameters.darkP99Below());
            lit = blur.mask();
        } else {
            // above the crop threshold is "not dark" when the two thresholds are one
            lit = crop.threshold() == parameters.frameDark() ? dark.not() : null;
        }
        BrainCropper.Region region = null;
        byte[] blurredSub = null; // made when a path below needs it
        // the 99th percentile of the blur reaches darkP99Below: fewer pixels below it than the rank
        if (percentileAtLeast(blur.below(), (long) sw * sh, 0.99)) {
            try {
                if (lit != null) {
                    region = cropper(crop.threshold()).findInMask(lit);
                } else {
                    blurredSub = BrainCropper.blurred(sub, sw, sh);
                    region = cropper(crop.threshold()).findInBlurred(blurredSub, sw, sh);
                }
            } catch (ScanException e) {
                region = null;
            }
        }
        if (region == null) {
            if (blurredSub == null) {
                blurredSub = BrainCropper.blurred(sub, sw, sh);
            }
            int t = Math.min(Math.max(otsu(histogram(blurredSub)), parameters.adaptiveMin()), parameters.adaptiveMax());
            region = adaptiveRegion(t, blurredSub, sw, sh);
            steps.add(STEP_ADAPTIVE);
        }
        CropBox r = region.box();
        byte[] cropped = RgbImage.copyPlane(sub, sw, r.x(), r.y(), r.width(), r.height());
        int[] bounds = stretchBounds(cropped);
        return new Result(cropped, r.width(), r.height(), new CropBox(r.x() + fx, r.y() + fy, r.width(), r.height()),
                frame, region, List.copyOf(steps), bounds[0], bounds[1]);
    }

    /** The grey pixels of the frame (the whole image when there is none), for the plausibility gate. */
    public static byte[] framed(byte[] grey, int w, Rect frame) {
        return frame == null ? grey : RgbImage.copyPlane(grey, w, frame.x(), frame.y(), frame.width(), frame.height());
    }

    /**
     * The region above Otsu's threshold, the threshold halved (never below {@code adaptiveMin}) while
     * no region reaches the minimum: in a dark exposure the brain sits below Otsu's split of the
     * histogram, which separates the black background from the brightest tissue.
     */
    private BrainCropper.Region adaptiveRegion(int otsuThreshold, byte[] blurred, int w, int h) throws ScanException {
        int t = otsuThreshold;
        while (true) {
            try {
                return cropper(t).findInBlurred(blurred, w, h);
            } catch (ScanException e) {
                if (t <= parameters.adaptiveMin() || e.code() != ErrorCode.NO_BRAIN_REGION) {
                    throw e;
                }
                t = Math.max(parameters.adaptiveMin(), t / 2);
            }
        }
    }

    private BrainCropper cropper(int threshold) {
        return new BrainCropper(new BrainCropper.Parameters(threshold, crop.erodeIterations(), crop.dilateIterations(),
                crop.minRegionFraction()));
    }

    static int[] histogram(byte[] pixels) {
        // two interleaved counts: runs of one level (a scan's black background) would otherwise
        // make every increment wait for the previous one to the same slot
        int[] even = new int[256];
        int[] odd = new int[256];
        int n = pixels.length & ~1;
        for (int i = 0; i < n; i += 2) {
            even[pixels[i] & 0xff]++;
            odd[pixels[i + 1] & 0xff]++;
        }
        if (n < pixels.length) {
            even[pixels[n] & 0xff]++;
        }
        for (int v = 0; v < 256; v++) {
            even[v] += odd[v];
        }
        return even;
    }

    /** Smallest v whose cumulative count reaches {@code ceil(fraction * total)} (at least 1). */
    static int percentile(int[] hist, double fraction) {
        long total = 0;
        for (int c : hist) {
            total += c;
        }
        long need = total == 0 ? 0 : (long) Math.ceil(fraction * total);
        need = Math.max(need, 1);
        long cumulative = 0;
        for (int v = 0; v < 256; v++) {
            cumulative += hist[v];
            if (cumulative >= need) {
                return v;
            }
        }
        return 256; // numpy's searchsorted past the end (an empty histogram)
    }

    /**
     * Whether {@link #percentile}{@code (hist, fraction)} of a histogram of {@code total} values is
     * at least a level, from the number of values below that level alone: the smallest level
     * whose cumulative count reaches the rank is at least it exactly when the count below it
     * falls short of the rank.
     */
    static boolean percentileAtLeast(long countBelow, long total, double fraction) {
        long need = total == 0 ? 0 : (long) Math.ceil(fraction * total);
        need = Math.max(need, 1);
        return countBelow < need;
    }

    /** Otsu's threshold: the largest between-class variance, ties to the lowest level. */
    static int otsu(int[] hist) {
        double total = 0;
        double sumAll = 0;
        for (int t = 0; t < 256; t++) {
            total += hist[t];
            sumAll += (double) t * hist[t];
        }
        double best = -1.0;
        int bestT = 0;
        double w0 = 0;
        double s0 = 0;
        for (int t = 0; t < 256; t++) {
            w0 += hist[t];
            s0 += t * (double) hist[t];
            double w1 = total - w0;
            if (w0 == 0 || w1 == 0) {
                continue;
            }
            double m0 = s0 / w0;
            double m1 = (sumAll - s0) / w1;
            double d = m0 - m1;
            double var = w0 * w1 * (d * d);
            if (var > best) {
                best = var;
                bestT = t;
            }
        }
        return bestT;
    }

    /** The 1 % and 99 % levels of the grey crop, widened to at least the minimum range. */
    int[] stretchBounds(byte[] greyCrop) {
        int[] hist = histogram(greyCrop);
        int lo = percentile(hist, parameters.stretchLow());
        int hi = percentile(hist, parameters.stretchHigh());
        if (hi - lo < parameters.stretchMinRange()) {
            hi = Math.min(255, lo + parameters.stretchMinRange());
            lo = hi - parameters.stretchMinRange();
        }
        return new int[] {lo, hi};
    }

    /**
     * The scan inside a screenshot or viewer frame, or null: the bounding box of the largest
     * 4-connected dark component (blurred grey at or below the frame threshold; ties to the
     * first in raster order, as OpenCV numbers components) when the image outside it is mostly
     * lit, its own edges mostly dark, and the frame lit just outside each of its inner sides.
     * When that box fails (a brain touching the scan's edges cuts its background into pieces),
     * the box around every dark component of at least {@code framePiecesMinArea} of the image,
     * when it covers at most {@code framePiecesMaxInside}, with the same tests and its edges
     * dark in at least {@code framePiecesMinEdgeDark}.
     */
    Rect findFrame(byte[] grey, int w, int h) {
        return findFrame(BrainCropper.blurredMask(grey, w, h, parameters.frameDark(), 0, 0).mask());
    }

    /** {@link #findFrame} on the mask of the blur's dark pixels, already computed. */
    private Rect findFrame(BitMask dark) {
        int w = dark.w;
        int h = dark.h;
        long darkTotal = dark.count();
        Components components = components(dark, parameters.framePiecesMinArea() * w * h);
        if (components.largest() == null) {
            return null;
        }
        if (frameOk(dark, darkTotal, components.largest(), parameters.frameMinEdgeDark())) {
            return components.largest();
        }
        Rect pieces = components.pieces();
        if (pieces == null || (long) pieces.width() * pieces.height() > parameters.framePiecesMaxInside() * w * h) {
            return null;
        }
        return frameOk(dark, darkTotal, pieces, parameters.framePiecesMinEdgeDark()) ? pieces : null;
    }

    private boolean frameOk(BitMask dark, long darkTotal, Rect box, double minEdgeDark) {
        int w = dark.w;
        int h = dark.h;
        int x = box.x();
        int y = box.y();
        int bw = box.width();
        int bh = box.height();
        long inside = (long) bw * bh;
        long outside = (long) w * h - inside;
        if (inside < parameters.frameMinInside() * w * h || outside < parameters.frameMinOutside() * w * h) {
            return false;
        }
        long darkOutside = darkTotal - dark.count(x, y, bw, bh);
        if ((outside - darkOutside) < parameters.frameMinLit() * outside) {
            return false;
        }
        // the box's edge pixels: top and bottom rows whole, the side columns between them
        long edgeDark = dark.rowCount(y, x, bw) + dark.rowCount(y + bh - 1, x, bw)
                + dark.columnCount(x, y + 1, bh - 2) + dark.columnCount(x + bw - 1, y + 1, bh - 2);
        long edgeLength = 2L * bw + 2L * Math.max(bh - 2, 0);
        if (edgeDark < minEdgeDark * edgeLength) {
            return false;
        }
        double allowed = 1 - parameters.frameMinSideLit();
        return !(y > 0 && dark.rowCount(y - 1, x, bw) > allowed * bw
                || y + bh < h && dark.rowCount(y + bh, x, bw) > allowed * bw
                || x > 0 && dark.columnCount(x - 1, y, bh) > allowed * bh
                || x + bw < w && dark.columnCount(x + bw, y, bh) > allowed * bh);
    }

    /**
     * The 4-connected components of the mask: the bounding box of the largest (ties to the
     * first in raster order; null when none) and the bounding box around every component whose
     * area is at least {@code minPieceArea} (null when none).
     */
    record Components(Rect largest, Rect pieces) {
    }

    static Components components(BitMask mask, double minPieceArea) {
        BitMask.Components c = mask.components(false);
        long bestArea = 0;
        Rect best = null;
        int piecesMinX = Integer.MAX_VALUE;
        int piecesMinY = Integer.MAX_VALUE;
        int piecesMaxX = -1;
        int piecesMaxY = -1;
        for (int i = 0; i < c.count(); i++) { // roots in raster order of their first pixel
            Rect box = new Rect(c.minX()[i], c.minY()[i], c.maxX()[i] - c.minX()[i] + 1, c.maxY()[i] - c.minY()[i] + 1);
            long area = c.area()[i];
            if (area > bestArea) {
                bestArea = area;
                best = box;
            }
            if (area >= minPieceArea) {
                piecesMinX = Math.min(piecesMinX, box.x());
                piecesMinY = Math.min(piecesMinY, box.y());
                piecesMaxX = Math.max(piecesMaxX, box.x() + box.width() - 1);
                piecesMaxY = Math.max(piecesMaxY, box.y() + box.height() - 1);
            }
        }
        Rect pieces = piecesMaxX < 0 ? null
                : new Rect(piecesMinX, piecesMinY, piecesMaxX - piecesMinX + 1, piecesMaxY - piecesMinY + 1);
        return new Components(best, pieces);
    }

    /**
     * {@code resize_grey_stretched} then normalisation: the v1 resize filter on the grey crop
     * (float32, rows then columns), {@code (v - low) * (255 / (high - low))} clamped to
     * [0, 255], replicated to three channels and normalised with the manifest's mean and std.
     */
    public static float[] tensor(Result r, int outH, int outW, float[] mean, float[] std) {
        float[] grey = resizeGrey(r.crop(), r.cropWidth(), r.cropHeight(), outH, outW);
        float scale = 255f / (float) (r.high() - r.low());
        float low = r.low();
        int plane = outH * outW;
        float[] out = new float[3 * plane];
        // the shipped manifests normalise the three (equal) channels alike: compute one plane, copy it
        boolean alike = mean[1] == mean[0] && mean[2] == mean[0] && std[1] == std[0] && std[2] == std[0];
        int channels = alike ? 1 : 3;
        for (int c = 0; c < channels; c++) {
            float m = mean[c];
            float sd = std[c];
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                float v = (grey[i] - low) * scale;
                v = v < 0f ? 0f : v > 255f ? 255f : v; // Math.min/max on floats branch on NaN and -0 under C1
                out[base + i] = (v / 255f - m) / sd;
            }
        }
        if (alike) {
            System.arraycopy(out, 0, out, plane, plane);
            System.arraycopy(out, 0, out, 2 * plane, plane);
        }
        return out;
    }

    /** The v1 resize on one grey plane: float pixels 0..255, row-major. */
    static float[] resizeGrey(byte[] grey, int inW, int inH, int outH, int outW) {
        float[] out = new float[outH * outW];
        Resizer.resizePlane(grey, 1, inW, inH, outH, outW, new float[outH * inW], out);
        return out;
    }
}
