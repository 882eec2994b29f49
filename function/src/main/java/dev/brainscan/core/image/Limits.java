package dev.brainscan.core.image;

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
}
