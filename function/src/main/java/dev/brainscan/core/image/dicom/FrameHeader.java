package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.util.Locale;

/**
 * The image size a compressed DICOM frame's code stream declares, read from its header in
 * plain Java before any decoder sees the frame: a JPEG frame header (SOF0-SOF15 and JPEG-LS's
 * SOF55), or a JPEG 2000 code stream's SIZ segment. A frame whose code stream declares
 * another size or sample count than the dataset's Rows, Columns and Samples per Pixel is
 * {@code CORRUPT_IMAGE} at once: without this check, 1,000 frames declared 32x32 each
 * carrying a 6320x6320 JPEG header were each decoded in full (within the per-image pixel
 * limit) before the comparison, 208 s of CPU for one 159 KB file.
 */
public final class FrameHeader {
    /** Segments walked before the frame header at most; a real stream has it within the first few. */
    static final int MAX_SEGMENTS_BEFORE_FRAME = 64;

    /** What a code stream declares; {@code height} 0 means the height comes later (a JPEG DNL segment). */
    public record Declared(int width, int height, int components) {
    }

    private FrameHeader() {
    }

    /**
     * Refuses the frame when its code stream declares another size or sample count than the
     * dataset; a stream whose header cannot be found is left to its decoder, which refuses it.
     */
    public static void check(byte[] frame, int columns, int rows, int samples) throws ScanException {
        Declared d = of(frame);
        if (d == null) {
            return;
        }
        boolean heightOk = d.height() == rows || d.height() == 0;
        if (d.width() != columns || !heightOk || d.components() != samples) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, String.format(Locale.ROOT,
                    "The DICOM frame's code stream declares %dx%d with %d sample(s) per pixel where the header "
                            + "says %dx%d with %d; the frame is not decoded.",
                    d.width(), d.height(), d.components(), columns, rows, samples));
        }
    }

    /** The declared size, or null when the bytes hold no recognisable header. */
    public static Declared of(byte[] b) {
        if (b.length >= 4 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
            return jpeg(b);
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0x4F && (b[2] & 0xff) == 0xFF
                && (b[3] & 0xff) == 0x51) {
            return j2k(b);
        }
        return null;
    }

    /** The first frame header (SOFn other than DHT, JPG and DAC; or JPEG-LS's SOF55) after SOI. */
    private static Declared jpeg(byte[] b) {
        int pos = 2;
        for (int segments = 0; segments < MAX_SEGMENTS_BEFORE_FRAME && pos + 4 <= b.length; segments++) {
            if ((b[pos] & 0xff) != 0xFF) {
                return null;
            }
            while (pos < b.length && (b[pos] & 0xff) == 0xFF) {
                pos++;
            }
            if (pos + 3 > b.length) {
                return null;
            }
            int marker = b[pos] & 0xff;
            pos++;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // standalone markers
            }
            if (marker == 0xDA || marker == 0xD9) {
                return null; // a scan or the end before any frame header
            }
            int len = (b[pos] & 0xff) << 8 | (b[pos + 1] & 0xff);
            boolean sof = (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
                    || marker == 0xF7;
            if (sof) {
                if (len < 8 || pos + 8 > b.length) {
                    return null;
                }
                int height = (b[pos + 3] & 0xff) << 8 | (b[pos + 4] & 0xff);
                int width = (b[pos + 5] & 0xff) << 8 | (b[pos + 6] & 0xff);
                return new Declared(width, height, b[pos + 7] & 0xff);
            }
            if (len < 2) {
                return null;
            }
            pos += len;
        }
        return null;
    }

    /** SIZ (ISO 15444-1 A.5.1): the image area is Xsiz - XOsiz by Ysiz - YOsiz, Csiz components. */
    private static Declared j2k(byte[] b) {
        // FF4F FF51, Lsiz(2) Rsiz(2) Xsiz(4) Ysiz(4) XOsiz(4) YOsiz(4) XTsiz YTsiz XTOsiz YTOsiz(4 each) Csiz(2)
        if (b.length < 4 + 4 + 32 + 2) {
            return null;
        }
        long x = u32(b, 8);
        long y = u32(b, 12);
        long xo = u32(b, 16);
        long yo = u32(b, 20);
        int c = (b[40] & 0xff) << 8 | (b[41] & 0xff);
        long w = x - xo;
        long h = y - yo;
        if (w <= 0 || h <= 0 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            return new Declared(-1, -1, c);
        }
        return new Declared((int) w, (int) h, c);
    }

    private static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
