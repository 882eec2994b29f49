package dev.brainscan.core.image;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.util.Locale;

/**
 * Input limits, checked before any pixel is decoded.
 *
 * @param maxBytes largest accepted encoded file
 * @param maxPixels largest accepted width x height, read from the header
 * @param minSide smallest accepted width or height
 */
public record Limits(long maxBytes, long maxPixels, int minSide) {
    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final int DEFAULT_MIN_SIDE = 32;

    public static final Limits DEFAULT = new Limits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MIN_SIDE);

    public Limits {
        if (maxBytes <= 0 || maxPixels <= 0 || minSide <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /**
     * Size limits of a declared or decoded image: no size is corrupt, too many pixels too large,
     * too small not an MR slice. The one place this rule is written.
     */
    public void check(int width, int height) throws ScanException {
        if (width <= 0 || height <= 0 || width == Integer.MIN_VALUE || height == Integer.MIN_VALUE) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The image header gives no size.");
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The image is %dx%d (%d pixels); the limit is %d pixels.", width, height, pixels, maxPixels));
        }
        if (width < minSide || height < minSide) {
            throw new ScanException(ErrorCode.NOT_A_BRAIN_MRI, String.format(Locale.ROOT,
                    "The image is %dx%d; a brain MR slice needs at least %d pixels on each side.",
                    width, height, minSide));
        }
    }
}
