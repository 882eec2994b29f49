package dev.brainscan.core.image;

import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * A plain three-component JPEG read as its YCbCr samples: most MR slices sent as colour JPEGs
 * are grey (Cb = Cr = 128 in every pixel, so r = g = b = Y), and reading the samples skips the
 * decoder's colour conversion, the interleaved RGB copy and the grey pass (issue 30). A slice
 * with any colour is converted here exactly as the JDK's libjpeg 6b converts it
 * ({@code jdcolor.c}, {@code ycc_rgb_convert}: the same fixed-point tables), so the pixels are
 * those of the reader's RGB image either way.
 *
 * <p>Only for a layout whose RGB the reader makes by that conversion alone
 * ({@link #plain}): 8-bit Huffman frames of three components with the JFIF ids 1, 2, 3, no
 * Adobe colour-transform segment and no ICC profile (which TwelveMonkeys' reader would apply).
 */
final class JpegYCbCr {
    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0, x = -128; i < 256; i++, x++) {
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegYCbCr() {
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALEBITS) + 0.5);
    }

    /**
     * Whether the (guarded) bytes are a JPEG whose RGB is the plain YCbCr conversion: the
     * segments before the first scan hold no APP2 ICC profile and no APP14 Adobe segment, and
     * the frame is baseline, extended or progressive Huffman, 8-bit, with components 1, 2, 3.
     */
    static boolean plain(byte[] b) {
        int i = 2;
        while (i + 4 <= b.length && (b[i] & 0xff) == 0xFF) {
            int marker = b[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            int len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            int data = i + 4;
            if (len < 2 || data + len - 2 > b.length) {
                return false;
            }
            if (marker == 0xE2 && Bytes.startsWith(b, data, len - 2, "ICC_PROFILE\0")
                    || marker == 0xEE && Bytes.startsWith(b, data, len - 2, "Adobe")) {
                return false;
            }
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (marker > 0xC2 || len < 17 || (b[data] & 0xff) != 8 || (b[data + 5] & 0xff) != 3) {
                    return false;
                }
                return (b[data + 6] & 0xff) == 1 && (b[data + 9] & 0xff) == 2 && (b[data + 12] & 0xff) == 3;
            }
            if (marker == 0xDA) {
                return false;
            }
            i = data + len - 2;
        }
        return false;
    }

    /** The image of a raster of pixel-interleaved Y, Cb, Cr bytes: grey when every Cb and Cr is 128. */
    static RgbImage image(String format, Raster raster) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int n = w * h;
        byte[] ycc = raster.getNumBands() == 3 && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && sm.getPixelStride() == 3 && sm.getScanlineStride() == w * 3
                && java.util.Arrays.equals(sm.getBandOffsets(), new int[] {0, 1, 2})
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && raster.getDataBuffer() instanceof DataBufferByte d && d.getNumBanks() == 1 && d.getOffset() == 0
                && d.getData().length == n * 3 ? d.getData() : null; // the decoder's own buffer, ours from here
        if (ycc == null) {
            ycc = new byte[n * 3];
            int[] row = new int[w * 3];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int k = 0; k < row.length; k++) {
                    ycc[y * w * 3 + k] = (byte) row[k];
                }
            }
        }
        byte[] grey = new byte[n];
        int chroma = 0;
        int i = 0;
        int o = 0;
        for (; i + 3 < n; i += 4, o += 12) { // four pixels a step: a fifth less loop overhead under C1
            grey[i] = ycc[o];
            grey[i + 1] = ycc[o + 3];
            grey[i + 2] = ycc[o + 6];
            grey[i + 3] = ycc[o + 9];
            chroma |= (ycc[o + 1] ^ (byte) 0x80) | (ycc[o + 2] ^ (byte) 0x80) | (ycc[o + 4] ^ (byte) 0x80)
                    | (ycc[o + 5] ^ (byte) 0x80) | (ycc[o + 7] ^ (byte) 0x80) | (ycc[o + 8] ^ (byte) 0x80)
                    | (ycc[o + 10] ^ (byte) 0x80) | (ycc[o + 11] ^ (byte) 0x80);
        }
        for (; i < n; i++, o += 3) {
            grey[i] = ycc[o];
            chroma |= (ycc[o + 1] ^ (byte) 0x80) | (ycc[o + 2] ^ (byte) 0x80);
        }
        if (chroma == 0) {
            return RgbImage.ofGrey(format, w, h, grey);
        }
        // in place: each pixel's Y, Cb, Cr become its R, G, B
        for (int p = 0; p < n * 3; p += 3) {
            int yy = ycc[p] & 0xff;
            int cb = ycc[p + 1] & 0xff;
            int cr = ycc[p + 2] & 0xff;
            ycc[p] = (byte) clamp(yy + CR_R[cr]);
            ycc[p + 1] = (byte) clamp(yy + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
            ycc[p + 2] = (byte) clamp(yy + CB_B[cb]);
        }
        return new RgbImage(format, w, h, ycc);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
