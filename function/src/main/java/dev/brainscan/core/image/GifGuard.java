package dev.brainscan.core.image;

import dev.brainscan.core.result.ScanException;

/** The GIF guard: the first image (the one decoded) must lie within the logical screen and its data. */
final class GifGuard implements ContainerGuard {
    /** Pixels one GIF LZW code can stand for at most (a string in a 4,096-entry table), times 4 bits a code needs at least. */
    static final int PIXELS_PER_BYTE_AT_MOST = 4096 * 4;

    /** The logical screen's width and height, so that a header claiming a huge image is refused before the walk. */
    @Override
    public int[] declared(byte[] b) {
        return b.length >= 10 ? new int[] {Bytes.le16(b, 6), Bytes.le16(b, 8)} : null;
    }

    /**
     * Walks the GIF blocks to the first image (the one decoded) and refuses a frame that does
     * not lie within the logical screen: a frame beyond it (a fuzz finding: a 4 KB file with
     * a 64x64 screen and a 64x62015 frame, 4 MP) is damage, like a WebP canvas that
     * disagrees with its frame; the frame's own size still meets the pixel limit in the reader. A truncated or
     * unknown block stream is left to the reader, which refuses it.
     */
    @Override
    public Checked check(byte[] b, Limits limits) throws ScanException {
        if (b.length < 13) {
            throw ContainerGuard.corrupt("gif", "the header is truncated");
        }
        int width = Bytes.le16(b, 6);
        int height = Bytes.le16(b, 8);
        int flags = b[10] & 0xff;
        int p = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0);
        while (p < b.length) {
            int block = b[p] & 0xff;
            if (block == 0x21) { // extension: label, then sub-blocks up to a zero length
                p += 2;
                while (p < b.length && (b[p] & 0xff) != 0) {
                    p += (b[p] & 0xff) + 1;
                }
                p++;
            } else if (block == 0x2C) {
                if (p + 10 > b.length) {
                    break;
                }
                long right = (long) Bytes.le16(b, p + 1) + Bytes.le16(b, p + 5);
                long bottom = (long) Bytes.le16(b, p + 3) + Bytes.le16(b, p + 7);
                if (right > width || bottom > height) {
                    throw ContainerGuard.corrupt("gif", "the image does not fit its logical screen");
                }
                long framePixels = (long) Bytes.le16(b, p + 5) * Bytes.le16(b, p + 7);
                int local = b[p + 9] & 0xff;
                int q = p + 10 + ((local & 0x80) != 0 ? 3 << ((local & 7) + 1) : 0) + 1; // + LZW minimum code size
                long data = 0;
                while (q < b.length && (b[q] & 0xff) != 0) {
                    data += Math.min(b[q] & 0xff, b.length - q - 1);
                    q += (b[q] & 0xff) + 1;
                }
                if (data < framePixels / PIXELS_PER_BYTE_AT_MOST) {
                    // a 35-byte file declaring a 40 MP frame decoded to 40 MP of background
                    throw ContainerGuard.corrupt("gif", "its header promises more pixels than its data can hold");
                }
                break;
            } else {
                break;
            }
        }
        return new Checked(b, width, height);
    }
}
