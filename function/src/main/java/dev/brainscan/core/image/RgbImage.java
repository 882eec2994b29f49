package dev.brainscan.core.image;

import dev.brainscan.core.result.CropBox;

/**
 * An 8-bit RGB image, interleaved row-major (r, g, b per pixel), with the format it was decoded from.
 *
 * <p>An image decoded from a single-channel source keeps that channel ({@link #greyPlane()})
 * and builds the interleaved copy only when something asks for it: the v2 pipeline reads
 * grey, and half the scans people send are single-channel JPEGs, so most never need it.
 * Not for sharing between threads while {@link #rgb()} may still be building.
 *
 * <p>A large image is decoded at a reduced resolution (the working resolution): every
 * {@link #step()}-th pixel of a source {@link #sourceWidth()} x {@link #sourceHeight()};
 * {@link #toSource} maps a box found on it back onto the source's pixels.
 */
public final class RgbImage {
    private final String format;
    private final int width;
    private final int height;
    private final byte[] grey;
    private byte[] rgb;
    private final int sourceWidth;
    private final int sourceHeight;
    private final int step;

    public RgbImage(String format, int width, int height, byte[] rgb) {
        this(format, width, height, rgb, null);
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("rgb length does not match " + width + "x" + height);
        }
    }

    private RgbImage(String format, int width, int height, byte[] rgb, byte[] grey) {
        this(format, width, height, rgb, grey, width, height, 1);
    }

    private RgbImage(String format, int width, int height, byte[] rgb, byte[] grey, int sourceWidth, int sourceHeight,
                     int step) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("no pixels: " + width + "x" + height);
        }
        this.format = format;
        this.width = width;
        this.height = height;
        this.rgb = rgb;
        this.grey = grey;
        this.sourceWidth = sourceWidth;
        this.sourceHeight = sourceHeight;
        this.step = step;
    }

    /** An image whose every pixel has r = g = b = {@code grey[i]} (the array is kept, not copied). */
    public static RgbImage ofGrey(String format, int width, int height, byte[] grey) {
        if (grey.length != width * height) {
            throw new IllegalArgumentException("grey length does not match " + width + "x" + height);
        }
        return new RgbImage(format, width, height, null, grey);
    }

    public String format() {
        return format;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The width of the image this one was decoded from (its own width unless reduced). */
    public int sourceWidth() {
        return sourceWidth;
    }

    public int sourceHeight() {
        return sourceHeight;
    }

    /** 1, or n when this image is every n-th pixel of its source in each direction. */
    public int step() {
        return step;
    }

    /**
     * These pixels (shared, not copied), recorded as every {@code step}-th pixel of a
     * {@code sourceWidth x sourceHeight} source.
     */
    RgbImage reducedFrom(int sourceWidth, int sourceHeight, int step) {
        if (step < 1 || subsampledSide(sourceWidth, step) != width || subsampledSide(sourceHeight, step) != height) {
            throw new IllegalArgumentException(this + " is not every " + step + "th pixel of " + sourceWidth + "x"
                    + sourceHeight);
        }
        return new RgbImage(format, width, height, rgb, grey, sourceWidth, sourceHeight, step);
    }

    /** The length of a side of {@code full} pixels once every {@code step}-th is kept. */
    static int subsampledSide(int full, int step) {
        return (full + step - 1) / step;
    }

    /** Every {@code step}-th pixel in each direction, from (0, 0), as ImageIO's source subsampling keeps them. */
    RgbImage subsampled(int step) {
        if (step == 1) {
            return this;
        }
        int ow = subsampledSide(width, step);
        int oh = subsampledSide(height, step);
        RgbImage out;
        if (grey != null) {
            byte[] g = new byte[ow * oh];
            for (int y = 0, o = 0; y < oh; y++) {
                for (int x = 0, s = y * step * width; x < ow; x++, s += step) {
                    g[o++] = grey[s];
                }
            }
            out = ofGrey(format, ow, oh, g);
        } else {
            byte[] c = new byte[ow * oh * 3];
            for (int y = 0, o = 0; y < oh; y++) {
                for (int x = 0, s = y * step * width * 3; x < ow; x++, s += 3 * step) {
                    c[o++] = rgb[s];
                    c[o++] = rgb[s + 1];
                    c[o++] = rgb[s + 2];
                }
            }
            out = new RgbImage(format, ow, oh, c);
        }
        return out.reducedFrom(sourceWidth, sourceHeight, step * this.step);
    }

    /**
     * A box on this image as the box of the source's pixels it covers (itself when not
     * reduced): each edge scaled by the step, clipped to the source.
     */
    public CropBox toSource(CropBox box) {
        if (step == 1 || box == null) {
            return box;
        }
        int x = Math.min(box.x() * step, sourceWidth - 1);
        int y = Math.min(box.y() * step, sourceHeight - 1);
        int right = Math.min((box.x() + box.width()) * step, sourceWidth);
        int bottom = Math.min((box.y() + box.height()) * step, sourceHeight);
        return new CropBox(x, y, Math.max(1, right - x), Math.max(1, bottom - y));
    }

    /** The interleaved pixels (built from the grey plane on first use when the source had one channel). */
    public byte[] rgb() {
        if (rgb == null) {
            rgb = interleave(grey, grey.length);
        }
        return rgb;
    }

    /** The first {@code n} values of a grey plane as interleaved RGB, each value in all three channels. */
    static byte[] interleave(byte[] grey, int n) {
        byte[] out = new byte[n * 3];
        for (int i = 0, o = 0; i < n; i++, o += 3) {
            out[o] = grey[i];
            out[o + 1] = grey[i];
            out[o + 2] = grey[i];
        }
        return out;
    }

    /** The single channel of a greyscale source, or null when the image was decoded as colour. */
    public byte[] greyPlane() {
        return grey;
    }

    /** The pixels inside {@code box}, copied. */
    public RgbImage crop(CropBox box) {
        if (grey != null) {
            return ofGrey(format, box.width(), box.height(),
                    copyPlane(grey, width, box.x(), box.y(), box.width(), box.height()));
        }
        byte[] out = new byte[box.width() * box.height() * 3];
        int rowBytes = box.width() * 3;
        for (int y = 0; y < box.height(); y++) {
            System.arraycopy(rgb, ((box.y() + y) * width + box.x()) * 3, out, y * rowBytes, rowBytes);
        }
        return new RgbImage(format, box.width(), box.height(), out);
    }

    /** The {@code cw x ch} rectangle at {@code (x, y)} of a one-byte-per-pixel plane {@code w} wide, copied. */
    static byte[] copyPlane(byte[] plane, int w, int x, int y, int cw, int ch) {
        byte[] out = new byte[cw * ch];
        for (int row = 0; row < ch; row++) {
            System.arraycopy(plane, (y + row) * w + x, out, row * cw, cw);
        }
        return out;
    }

    @Override
    public String toString() {
        return "RgbImage[" + format + ", " + width + "x" + height + (grey != null ? ", grey" : "")
                + (step > 1 ? ", every " + step + " of " + sourceWidth + "x" + sourceHeight : "") + "]";
    }
}
