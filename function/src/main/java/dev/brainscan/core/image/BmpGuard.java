package dev.brainscan.core.image;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;


/** The BMP guard: the sniffer's header test, and the compressions and sizes that are accepted. */
final class BmpGuard implements ContainerGuard {

    /** The DIB header's width and height (negative height: top-down rows), refused before the walk when too large. */
    @Override
    public int[] declared(byte[] b) {
        if (b.length >= 26 && Bytes.le32(b, 14) >= 40) {
            return new int[] {Bytes.le32(b, 18), Math.abs(Bytes.le32(b, 22))};
        }
        return null;
    }

    /** Whether the bytes carry a plausible BMP file and DIB header (else the file is not a BMP at all). */
    static boolean looksLikeBmp(byte[] b) {
        if (b.length < 26 || b[0] != 'B' || b[1] != 'M') {
            return false;
        }
        int dib = Bytes.le32(b, 14);
        if (dib == 12) {
            int planes = Bytes.le16(b, 22);
            int bpp = Bytes.le16(b, 24);
            return planes == 1 && (bpp == 1 || bpp == 4 || bpp == 8 || bpp == 24);
        }
        if (!(dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124) || b.length < 14 + 40) {
            return false;
        }
        int planes = Bytes.le16(b, 26);
        int bpp = Bytes.le16(b, 28);
        return planes == 1 && (bpp == 0 || bpp == 1 || bpp == 4 || bpp == 8 || bpp == 16 || bpp == 24 || bpp == 32);
    }

    /**
     * Only uncompressed, bit-field and RLE BMPs; embedded JPEG or PNG (BI_JPEG, BI_PNG) and
     * every other compression are refused. The pixel offset, the image-size field and the
     * palette size must fit in the file, and uncompressed rows must all be there.
     */
    @Override
    public Checked check(byte[] b, Limits limits) throws ScanException {
        int dib = Bytes.le32(b, 14);
        int offBits = Bytes.le32(b, 10);
        int width;
        int height;
        int bpp;
        int compression = 0;
        long sizeImage = 0;
        long colours = 0;
        if (dib == 12) {
            width = Bytes.le16(b, 18);
            height = Bytes.le16(b, 20);
            bpp = Bytes.le16(b, 24);
        } else {
            width = Bytes.le32(b, 18);
            height = Bytes.le32(b, 22);
            bpp = Bytes.le16(b, 28);
            compression = Bytes.le32(b, 30);
            sizeImage = Bytes.le32(b, 34) & 0xffffffffL;
            colours = Bytes.le32(b, 46) & 0xffffffffL;
        }
        switch (compression) {
            case 0, 3, 6 -> {
                if (bpp == 0) {
                    throw ContainerGuard.corrupt("bmp", "the bit depth is missing");
                }
            }
            case 1, 2 -> {
                if ((compression == 1 && bpp != 8) || (compression == 2 && bpp != 4) || height < 0) {
                    throw ContainerGuard.corrupt("bmp", "the run-length layout is invalid");
                }
            }
            case 4, 5 -> throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                    "BMP files with an embedded " + (compression == 4 ? "JPEG" : "PNG")
                            + " are not supported; send the JPEG or PNG itself.");
            default -> throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                    "This BMP compression is not supported; save the scan as an uncompressed BMP or PNG.");
        }
        if (offBits < 14 + dib || offBits >= b.length) {
            throw ContainerGuard.corrupt("bmp", "the pixel data offset is outside the file");
        }
        if (sizeImage > b.length - (long) offBits && compression != 0 && compression != 3 && compression != 6) {
            throw ContainerGuard.corrupt("bmp", "the image size field is larger than the file");
        }
        if (colours > 256 && bpp <= 8 || colours > (1 << 16)) {
            throw ContainerGuard.corrupt("bmp", "the palette is too large");
        }
        if (colours * 4 > b.length) {
            throw ContainerGuard.corrupt("bmp", "the palette is larger than the file");
        }
        if (width > 0 && height != 0 && height != Integer.MIN_VALUE && (compression == 0 || compression == 3
                || compression == 6)) {
            long row = (((long) width * bpp + 31) / 32) * 4;
            if (offBits + row * Math.abs((long) height) > b.length) {
                throw ContainerGuard.corrupt("bmp", "the file is truncated");
            }
        }
        return new Checked(b, width, height == Integer.MIN_VALUE ? height : Math.abs(height));
    }
}
