package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.util.Locale;

/**
 * The image size a JPEG DICOM frame's code stream declares, read from its frame header
 * (SOF0-SOF15, or JPEG-LS's SOF55) in plain Java before the decoder sees the frame (JPEG 2000
 * and JPEG-LS frames are checked the same way by their own decoders, {@link Jpeg2000#check} and
 * {@code JpegLs}, which read those headers anyway). A frame whose code stream declares
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
}
