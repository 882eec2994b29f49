package dev.brainscan.core;

import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.model.Prediction;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The class-activation map as a PNG overlay on the cropped scan, at the crop's size (scaled
 * down to {@link #MAX_SIDE} on its longer side, so that a 3500 px scan's overlay still fits
 * a synchronous response under Lambda's 6 MB; the page draws it over the crop box): the
 * model's evidence for "tumour" per feature cell, bilinearly upsampled, coloured with the
 * perceptually uniform "inferno" map and alpha-blended where the evidence is positive.
 *
 * <p>The scale is absolute and the same for every scan, never stretched to the scan's own
 * maximum: a cell is drawn at full colour when it alone raises the scan's logit by
 * {@link #FULL_SCALE_LOGIT} (the map is in calibrated logit units and its mean is the
 * logit, so that is {@code FULL_SCALE_LOGIT x cells} in map units). On validation with
 * model 1.0.0 (8 x 8 cells, full colour at 32), a tumour scan's hottest cell is 22-58
 * (10th-90th percentile): bright; a no-tumour scan scored under 0.2 has 3.2 at the median
 * (drawn at a tenth) and 8.6 at the 90th percentile. So a scan the model clears is not
 * drawn with a bright blob a reader could take for a lesion.
 *
 * <p>Drawn only inside the classifier, on request ({@link Classifier#run(byte[], String,
 * java.util.Map, boolean)}): no caller sees the crop or the activation map.
 */
final class Heatmap {
    /** The overlay's longest side in pixels: a 512 x 512 PNG is at most ~0.8 MB, ~1.1 MB in base64. */
    public static final int MAX_SIDE = 512;
    private static final double MAX_ALPHA = 0.6;
    /** A cell's own share of the scan's calibrated logit at which it is drawn at full colour. */
    public static final double FULL_SCALE_LOGIT = 0.5;
    // matplotlib's inferno at 0, 1/8, ..., 1
    private static final int[][] INFERNO = {
        {0, 0, 4}, {40, 11, 84}, {101, 21, 110}, {159, 42, 99}, {212, 72, 66},
        {245, 125, 21}, {250, 193, 39}, {245, 251, 161}, {252, 255, 164}};

    private Heatmap() {
    }

    /** Evidence in [0, 1] per crop pixel, row-major, from the activation map, on the absolute scale above. */
    static float[] evidence(Prediction p, int width, int height) {
        double scale = FULL_SCALE_LOGIT * p.cam().length;
        float[] out = new float[width * height];
        int ch = p.camHeight();
        int cw = p.camWidth();
        for (int y = 0; y < height; y++) {
            double fy = Math.min(Math.max((y + 0.5) * ch / height - 0.5, 0), ch - 1);
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, ch - 1);
            double wy = fy - y0;
            for (int x = 0; x < width; x++) {
                double fx = Math.min(Math.max((x + 0.5) * cw / width - 0.5, 0), cw - 1);
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, cw - 1);
                double wx = fx - x0;
                double v = (1 - wy) * ((1 - wx) * p.cam()[y0 * cw + x0] + wx * p.cam()[y0 * cw + x1])
                        + wy * ((1 - wx) * p.cam()[y1 * cw + x0] + wx * p.cam()[y1 * cw + x1]);
                out[y * width + x] = (float) Math.max(0, Math.min(1, v / scale));
            }
        }
        return out;
    }

    static BufferedImage overlay(RgbImage crop, Prediction p) {
        RgbImage base = fit(crop, MAX_SIDE);
        int w = base.width();
        int h = base.height();
        float[] e = evidence(p, w, h);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        byte[] rgb = base.rgb();
        for (int i = 0; i < w * h; i++) {
            double a = MAX_ALPHA * e[i];
            int[] c = colour(e[i]);
            for (int k = 0; k < 3; k++) {
                double v0 = rgb[i * 3 + k] & 0xff;
                int v = (int) Math.round((1 - a) * v0 + a * c[k]);
                data[i * 3 + 2 - k] = (byte) v; // BGR
            }
        }
        return out;
    }

    /** The image itself when its longer side is within {@code maxSide}, else its area average at that size. */
    static RgbImage fit(RgbImage image, int maxSide) {
        int w = image.width();
        int h = image.height();
        if (Math.max(w, h) <= maxSide) {
            return image;
        }
        double scale = (double) maxSide / Math.max(w, h);
        int ow = Math.max(1, (int) Math.round(w * scale));
        int oh = Math.max(1, (int) Math.round(h * scale));
        byte[] in = image.rgb();
        byte[] out = new byte[ow * oh * 3];
        for (int oy = 0; oy < oh; oy++) {
            int y0 = (int) ((long) oy * h / oh);
            int y1 = Math.max(y0 + 1, (int) ((long) (oy + 1) * h / oh));
            for (int ox = 0; ox < ow; ox++) {
                int x0 = (int) ((long) ox * w / ow);
                int x1 = Math.max(x0 + 1, (int) ((long) (ox + 1) * w / ow));
                long r = 0;
                long g = 0;
                long b = 0;
                for (int y = y0; y < y1; y++) {
                    for (int x = x0; x < x1; x++) {
                        int i = (y * w + x) * 3;
                        r += in[i] & 0xff;
                        g += in[i + 1] & 0xff;
                        b += in[i + 2] & 0xff;
                    }
                }
                long n = (long) (y1 - y0) * (x1 - x0);
                int o = (oy * ow + ox) * 3;
                out[o] = (byte) ((r + n / 2) / n);
                out[o + 1] = (byte) ((g + n / 2) / n);
                out[o + 2] = (byte) ((b + n / 2) / n);
            }
        }
        return new RgbImage(image.format(), ow, oh, out);
    }

    static byte[] png(RgbImage crop, Prediction p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(overlay(crop, p), "png", out)) {
                throw new IllegalStateException("no ImageIO writer for png");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static int[] colour(double t) {
        double pos = Math.max(0, Math.min(1, t)) * (INFERNO.length - 1);
        int i = Math.min((int) pos, INFERNO.length - 2);
        double f = pos - i;
        int[] c = new int[3];
        for (int k = 0; k < 3; k++) {
            c[k] = (int) Math.round(INFERNO[i][k] * (1 - f) + INFERNO[i + 1][k] * f);
        }
        return c;
    }
}
