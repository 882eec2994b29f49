package dev.brainscan.core.image.dicom;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReader;
import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.stream.MemoryCacheImageInputStream;
import jj2000.j2k.util.FacilityManager;
import jj2000.j2k.util.MsgLogger;

/**
 * One JPEG 2000 frame (transfer syntaxes 1.2.840.10008.1.2.4.90 and .91, PS3.5 A.4.4):
 * the code stream's SIZ header is read and checked first (the header's components, no subsampling,
 * 1 to 16 bits, the DICOM header's rows and columns, a bounded tile count), then JJ2000
 * (jai-imageio-jpeg2000, see function/pom.xml for why this library) decodes it under the
 * frame time budget. A JP2 file wrapper around the code stream is accepted.
 *
 * <p>The reader is constructed directly, never looked up through ImageIO's registry, and
 * JJ2000's console logger is silenced (it would print warnings about damaged streams).
 */
final class Jpeg2000 {
    /** More tiles than this is no export writer's layout, and each costs JJ2000 fixed work. */
    static final int MAX_TILES = 4096;

    private static final MsgLogger SILENT = new MsgLogger() {
        @Override
        public void printmsg(int severity, String message) {
        }

        @Override
        public void println(String text, int firstIndent, int indent) {
        }

        @Override
        public void flush() {
        }
    };

    static {
        FacilityManager.registerMsgLogger(null, SILENT);
    }

    private Jpeg2000() {
    }

    /** The SIZ header fields brainscan checks. */
    record Header(long width, long height, int components, int precision, boolean signed, long tiles,
            boolean subsampled) {
    }

    /**
     * Decodes a frame into its samples (row by row, as the code stream holds them: unsigned,
     * or sign-extended when the stream says signed, clipped to the stream's range), after
     * checking its header against the DICOM header's {@code columns} x {@code rows}.
     */
    static int[] decode(byte[] data, int columns, int rows) throws ScanException {
        return decode(data, columns, rows, 1, 16, false);
    }

    /**
     * As {@link #decode(byte[], int, int)}; when the stream's signedness is the DICOM header's,
     * the samples are clipped to {@code bitsStored} too (a 12-bit signed slice coded at 16-bit
     * precision may overshoot -2048 in a lossy decode; masking would turn that into white). A
     * stream whose signedness differs holds the stored bit patterns, left for the caller to mask.
     */
    static int[] decode(byte[] data, int columns, int rows, int components, int bitsStored, boolean signed)
            throws ScanException {
        int at = codestreamStart(data);
        Header h = header(data, at);
        check(h, columns, rows, components);
        checkTileParts(data, at);
        int[] samples = FrameDecoding.guarded("JPEG 2000", () -> read(data, columns, rows, components));
        // A lossy decode can overshoot the nominal range near its ends (a dark background next to
        // the minimum); clip as OpenJPEG does, or masking to Bits Stored would wrap it round.
        int bits = h.signed() == signed ? Math.min(h.precision(), bitsStored) : h.precision();
        int lo = h.signed() ? -(1 << (bits - 1)) : 0;
        int hi = h.signed() ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        for (int i = 0; i < samples.length; i++) {
            samples[i] = Math.max(lo, Math.min(hi, samples[i]));
        }
        return samples;
    }

