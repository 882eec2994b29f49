package dev.brainscan.core.image;

import dev.brainscan.core.result.CropBox;

/**
 * An 8-bit RGB image, interleaved row-major (r, g, b per pixel), with the format it was decoded from.
 */
public record RgbImage(String format, int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
            throw new IllegalArgumentException("rgb length does not match " + width + "x" + height);
        }
    }

    /** The pixels inside {@code box}, copied. */
    public RgbImage crop(CropBox box) {
        byte[] out = new byte[box.width() * box.height() * 3];
        int rowBytes = box.width() * 3;
        for (int y = 0; y < box.height(); y++) {
            System.arraycopy(rgb, ((box.y() + y) * width + box.x()) * 3, out, y * rowBytes, rowBytes);
        }
        return new RgbImage(format, box.width(), box.height(), out);
    }
}
