package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;






/**
 * DICOM RLE Lossless (PS3.5 annex G): a 64-byte header (segment count, 15 offsets), then one
 * PackBits segment per byte plane, most significant byte first.
 */
final class Rle {
    private Rle() {
    }

    static byte[][] decode(byte[] frame, int pixels, int segments) throws ScanException {
        if (frame.length < 64) {
            throw damaged();
        }
        long count = DicomParser.u32(frame, 0);
        if (count != segments) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM RLE frame has " + Math.min(count, 99)
                    + " segments where the image needs " + segments + ".");
        }
        byte[][] out = new byte[segments][];
        for (int s = 0; s < segments; s++) {
            long start = DicomParser.u32(frame, 4 + s * 4);
            long end = s + 1 < segments ? DicomParser.u32(frame, 8 + s * 4) : frame.length;
            if (start < 64 || end > frame.length || end < start) {
                throw damaged();
            }
            out[s] = packBits(frame, (int) start, (int) end, pixels);
        }
        return out;
    }

    private static byte[] packBits(byte[] in, int pos, int end, int size) throws ScanException {
        byte[] out = new byte[size];
        int o = 0;
        while (o < size) {
            if (pos >= end) {
                throw damaged();
            }
            int n = in[pos++];
            if (n >= 0) {
                int len = n + 1;
                if (pos + len > end) {
                    throw damaged();
                }
                int copy = Math.min(len, size - o); // a run past the plane's end (padding) is cut
                System.arraycopy(in, pos, out, o, copy);
                pos += len;
                o += copy;
            } else if (n != -128) {
                int len = 1 - n;
                if (pos >= end) {
                    throw damaged();
                }
                int fill = Math.min(len, size - o);
                java.util.Arrays.fill(out, o, o + fill, in[pos++]);
                o += fill;
            }
        }
        return out;
    }

    private static ScanException damaged() {
        return new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM RLE frame is truncated or damaged.");
    }
}
