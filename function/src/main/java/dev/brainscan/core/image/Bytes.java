package dev.brainscan.core.image;

/**
 * Integers read from a byte array at an offset, big or little endian, unsigned where they fit
 * an {@code int}; the caller checks that the bytes are there. The one copy for the container
 * guards, the sniffer and the EXIF reader (the DICOM package, a floor below, has its own).
 */
final class Bytes {
    private Bytes() {
    }

    static int be16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    static int be32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    static int le16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static int le24(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16;
    }

    static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    /** An unsigned 16-bit value in the given byte order (TIFF's II or MM). */
    static int u16(byte[] b, int at, boolean little) {
        return little ? le16(b, at) : be16(b, at);
    }

    /** An unsigned 32-bit value in the given byte order. */
    static long u32(byte[] b, int at, boolean little) {
        return (little ? le32(b, at) : be32(b, at)) & 0xffffffffL;
    }

    /** Whether the {@code len} bytes at {@code at} start with {@code prefix} (ASCII). */
    static boolean startsWith(byte[] b, int at, int len, String prefix) {
        if (len < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[at + i] != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
