package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.DicomInfo;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.awt.image.Raster;

/**
 * A DICOM MR image (single or multi-frame), checked and ready to decode frame by frame into
 * 8-bit RGB (r = g = b for monochrome): the file's identifiers, its {@link PixelModule}, its
 * {@link Windowing} and, for encapsulated pixel data, its {@link Fragments}; immutable. The
 * pipeline (docs/dicom.md): stored values (masked to Bits Stored, sign-extended when signed),
 * the modality LUT (rescale slope and intercept), then the first VOI window of the file, or
 * when it has none an automatic window (8-bit data over its full range; wider data
 * between its 0.5th and 99.5th percentiles), MONOCHROME1 inverted last. RGB and YBR colour frames
 * (8-bit) are passed through as RGB and meet the same colour plausibility gate as any image.
 *
 * <p>{@link #parse} refuses, before any pixel is decoded: a modality other than MR
 * ({@code NOT_A_BRAIN_MRI}), rows x columns x frames over the pixel limit
 * ({@code IMAGE_TOO_LARGE}), transfer syntaxes and pixel formats it cannot decode
 * ({@code UNSUPPORTED_FORMAT}, naming the syntax) and pixel data shorter than its header
 * says ({@code CORRUPT_IMAGE}); such a refusal carries the file's identifiers
 * ({@link ScanException#dicom()}).
 */
public final class DicomImage {
    /** At most this many frames per file: each one is a model inference. */
    public static final int MAX_FRAMES = 1000;

    private final DicomParser.Dataset ds;
    private final JpegDecoder jpegDecoder;
    private final DicomInfo info;
    private final PixelModule pixels;
    private final Windowing windowing;
    /** Null for native (uncompressed) pixel data. */
    private final Fragments fragments;

    private DicomImage(DicomParser.Dataset ds, JpegDecoder jpegDecoder, DicomInfo info, PixelModule pixels,
                       Windowing windowing, Fragments fragments) {
        this.ds = ds;
        this.jpegDecoder = jpegDecoder;
        this.info = info;
        this.pixels = pixels;
        this.windowing = windowing;
        this.fragments = fragments;
    }

    /**
     * Parses and checks the header against the bounds; no pixel is decoded yet (frames decode
     * one by one, JPEG frames through {@code jpegDecoder}, the image wing's guarded reader).
     * Throws when the file's structure is damaged, and when a readable file cannot be
     * classified: then the exception carries the file's identifiers ({@link ScanException#dicom()}).
     */
    public static DicomImage parse(byte[] bytes, Bounds limits, JpegDecoder jpegDecoder) throws ScanException {
        // A deflated dataset may inflate to what the byte limit allows an uncompressed file.
        DicomParser.Dataset ds = DicomParser.parse(bytes, limits.maxBytes());
        DicomInfo identifiers = new DicomInfo(Sanitize.uid(ds.string(DicomParser.STUDY_INSTANCE_UID)),
                Sanitize.uid(ds.string(DicomParser.SERIES_INSTANCE_UID)),
                Sanitize.uid(ds.string(DicomParser.SOP_INSTANCE_UID)),
                Sanitize.modality(ds.string(DicomParser.MODALITY)), ds.syntax.uid, null, null, null);
        PixelModule pixels = PixelModule.of(ds, limits, identifiers);
        DicomInfo info = PixelModule.counted(identifiers, pixels.frames());
        Fragments fragments = null;
        if (ds.nativeOffset < 0) {
            try {
                fragments = Fragments.group(ds, pixels.frames());
            } catch (ScanException e) {
                throw e.withDicom(info);
            }
        }
        return new DicomImage(ds, jpegDecoder, info, pixels, Windowing.of(ds), fragments);
    }

    /**
     * How many Errors (OutOfMemoryError, StackOverflowError) the JPEG 2000 decoder threw and
     * this package turned into the input's error code; part of {@code ImageDecoder.decoderErrors}.
     */
    public static long decoderErrors() {
        return FrameDecoding.errors();
    }

