package dev.brainscan.core.image;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The WebP guard: one still image, its canvas equal to its frame; metadata dropped unread. */
final class WebpGuard implements ContainerGuard {

    /**
     * Walks the RIFF chunks: a simple lossy (VP8) or lossless (VP8L) file, or an extended
     * (VP8X) still image whose canvas equals its one frame; animation is refused. ICCP and
     * XMP chunks are dropped unread (and their flags cleared), a small EXIF is kept.
     */
    @Override
    public Checked check(byte[] b, Limits limits) throws ScanException {
        long riff = Bytes.le32(b, 4) & 0xffffffffL;
        if (b.length - 8L < riff) {
            throw ContainerGuard.corrupt("webp", "the file is truncated");
        }
        int end = (int) Math.min(b.length, 8 + riff);
        int pos = 12;
        int[] canvas = null;
        int[] frame = null;
        int vp8xAt = -1;
        ByteArrayOutputStream body = new ByteArrayOutputStream(b.length);
        boolean exifKept = false;
        while (pos + 8 <= end) {
            String type = new String(b, pos, 4, StandardCharsets.ISO_8859_1);
            long len = Bytes.le32(b, pos + 4) & 0xffffffffL;
            long padded = len + (len & 1);
            if (pos + 8 + len > end) {
                throw ContainerGuard.corrupt("webp", "a chunk is longer than the file");
            }
            int data = pos + 8;
            int total = (int) Math.min(8 + padded, end - pos);
            switch (type) {
                case "VP8X" -> {
                    if (pos != 12 || len < 10) {
                        throw ContainerGuard.corrupt("webp", "the extended header is misplaced");
                    }
                    if ((b[data] & 0x02) != 0) {
                        throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                                "Animated WebP is not supported; send one still image.");
                    }
                    canvas = new int[] {1 + Bytes.le24(b, data + 4), 1 + Bytes.le24(b, data + 7)};
                    vp8xAt = body.size();
                    body.write(b, pos, total);
                }
                case "VP8 ", "VP8L" -> {
                    if (frame != null) {
                        throw ContainerGuard.corrupt("webp", "it has more than one image");
                    }
                    frame = type.equals("VP8 ") ? vp8Size(b, data, (int) len) : vp8lSize(b, data, (int) len);
                    body.write(b, pos, total);
                }
                case "ALPH" -> body.write(b, pos, total);
                case "EXIF" -> {
                    if (!exifKept && len <= MAX_EXIF_BYTES) {
                        exifKept = true;
                        body.write(b, pos, total);
                    }
                }
                case "ANIM", "ANMF" -> throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                        "Animated WebP is not supported; send one still image.");
                default -> {
                    // ICCP, XMP and unknown chunks: never parsed
                }
            }
            pos += total;
        }
        if (frame == null) {
            throw ContainerGuard.corrupt("webp", "it has no image");
        }
        if (canvas != null && (canvas[0] != frame[0] || canvas[1] != frame[1])) {
            throw ContainerGuard.corrupt("webp", String.format(Locale.ROOT, "its canvas (%dx%d) and its image (%dx%d) disagree",
                    canvas[0], canvas[1], frame[0], frame[1]));
        }
        byte[] chunks = body.toByteArray();
        if (vp8xAt >= 0) {
            chunks[vp8xAt + 8] &= (byte) ~(0x20 | 0x04); // no ICC, no XMP: they were dropped
            if (!exifKept) {
                chunks[vp8xAt + 8] &= (byte) ~0x08;
            }
        }
        byte[] out = new byte[12 + chunks.length];
        System.arraycopy(b, 0, out, 0, 12);
        int size = 4 + chunks.length;
        out[4] = (byte) size;
        out[5] = (byte) (size >> 8);
        out[6] = (byte) (size >> 16);
        out[7] = (byte) (size >> 24);
        System.arraycopy(chunks, 0, out, 12, chunks.length);
        return new Checked(out, frame[0], frame[1]);
    }

    private static int[] vp8Size(byte[] b, int at, int len) throws ScanException {
        if (len < 10) {
            throw ContainerGuard.corrupt("webp", "the lossy frame header is short");
        }
        if ((b[at] & 0x01) != 0 || (b[at + 3] & 0xff) != 0x9D || (b[at + 4] & 0xff) != 0x01
                || (b[at + 5] & 0xff) != 0x2A) {
            throw ContainerGuard.corrupt("webp", "the lossy frame is not a key frame");
        }
        int w = Bytes.le16(b, at + 6) & 0x3FFF;
        int h = Bytes.le16(b, at + 8) & 0x3FFF;
        return new int[] {w, h};
    }

    private static int[] vp8lSize(byte[] b, int at, int len) throws ScanException {
        if (len < 5 || (b[at] & 0xff) != 0x2F) {
            throw ContainerGuard.corrupt("webp", "the lossless header is invalid");
        }
        int bits = Bytes.le32(b, at + 1);
        return new int[] {1 + (bits & 0x3FFF), 1 + ((bits >>> 14) & 0x3FFF)};
    }
}