    static void check(Header h, int columns, int rows, int components) throws ScanException {
        if (h.width() != columns || h.height() != rows) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, String.format(Locale.ROOT,
                    "The DICOM JPEG 2000 frame is %dx%d; the header describes %dx%d.", h.width(), h.height(),
                    columns, rows));
        }
        if (h.components() != components) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM JPEG 2000 frame has " + h.components()
                    + " components; the header describes " + components + ".");
        }
        if (h.precision() > 16) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT, "The DICOM JPEG 2000 frame has " + h.precision()
                    + " bits per sample; brainscan reads up to 16.");
        }
        if (h.subsampled()) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM JPEG 2000 frame is subsampled.");
        }
        if (h.tiles() > MAX_TILES) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, String.format(Locale.ROOT,
                    "The DICOM JPEG 2000 frame has %d tiles; the limit is %d.", h.tiles(), MAX_TILES));
        }
    }

    /** Where the code stream starts: 0, or the content of a JP2 file's contiguous code stream box. */
    static int codestreamStart(byte[] b) throws ScanException {
        if (b.length >= 12 && u32(b, 0) == 12 && u32(b, 4) == 0x6A502020) { // "jP  " signature box
            long pos = 0;
            while (pos + 8 <= b.length) {
                long length = u32(b, (int) pos);
                long type = u32(b, (int) pos + 4);
                int header = 8;
                if (length == 1) {
                    if (pos + 16 > b.length) {
                        break;
                    }
                    length = ((long) u32(b, (int) pos + 8) << 32) | u32(b, (int) pos + 12);
                    header = 16;
                } else if (length == 0) {
                    length = b.length - pos;
                }
                if (type == 0x6A703263) { // "jp2c"
                    return (int) pos + header;
                }
                if (length < header || pos + length > b.length) {
                    break;
                }
                pos += length;
            }
            throw corrupt("has no code stream");
        }
        return 0;
    }

    /** The SIZ marker segment, which must follow SOC (ISO/IEC 15444-1 A.5.1). */
    static Header header(byte[] b, int at) throws ScanException {
        if (at + 42 > b.length || u16(b, at) != 0xFF4F || u16(b, at + 2) != 0xFF51) {
            throw corrupt("does not start with a JPEG 2000 code stream header");
        }
        int p = at + 4;
        int lsiz = u16(b, p);
        long xsiz = u32(b, p + 4);
        long ysiz = u32(b, p + 8);
        long xosiz = u32(b, p + 12);
        long yosiz = u32(b, p + 16);
        long xtsiz = u32(b, p + 20);
        long ytsiz = u32(b, p + 24);
        long xtosiz = u32(b, p + 28);
        long ytosiz = u32(b, p + 32);
        int csiz = u16(b, p + 36);
        if (csiz < 1 || lsiz != 38 + 3 * csiz || p + lsiz > b.length || xsiz <= xosiz || ysiz <= yosiz
                || xtsiz == 0 || ytsiz == 0 || xtosiz > xosiz || ytosiz > yosiz || xtosiz + xtsiz <= xosiz
                || ytosiz + ytsiz <= yosiz) {
            throw corrupt("has an invalid size header");
        }
        int ssiz = b[p + 38] & 0xff;
        boolean subsampled = false;
        for (int c = 0; c < csiz; c++) {
            int q = p + 38 + 3 * c;
            subsampled |= (b[q + 1] & 0xff) != 1 || (b[q + 2] & 0xff) != 1;
            if ((b[q] & 0x7f) != (ssiz & 0x7f)) {
                subsampled = true; // components of different depths: not a DICOM frame either
            }
        }
        long tiles = ceilDiv(xsiz - xtosiz, xtsiz) * ceilDiv(ysiz - ytosiz, ytsiz);
        return new Header(xsiz - xosiz, ysiz - yosiz, csiz, (ssiz & 0x7f) + 1, (ssiz & 0x80) != 0, tiles,
                subsampled);
    }

    /**
     * The main header's marker segments and the chain of tile-parts (SOT, ISO/IEC 15444-1 A.4.2)
     * lie inside the data: JJ2000 meets a stream cut short with an EOFException that its
     * exception handler prints to the console and rethrows as an Error, so truncation is refused here.
     */
    static void checkTileParts(byte[] b, int at) throws ScanException {
        int p = at + 2;
        while (true) {
            if (p + 4 > b.length || (b[p] & 0xff) != 0xFF) {
                throw corrupt("is truncated or damaged");
            }
            int marker = b[p + 1] & 0xff;
            if (marker == 0x90) {
                break;
            }
            p += 2 + u16(b, p + 2);
        }
        int parts = 0;
        while (p + 12 <= b.length && u16(b, p) == 0xFF90) {
            long psot = u32(b, p + 6);
            if (psot == 0) {
                return; // the last tile-part runs to the end of the code stream
            }
            if (psot < 14 || p + psot > b.length || ++parts > 4 * MAX_TILES) {
                throw corrupt("is truncated or damaged");
            }
            p += (int) psot;
        }
        if (parts == 0 || !(p == b.length || p + 2 <= b.length && u16(b, p) == 0xFFD9)) {
            throw corrupt("is truncated or damaged");
        }
    }

    private static int[] read(byte[] data, int columns, int rows, int components) throws IOException, ScanException {
        J2KImageReader reader = new J2KImageReader(new J2KImageReaderSpi());
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> watchdog = FrameDecoding.watch(() -> {
            expired.set(true);
            reader.abort();
        });
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            Raster raster = reader.readRaster(0, null);
            if (expired.get() || raster == null) {
                throw FrameDecoding.overBudget();
            }
            if (raster.getWidth() != columns || raster.getHeight() != rows || raster.getNumBands() != components) {
                throw corrupt("does not match the image the header describes");
            }
            // Colour: JJ2000 has undone the stream's component transform (RCT/ICT): RGB, interleaved.
            return raster.getPixels(raster.getMinX(), raster.getMinY(), columns, rows,
                    new int[columns * rows * components]);
        } catch (RuntimeException | IOException e) {
            if (expired.get()) {
                throw FrameDecoding.overBudget();
            }
            throw e;
        } finally {
            watchdog.cancel(false);
            reader.dispose();
        }
    }

    private static ScanException corrupt(String what) {
        return new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM JPEG 2000 frame " + what + ".");
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static long u32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