    /** A DICOM Part-10 file or a bare DICOM dataset, by content. */
    public static boolean sniff(byte[] bytes) {
        return DicomParser.isPart10(bytes) || DicomParser.isBareDataset(bytes);
    }

    public int frames() {
        return pixels.frames();
    }

    public int width() {
        return pixels.columns();
    }

    public int height() {
        return pixels.rows();
    }

    /** The identifiers, without frame and window (those come with each decoded frame). */
    public DicomInfo info() {
        return info;
    }

    /**
     * The input limits that apply to a DICOM file, from the image wing's {@code Limits}: its
     * bytes, the pixels of all its frames, and the size rule one frame meets ({@code Limits.check},
     * the one place that rule is written).
     */
    public record Bounds(long maxBytes, long maxPixels, FrameSize frameSize) {
    }

    /** The size rule of one frame: throws the input's error when a frame of this size is refused. */
    @FunctionalInterface
    public interface FrameSize {
        void check(int width, int height) throws ScanException;
    }

    /**
     * One frame as 8 bits per sample, row by row, and what the result says about it: a
     * monochrome frame as its one grey plane ({@code colour} null), a colour one as
     * interleaved RGB ({@code grey} null). {@code ImageDecoder.image} makes it the pipeline's image.
     */
    public record Frame(int width, int height, byte[] grey, byte[] colour, DicomInfo info) {
        static Frame colour(int width, int height, byte[] rgb, DicomInfo info) {
            return new Frame(width, height, null, rgb, info);
        }
    }

    /** Decodes frame {@code index} (0-based; {@code dicom.frame} is 1-based). */
    public Frame frame(int index) throws ScanException {
        if (index < 0 || index >= pixels.frames()) {
            throw new IndexOutOfBoundsException(index);
        }
        int n = pixels.pixels();
        int rows = pixels.rows();
        int columns = pixels.columns();
        int samples = pixels.samples();
        int bitsAllocated = pixels.bitsAllocated();
        String photometric = pixels.photometric();
        int[] values;
        byte[] rgb = null;
        if (ds.nativeOffset >= 0) {
            int frameBytes = pixels.frameBytes();
            int at = ds.nativeOffset + index * frameBytes;
            if (samples == 3) {
                rgb = pixels.interleave(ds.data, at);
                values = null;
            } else {
                values = pixels.stored(ds.data, at, n);
            }
        } else if (ds.syntax.pixels == TransferSyntax.Pixels.RLE) {
            byte[][] planes = Rle.decode(fragments.frame(index), n, samples * (bitsAllocated / 8));
            if (samples == 3) {
                rgb = new byte[n * 3];
                for (int p = 0, o = 0; p < n; p++, o += 3) {
                    rgb[o] = planes[0][p];
                    rgb[o + 1] = planes[1][p];
                    rgb[o + 2] = planes[2][p];
                }
                values = null;
            } else {
                byte[] joined = new byte[n * (bitsAllocated / 8)];
                if (bitsAllocated == 8) {
                    joined = planes[0];
                } else {
                    for (int p = 0; p < n; p++) {
                        joined[p * 2] = planes[1][p]; // little endian: low byte first; segment 0 is the high byte
                        joined[p * 2 + 1] = planes[0][p];
                    }
                }
                values = pixels.stored(joined, 0, n);
            }
        } else if (ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000
                || ds.syntax.pixels == TransferSyntax.Pixels.JPEG_LS) {
            // Each decoder checks its code stream's size against rows and columns before any sample.
            int[] raw = ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000
                    ? Jpeg2000.decode(fragments.frame(index), columns, rows, samples, pixels.bitsStored(),
                            pixels.signed())
                    : JpegLs.decode(fragments.frame(index), columns, rows, samples);
            if (samples == 3) {
                rgb = new byte[n * 3]; // 8-bit colour, interleaved; JPEG 2000's YBR_RCT/ICT already undone
                for (int p = 0; p < rgb.length; p++) {
                    rgb[p] = (byte) raw[p];
                }
                values = null;
                if (photometric.startsWith("YBR_RCT") || photometric.startsWith("YBR_ICT")) {
                    return Frame.colour(columns, rows, rgb,
                            info.withFrame(index + 1, new DicomInfo.Window(null, null, DicomInfo.WINDOW_NONE, null)));
                }
            } else {
                values = new int[n];
                for (int p = 0; p < n; p++) {
                    values[p] = pixels.storedValue(raw[p]);
                }
            }
        } else if (samples == 3 && photometric.startsWith("YBR")) {
            // The JPEG decoder's own YCbCr conversion: the same pixels as the JPEG read on its own.
            return Frame.colour(columns, rows, jpeg(fragments.frame(index), true).rgb(),
                    info.withFrame(index + 1, new DicomInfo.Window(null, null, DicomInfo.WINDOW_NONE, null)));
        } else {
            Raster raster = jpeg(fragments.frame(index), false).raster();
            if (samples == 3) {
                rgb = new byte[n * 3];
                int[] row = new int[columns * 3];
                for (int y = 0; y < rows; y++) {
                    raster.getPixels(raster.getMinX(), raster.getMinY() + y, columns, 1, row);
                    for (int k = 0; k < row.length; k++) {
                        rgb[y * columns * 3 + k] = (byte) row[k];
                    }
                }
                values = null;
            } else {
                int[] raw = new int[n];
                raster.getSamples(raster.getMinX(), raster.getMinY(), columns, rows, 0, raw);
                values = new int[n];
                for (int p = 0; p < n; p++) {
                    values[p] = pixels.storedValue(raw[p]);
                }
            }
        }
        if (rgb != null) {
            if (photometric.startsWith("YBR")) {
                ybrToRgb(rgb);
            }
            return Frame.colour(columns, rows, rgb,
                    info.withFrame(index + 1, new DicomInfo.Window(null, null, DicomInfo.WINDOW_NONE, null)));
        }
        Windowing.Windowed grey = windowing.apply(values, pixels);
        return new Frame(columns, rows, grey.grey(), null, info.withFrame(index + 1, grey.window()));
    }

