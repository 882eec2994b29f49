package dev.brainscan.core.image;

/**
 * The EXIF orientation of a JPEG (phone photos store the sensor's rows and say how to turn
 * them) and the turn itself. Only the orientation tag (0x0112) of IFD0 in the first
 * {@code APP1 Exif} segment is read, with every offset checked against that segment; no
 * other metadata is parsed or kept. Anything malformed or absent means orientation 1 (as
 * stored).
 */
public final class ExifOrientation {
    /** Segments looked at before giving up (an APP1 Exif segment comes first in practice). */
    private static final int MAX_SEGMENTS = 32;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {
    }

    /** The orientation (1..8) a JPEG's EXIF states; 1 when it states none or is not a JPEG. */
    public static int of(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
            return 1;
        }
        int pos = 2;
        for (int segment = 0; segment < MAX_SEGMENTS && pos + 4 <= b.length; segment++) {
            if ((b[pos] & 0xff) != 0xFF) {
                return 1;
            }
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return 1; // image data (or the end) before any EXIF
            }
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) {
                pos += 2;
                continue;
            }
            int length = Bytes.u16(b, pos + 2, false);
            int start = pos + 4;
            int end = pos + 2 + length;
            if (length < 2 || end > b.length) {
                return 1;
            }
            if (marker == 0xE1 && end - start >= 6 && b[start] == 'E' && b[start + 1] == 'x' && b[start + 2] == 'i'
                    && b[start + 3] == 'f' && b[start + 4] == 0 && b[start + 5] == 0) {
                return tiffOrientation(b, start + 6, end);
            }
            pos = end;
        }
        return 1;
    }

    /** The orientation tag of IFD0 in the TIFF structure at {@code [tiff, end)}; 1 when absent. */
    private static int tiffOrientation(byte[] b, int tiff, int end) {
        if (end - tiff < 8) {
            return 1;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (Bytes.u16(b, tiff + 2, little) != 42) {
            return 1;
        }
        long ifdOffset = Bytes.u32(b, tiff + 4, little);
        if (ifdOffset < 8 || ifdOffset > end - tiff - 2) {
            return 1;
        }
        int ifd = tiff + (int) ifdOffset;
        int count = Bytes.u16(b, ifd, little);
        for (int i = 0; i < count; i++) {
            int entry = ifd + 2 + 12 * i;
            if (entry + 12 > end) {
                return 1;
            }
            if (Bytes.u16(b, entry, little) == TAG_ORIENTATION) {
                if (Bytes.u16(b, entry + 2, little) != TYPE_SHORT || Bytes.u32(b, entry + 4, little) != 1) {
                    return 1;
                }
                int v = Bytes.u16(b, entry + 8, little);
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    /**
     * The image as it is meant to be seen: orientation 2 mirrors, 3 turns 180 degrees, 4 flips,
     * 5 transposes, 6 turns 90 degrees clockwise, 7 transverses, 8 turns 90 degrees
     * anticlockwise. Orientation 1 (or anything else) returns the image itself.
     */
    public static RgbImage apply(RgbImage image, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return image;
        }
        int w = image.width();
        int h = image.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                int s = (sy * w + sx) * 3;
                int o = (y * ow + x) * 3;
                out[o] = in[s];
                out[o + 1] = in[s + 1];
                out[o + 2] = in[s + 2];
            }
        }
        RgbImage turned = new RgbImage(image.format(), ow, oh, out);
        return image.step() == 1 ? turned : turned.reducedFrom(swap ? image.sourceHeight() : image.sourceWidth(),
                swap ? image.sourceWidth() : image.sourceHeight(), image.step());
    }
}
