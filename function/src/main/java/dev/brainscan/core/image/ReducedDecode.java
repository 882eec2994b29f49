package dev.brainscan.core.image;

import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;

/**
 * Decodes very large images at a reduced resolution: the model reads 128 px, and a 40 MP
 * image decoded whole (and then cropped at full resolution) cost 3-5 s of CPU and up to
 * 630 MB in a fresh process at {@code -Xmx512m}. Above {@link #FULL_RESOLUTION_PIXELS} the
 * reader keeps every n-th pixel in each direction (ImageIO source subsampling) so that the
 * decoded image is at most about {@link #TARGET_PIXELS}.
 *
 * <p>Only images far above anything the preprocessing was checked on are touched: the
 * largest dataset image is 1920x1080 (2.1 MP), phone photos of film are 12 MP, and the
 * parity and format tests stay at full resolution; an image decoded this way reports its
 * decoded size in the record's {@code image}. WebP keeps full resolution (its reader's
 * subsampling is not exercised by any test here).
 */
final class ReducedDecode {
    /** Images of more pixels than this are decoded at reduced resolution. */
    static final long FULL_RESOLUTION_PIXELS = 16_000_000L;
    /** About this many pixels are kept. */
    static final long TARGET_PIXELS = 5_000_000L;

    private ReducedDecode() {
    }

    /** The subsampling step for an image of this size (1: full resolution, always when not {@code subsampled}). */
    static int step(boolean subsampled, int width, int height) {
        long pixels = (long) width * height;
        if (!subsampled || pixels <= FULL_RESOLUTION_PIXELS) {
            return 1;
        }
        return (int) Math.ceil(Math.sqrt((double) pixels / TARGET_PIXELS));
    }

    /** The reader's default parameters, subsampled by {@code step}. */
    static ImageReadParam param(ImageReader reader, int step) {
        ImageReadParam param = reader.getDefaultReadParam();
        if (step > 1) {
            param.setSourceSubsampling(step, step, 0, 0);
        }
        return param;
    }

    /** The size of one side once subsampled. */
    static int side(int full, int step) {
        return (full + step - 1) / step;
    }
}
