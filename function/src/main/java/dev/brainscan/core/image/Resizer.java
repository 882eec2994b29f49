package dev.brainscan.core.image;

/**
 * Antialiased bilinear (triangle filter) resize, the one the training code uses
 * ({@code models/training/preprocess.py}: rows first, then columns, float32 weights), into
 * a float buffer in CHW order: the model's input before normalisation.
 */
public final class Resizer {
    private Resizer() {
    }

    /** Normalised filter taps for each output index: {@code start[i]} and {@code weights[i][k]}. */
    record Taps(int[] start, float[][] weights) {
    }

    static Taps taps(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double support = Math.max(scale, 1.0);
        int[] start = new int[outSize];
        float[][] weights = new float[outSize][];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), inSize);
            double[] w = new double[hi - lo];
            double total = 0;
            for (int x = lo; x < hi; x++) {
                w[x - lo] = Math.max(0.0, 1.0 - Math.abs((x - center + 0.5) / support));
                total += w[x - lo];
            }
            if (total == 0) {
                java.util.Arrays.fill(w, 1.0);
                total = w.length;
            }
            float[] f = new float[w.length];
            for (int k = 0; k < w.length; k++) {
                f[k] = (float) (w[k] / total);
            }
            start[i] = lo;
            weights[i] = f;
        }
        return new Taps(start, weights);
    }

    /**
     * Resizes the interleaved RGB image to {@code outH x outW}, writing planar float pixels
     * (0..255) into {@code out} (length 3*outH*outW, CHW).
     */
    public static void resize(RgbImage image, int outH, int outW, float[] out) {
        if (image.greyPlane() != null || isGreyscale(image.rgb())) {
            resizeGrey(image, outH, outW, out);
        } else {
            resizeInterleaved(image, outH, outW, out);
        }
    }

    /** The three-channel resize, for colour input. */
    static void resizeInterleaved(RgbImage image, int outH, int outW, float[] out) {
        int inW = image.width();
        int inH = image.height();
        byte[] rgb = image.rgb();
        Taps ty = taps(inH, outH);
        Taps tx = taps(inW, outW);
        // Vertical pass: outH rows x inW columns x 3 channels (interleaved).
        float[] mid = Workspace.get().zeroedFloats(outH * inW * 3);
        for (int y = 0; y < outH; y++) {
            float[] wy = ty.weights()[y];
            int y0 = ty.start()[y];
            int rowBase = y * inW * 3;
            for (int k = 0; k < wy.length; k++) {
                float wk = wy[k];
                int src = (y0 + k) * inW * 3;
                for (int i = 0; i < inW * 3; i++) {
                    mid[rowBase + i] += wk * (rgb[src + i] & 0xff);
                }
            }
        }
        // Horizontal pass into planar output.
        int plane = outH * outW;
        for (int y = 0; y < outH; y++) {
            int rowBase = y * inW * 3;
            for (int x = 0; x < outW; x++) {
                float[] wx = tx.weights()[x];
                int x0 = tx.start()[x];
                float r = 0, g = 0, b = 0;
                for (int k = 0; k < wx.length; k++) {
                    int p = rowBase + (x0 + k) * 3;
                    float wk = wx[k];
                    r += wk * mid[p];
                    g += wk * mid[p + 1];
                    b += wk * mid[p + 2];
                }
                int o = y * outW + x;
                out[o] = r;
                out[plane + o] = g;
                out[2 * plane + o] = b;
            }
        }
    }

    /** Whether r = g = b in every pixel (stops at the first pixel where not). */
    static boolean isGreyscale(byte[] rgb) {
        for (int i = 0; i < rgb.length; i += 3) {
            if (rgb[i] != rgb[i + 1] || rgb[i] != rgb[i + 2]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same resize on one channel, copied to all three: for a greyscale image the three
     * channels are equal inputs through equal arithmetic, so the result is bit-identical.
     */
    static void resizeGrey(RgbImage image, int outH, int outW, float[] out) {
        int plane = outH * outW;
        byte[] grey = image.greyPlane();
        resizePlane(grey != null ? grey : image.rgb(), grey != null ? 1 : 3, image.width(), image.height(), outH, outW,
                Workspace.get().zeroedFloats(outH * image.width()), out);
        System.arraycopy(out, 0, out, plane, plane);
        System.arraycopy(out, 0, out, 2 * plane, plane);
    }

    /**
     * One plane of {@code src} (a sample every {@code stride} bytes, row-major, inW x inH)
     * resized to outH x outW into {@code out[0 .. outH*outW)}: rows first into {@code mid}
     * (outH x inW, zeroed by the caller), then columns; the arithmetic of the RGB path.
     */
    static void resizePlane(byte[] src, int stride, int inW, int inH, int outH, int outW, float[] mid, float[] out) {
        Taps ty = taps(inH, outH);
        Taps tx = taps(inW, outW);
        for (int y = 0; y < outH; y++) {
            float[] wy = ty.weights()[y];
            int y0 = ty.start()[y];
            int rowBase = y * inW;
            int k = 0;
            if (stride == 1) {
                // four taps per pass over the row: ((m + w0 s0) + w1 s1) + ... adds in the same
                // order as one tap per pass, so the sums are the same floats, with a quarter of
                // the loads and stores of mid (the loop is the resize's cost under C1)
                for (; k + 3 < wy.length; k += 4) {
                    float w0 = wy[k];
                    float w1 = wy[k + 1];
                    float w2 = wy[k + 2];
                    float w3 = wy[k + 3];
                    int r0 = (y0 + k) * inW;
                    int r1 = r0 + inW;
                    int r2 = r1 + inW;
                    int r3 = r2 + inW;
                    for (int x = 0; x < inW; x++) {
                        mid[rowBase + x] = mid[rowBase + x] + w0 * (src[r0 + x] & 0xff) + w1 * (src[r1 + x] & 0xff)
                                + w2 * (src[r2 + x] & 0xff) + w3 * (src[r3 + x] & 0xff);
                    }
                }
            }
            for (; k < wy.length; k++) {
                float wk = wy[k];
                int row = (y0 + k) * inW * stride;
                for (int x = 0; x < inW; x++) {
                    mid[rowBase + x] += wk * (src[row + stride * x] & 0xff);
                }
            }
        }
        for (int y = 0; y < outH; y++) {
            int rowBase = y * inW;
            for (int x = 0; x < outW; x++) {
                float[] wx = tx.weights()[x];
                int x0 = tx.start()[x];
                float v = 0;
                for (int k = 0; k < wx.length; k++) {
                    v += wx[k] * mid[rowBase + x0 + k];
                }
                out[y * outW + x] = v;
            }
        }
    }
}