    /** YCbCr (full range, PS3.3 C.7.6.3.1.2) to RGB, in place. */
    private static void ybrToRgb(byte[] px) {
        for (int o = 0; o < px.length; o += 3) {
            double y = px[o] & 0xff;
            double cb = (px[o + 1] & 0xff) - 128;
            double cr = (px[o + 2] & 0xff) - 128;
            px[o] = (byte) Windowing.clamp(y + 1.402 * cr);
            px[o + 1] = (byte) Windowing.clamp(y - 0.344136 * cb - 0.714136 * cr);
            px[o + 2] = (byte) Windowing.clamp(y + 1.772 * cb);
        }
    }

    /** A decoded JPEG frame: the raster, and its 8-bit RGB pixels when the decoder converted colours (else null). */
    public record JpegFrame(Raster raster, byte[] rgb) {
    }

    /** Decodes one JPEG frame (the core's ImageDecoder: its container guard, reader and time budget). */
    @FunctionalInterface
    public interface JpegDecoder {
        JpegFrame decode(byte[] bytes, boolean raw) throws ScanException;
    }

    /** One JPEG frame, checked against the header's size and samples. */
    private JpegFrame jpeg(byte[] bytes, boolean image) throws ScanException {
        FrameHeader.check(bytes, pixels.columns(), pixels.rows(), pixels.samples()); // before any pixel is decoded
        JpegFrame frame;
        try {
            frame = jpegDecoder.decode(bytes, !image);
        } catch (ScanException e) {
            if (e.code() == ErrorCode.UNSUPPORTED_FORMAT) {
                throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT, e.getMessage().replace(".", "") + " ("
                        + ds.syntax.describe() + ").");
            }
            throw e;
        }
        Raster raster = frame.raster();
        if (raster.getWidth() != pixels.columns() || raster.getHeight() != pixels.rows()
                || raster.getNumBands() != pixels.samples()) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE,
                    "The DICOM JPEG frame does not match the image the header describes.");
        }
        return frame;
    }
}
