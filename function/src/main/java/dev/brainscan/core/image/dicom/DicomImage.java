package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.DicomInfo;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.awt.image.Raster;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A DICOM MR image (single or multi-frame), checked and ready to decode frame by frame into
 * 8-bit RGB (r = g = b for monochrome). The pipeline (docs/dicom.md): stored values
 * (masked to Bits Stored, sign-extended when signed), the modality LUT (rescale slope and
 * intercept), then the first VOI window of the file, or when it has none an automatic
 * window (8-bit data over its full range; wider data between its 0.5th and 99.5th
 * percentiles), MONOCHROME1 inverted last. RGB and YBR colour frames (8-bit) are passed
 * through as RGB and meet the same colour plausibility gate as any image.
 *
 * <p>{@link #parse} refuses, before any pixel is decoded: a modality other than MR
 * ({@code NOT_A_BRAIN_MRI}), rows x columns x frames over the pixel limit
 * ({@code IMAGE_TOO_LARGE}), transfer syntaxes and pixel formats it cannot decode
 * ({@code UNSUPPORTED_FORMAT}, naming the syntax) and pixel data shorter than its header
 * says ({@code CORRUPT_IMAGE}).
 */
public final class DicomImage {
    /** At most this many frames per file: each one is a model inference. */
    public static final int MAX_FRAMES = 1000;

    private final DicomParser.Dataset ds;
    private final JpegDecoder jpegDecoder;
    private DicomInfo info;
    private int rows;
    private int columns;
    private int frames;
    private int samples;
    private int bitsAllocated;
    private int bitsStored;
    private int shift;
    private boolean signed;
    private String photometric;
    private int planar;
    private double slope;
    private double intercept;
    private Double windowCenter;
    private Double windowWidth;
    private String voiFunction;
    private List<int[][]> frameFragments;
    private ScanException refusal;

    private DicomImage(DicomParser.Dataset ds, JpegDecoder jpegDecoder) {
        this.ds = ds;
        this.jpegDecoder = jpegDecoder;
        String modality = ds.string(DicomParser.MODALITY);
        String safeModality = Sanitize.modality(modality);
        this.info = new DicomInfo(Sanitize.uid(ds.string(DicomParser.STUDY_INSTANCE_UID)),
                Sanitize.uid(ds.string(DicomParser.SERIES_INSTANCE_UID)),
                Sanitize.uid(ds.string(DicomParser.SOP_INSTANCE_UID)), safeModality, ds.syntax.uid, null, null, null);
    }

    private void check(Bounds limits) throws ScanException {
        String modality = ds.string(DicomParser.MODALITY);
        String safeModality = Sanitize.modality(modality);
        if (!"MR".equals(modality)) {
            throw new ScanException(ErrorCode.NOT_A_BRAIN_MRI, modality == null || modality.isEmpty()
                    ? "The DICOM file names no modality; brainscan reads MR (magnetic resonance) images only."
                    : "The DICOM modality is " + (safeModality != null ? safeModality : "not a recognised term")
                            + ", not MR; brainscan reads MR (magnetic resonance) images only.");
        }
        if (ds.floatPixels) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                    "The DICOM file holds floating-point pixel data; brainscan reads integer pixel data only.");
        }
        if (ds.nativeOffset < 0 && !ds.encapsulated) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM file has no pixel data.");
        }
        rows = ds.us(DicomParser.ROWS);
        columns = ds.us(DicomParser.COLUMNS);
        Integer nf = ds.integer(DicomParser.NUMBER_OF_FRAMES);
        frames = nf == null ? 1 : nf;
        if (rows <= 0 || columns <= 0 || frames <= 0) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE,
                    "The DICOM header gives no valid image size (rows, columns, number of frames).");
        }
        long pixels = (long) rows * columns * frames;
        if (pixels > limits.maxPixels()) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The DICOM image is %dx%d with %d frame(s) (%d pixels); the limit is %d pixels.", columns, rows,
                    frames, pixels, limits.maxPixels()));
        }
        if (frames > 1) {
            info = new DicomInfo(info.studyInstanceUid(), info.seriesInstanceUid(), info.sopInstanceUid(),
                    info.modality(), info.transferSyntax(), null, frames, null);
        }
        if (frames > MAX_FRAMES) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The DICOM image has %d frames; the limit is %d.", frames, MAX_FRAMES));
        }
        if (rows < limits.minSide() || columns < limits.minSide()) {
            throw new ScanException(ErrorCode.NOT_A_BRAIN_MRI, String.format(Locale.ROOT,
                    "The image is %dx%d; a brain MR slice needs at least %d pixels on each side.", columns, rows,
                    limits.minSide()));
        }
        if (ds.syntax.pixels == TransferSyntax.Pixels.UNSUPPORTED) {
            throw DicomParser.unsupportedSyntax(ds.syntax);
        }
        if (ds.syntax.pixels != TransferSyntax.Pixels.NATIVE && ds.nativeOffset >= 0 && !ds.encapsulated) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM pixel data is not encapsulated as its "
                    + "transfer syntax " + ds.syntax.describe() + " requires.");
        }
        samples = ds.us(DicomParser.SAMPLES_PER_PIXEL) < 0 ? 1 : ds.us(DicomParser.SAMPLES_PER_PIXEL);
        bitsAllocated = ds.us(DicomParser.BITS_ALLOCATED);
        int stored = ds.us(DicomParser.BITS_STORED);
        bitsStored = stored <= 0 || stored > bitsAllocated ? bitsAllocated : stored;
        int high = ds.us(DicomParser.HIGH_BIT);
        shift = high >= bitsStored - 1 && high < bitsAllocated ? high + 1 - bitsStored : 0;
        signed = ds.us(DicomParser.PIXEL_REPRESENTATION) == 1;
        String pi = ds.string(DicomParser.PHOTOMETRIC);
        photometric = pi == null || pi.isEmpty() ? (samples == 1 ? "MONOCHROME2" : "RGB") : pi;
        planar = Math.max(0, ds.us(DicomParser.PLANAR_CONFIGURATION));
        boolean mono = samples == 1 && (photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"));
        boolean colour = samples == 3 && (photometric.equals("RGB") || photometric.equals("YBR_FULL")
                || (photometric.equals("YBR_FULL_422") && ds.syntax.pixels == TransferSyntax.Pixels.JPEG)
                || (photometric.matches("YBR_RCT|YBR_ICT") && ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000));
        if (!mono && !colour) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT, "The DICOM photometric interpretation "
                    + Sanitize.photometric(photometric) + " with "
                    + samples + " sample(s) per pixel is not supported; brainscan reads MONOCHROME1, MONOCHROME2 and 8-bit RGB.");
        }
        if (!(bitsAllocated == 8 || bitsAllocated == 16) || (colour && bitsAllocated != 8)) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT, "The DICOM image has " + bitsAllocated
                    + " bits allocated per sample; brainscan reads 8 to 16-bit monochrome and 8-bit colour.");
        }
        Double s = ds.decimal(DicomParser.RESCALE_SLOPE);
        Double i = ds.decimal(DicomParser.RESCALE_INTERCEPT);
        slope = s == null || s == 0 ? 1 : s;
        intercept = i == null ? 0 : i;
        windowCenter = ds.decimal(DicomParser.WINDOW_CENTER);
        Double w = ds.decimal(DicomParser.WINDOW_WIDTH);
        windowWidth = w != null && w > 0 ? w : null;
        String f = ds.first(DicomParser.VOI_LUT_FUNCTION);
        voiFunction = f == null || f.isEmpty() ? null : f.equals("LINEAR_EXACT") || f.equals("SIGMOID") ? f : "LINEAR";
        if (ds.nativeOffset >= 0) {
            long frameBytes = (long) rows * columns * samples * (bitsAllocated / 8);
            if (ds.nativeLength < frameBytes * frames) {
                throw new ScanException(ErrorCode.CORRUPT_IMAGE, String.format(Locale.ROOT,
                        "The DICOM pixel data is truncated: %d bytes where %d frame(s) of %dx%d need %d.",
                        ds.nativeLength, frames, columns, rows, frameBytes * frames));
            }
        } else {
            frameFragments = groupFragments();
        }
    }

    /**
     * Why this file cannot be classified (the modality, its size, its syntax or pixel format),
     * or null when its frames can be decoded. A refused file still has its {@link #info()}.
     */
    public ScanException refusal() {
        return refusal;
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

    /**
     * Parses and checks the header against the bounds; no pixel is decoded yet (frames decode
     * one by one, JPEG frames through {@code jpegDecoder}, the image wing's guarded reader).
     * Throws when the file's structure is damaged; a readable file that cannot be classified
     * comes back with its {@link #refusal()}.
     */
    public static DicomImage parse(byte[] bytes, Bounds limits, JpegDecoder jpegDecoder) throws ScanException {
        // A deflated dataset may inflate to what the byte limit allows an uncompressed file.
        long budget = limits.maxBytes();
        DicomImage image = new DicomImage(DicomParser.parse(bytes, budget), jpegDecoder);
        try {
            image.check(limits);
        } catch (ScanException e) {
            image.refusal = e;
        }
        return image;
    }

    public int frames() {
        return frames;
    }

    public int width() {
        return columns;
    }

    public int height() {
        return rows;
    }

    /** The identifiers, without frame and window (those come with each decoded frame). */
    public DicomInfo info() {
        return info;
    }

    /** One decoded frame with the {@code dicom} block that describes it. */
    /** The input limits that apply to a DICOM file (the image wing's {@code Limits}). */
    public record Bounds(long maxBytes, long maxPixels, int minSide) {
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
        if (refusal != null) {
            throw refusal;
        }
        if (index < 0 || index >= frames) {
            throw new IndexOutOfBoundsException(index);
        }
        int n = rows * columns;
        int[] values;
        byte[] rgb = null;
        if (ds.nativeOffset >= 0) {
            int frameBytes = n * samples * (bitsAllocated / 8);
            int at = ds.nativeOffset + index * frameBytes;
            if (samples == 3) {
                rgb = interleave(ds.data, at, planar == 1);
                values = null;
            } else {
                values = stored(ds.data, at, n);
            }
        } else if (ds.syntax.pixels == TransferSyntax.Pixels.RLE) {
            byte[][] planes = Rle.decode(fragmentBytes(index), n, samples * (bitsAllocated / 8));
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
                values = stored(joined, 0, n);
            }
        } else if (ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000
                || ds.syntax.pixels == TransferSyntax.Pixels.JPEG_LS) {
            // Each decoder checks its code stream's size against rows and columns before any sample.
            int[] raw = ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000
                    ? Jpeg2000.decode(fragmentBytes(index), columns, rows, samples, bitsStored, signed)
                    : JpegLs.decode(fragmentBytes(index), columns, rows, samples);
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
                    values[p] = storedValue(raw[p]);
                }
            }
        } else if (samples == 3 && photometric.startsWith("YBR")) {
            // The JPEG decoder's own YCbCr conversion: the same pixels as the JPEG read on its own.
            return Frame.colour(columns, rows, jpeg(fragmentBytes(index), true).rgb(),
                    info.withFrame(index + 1, new DicomInfo.Window(null, null, DicomInfo.WINDOW_NONE, null)));
        } else {
            Raster raster = jpeg(fragmentBytes(index), false).raster();
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
                    values[p] = storedValue(raw[p]);
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
        return window(values, index);
    }

    private Frame window(int[] values, int index) {
        int n = values.length;
        byte[] grey = new byte[n];
        DicomInfo.Window used;
        if (windowCenter != null && windowWidth != null) {
            double c = windowCenter;
            double w = windowWidth;
            String fn = voiFunction == null ? "LINEAR" : voiFunction;
            for (int p = 0; p < n; p++) {
                double x = values[p] * slope + intercept;
                double y;
                switch (fn) {
                    case "LINEAR_EXACT" -> y = x <= c - w / 2 ? 0 : x > c + w / 2 ? 255 : ((x - c) / w + 0.5) * 255;
                    case "SIGMOID" -> y = 255 / (1 + Math.exp(-4 * (x - c) / w));
                    default -> {
                        // PS3.3 C.11.2.1.2.1; a width under 1 is treated as 1 (a hard threshold).
                        double ww = Math.max(w, 1);
                        y = x <= c - 0.5 - (ww - 1) / 2 ? 0 : x > c - 0.5 + (ww - 1) / 2 ? 255
                                : ww == 1 ? 255 : ((x - (c - 0.5)) / (ww - 1) + 0.5) * 255;
                    }
                }
                grey[p] = (byte) clamp(y);
            }
            used = new DicomInfo.Window(round(c), round(w), DicomInfo.WINDOW_FILE, voiFunction);
        } else {
            double lo;
            double hi;
            String source;
            boolean identity = slope == 1 && intercept == 0;
            if (bitsStored <= 8 && identity) {
                lo = signed ? -(1 << (bitsStored - 1)) : 0;
                hi = signed ? (1 << (bitsStored - 1)) - 1 : (1 << bitsStored) - 1;
                source = DicomInfo.WINDOW_FULL_RANGE;
            } else {
                int[] sorted = percentiles(values, 0.005, 0.995);
                double a = sorted[0] * slope + intercept;
                double b = sorted[1] * slope + intercept;
                lo = Math.min(a, b);
                hi = Math.max(a, b);
                if (hi <= lo) {
                    hi = lo + 1;
                }
                source = DicomInfo.WINDOW_AUTO;
            }
            double scale = 255.0 / (hi - lo);
            for (int p = 0; p < n; p++) {
                double x = values[p] * slope + intercept;
                grey[p] = (byte) clamp((x - lo) * scale);
            }
            used = new DicomInfo.Window(round((lo + hi) / 2), round(hi - lo), source, null);
        }
        if (photometric.equals("MONOCHROME1")) {
            for (int p = 0; p < n; p++) {
                grey[p] = (byte) (255 - (grey[p] & 0xff));
            }
        }
        return new Frame(columns, rows, grey, null, info.withFrame(index + 1, used));
    }

    private static int clamp(double y) {
        long r = Math.round(y);
        return (int) Math.max(0, Math.min(255, r));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The stored values at the given quantiles, from a histogram of the (at most 16-bit) values. */
    private int[] percentiles(int[] values, double low, double high) {
        int offset = signed ? 1 << 15 : 0;
        int[] histogram = new int[1 << 16];
        for (int v : values) {
            histogram[Math.max(0, Math.min(65535, v + offset))]++;
        }
        long n = values.length;
        long lowRank = (long) Math.floor(low * (n - 1));
        long highRank = (long) Math.ceil(high * (n - 1));
        int lo = 0;
        int hi = 0;
        long seen = 0;
        boolean loFound = false;
        for (int v = 0; v < histogram.length; v++) {
            seen += histogram[v];
            if (!loFound && seen > lowRank) {
                lo = v;
                loFound = true;
            }
            if (seen > highRank) {
                hi = v;
                break;
            }
        }
        return new int[] {lo - offset, hi - offset};
    }

    /** Stored values of one monochrome frame, little endian, masked and sign-extended. */
    private int[] stored(byte[] data, int at, int n) {
        int[] out = new int[n];
        if (bitsAllocated == 8) {
            for (int p = 0; p < n; p++) {
                out[p] = storedValue(data[at + p] & 0xff);
            }
        } else {
            for (int p = 0; p < n; p++) {
                int q = at + p * 2;
                out[p] = storedValue((data[q] & 0xff) | (data[q + 1] & 0xff) << 8);
            }
        }
        return out;
    }

    private int storedValue(int raw) {
        int v = (raw >>> shift) & ((1 << bitsStored) - 1);
        if (signed && (v & (1 << (bitsStored - 1))) != 0) {
            v -= 1 << bitsStored;
        }
        return v;
    }

    private byte[] interleave(byte[] data, int at, boolean planes) {
        int n = rows * columns;
        byte[] out = new byte[n * 3];
        if (!planes) {
            System.arraycopy(data, at, out, 0, n * 3);
        } else {
            for (int p = 0; p < n; p++) {
                out[p * 3] = data[at + p];
                out[p * 3 + 1] = data[at + n + p];
                out[p * 3 + 2] = data[at + 2 * n + p];
            }
        }
        return out;
    }

    /** YCbCr (full range, PS3.3 C.7.6.3.1.2) to RGB, in place. */
    private static void ybrToRgb(byte[] px) {
        for (int o = 0; o < px.length; o += 3) {
            double y = px[o] & 0xff;
            double cb = (px[o + 1] & 0xff) - 128;
            double cr = (px[o + 2] & 0xff) - 128;
            px[o] = (byte) clamp(y + 1.402 * cr);
            px[o + 1] = (byte) clamp(y - 0.344136 * cb - 0.714136 * cr);
            px[o + 2] = (byte) clamp(y + 1.772 * cb);
        }
    }

    /**
     * Which fragments make up each frame (PS3.5 A.4): all of them for a single frame; one each
     * when there are as many fragments as frames; else by the basic offset table; else a
     * fragment starting with a JPEG start-of-image marker starts a new frame.
     */
    private List<int[][]> groupFragments() throws ScanException {
        List<int[]> fragments = ds.fragments;
        if (fragments.isEmpty()) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM pixel data has no fragments.");
        }
        List<int[][]> out = new ArrayList<>();
        if (frames == 1) {
            out.add(fragments.toArray(new int[0][]));
            return out;
        }
        if (fragments.size() == frames) {
            for (int[] f : fragments) {
                out.add(new int[][] {f});
            }
            return out;
        }
        if (ds.offsetTable != null && ds.offsetTable.length == frames) {
            // Offsets count from the first fragment's item tag; fragment i's item tag is 8 bytes before its value.
            long base = fragments.get(0)[0] - 8L;
            int f = 0;
            for (int frame = 0; frame < frames; frame++) {
                long start = base + ds.offsetTable[frame];
                long stop = frame + 1 < frames ? base + ds.offsetTable[frame + 1] : Long.MAX_VALUE;
                List<int[]> parts = new ArrayList<>();
                while (f < fragments.size() && fragments.get(f)[0] - 8L < stop) {
                    if (fragments.get(f)[0] - 8L >= start) {
                        parts.add(fragments.get(f));
                    }
                    f++;
                }
                if (parts.isEmpty()) {
                    throw truncatedFrames();
                }
                out.add(parts.toArray(new int[0][]));
            }
            return out;
        }
        if (ds.syntax.pixels == TransferSyntax.Pixels.JPEG || ds.syntax.pixels == TransferSyntax.Pixels.JPEG_LS
                || ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000) {
            // A frame starts with a JPEG start-of-image marker (JPEG-LS too), or JPEG 2000's start-of-codestream.
            int second = ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000 ? 0x4F : 0xD8;
            List<int[]> current = null;
            for (int[] f : fragments) {
                boolean soi = f[1] >= 2 && (ds.data[f[0]] & 0xff) == 0xFF && (ds.data[f[0] + 1] & 0xff) == second;
                if (soi || current == null) {
                    if (current != null) {
                        out.add(current.toArray(new int[0][]));
                    }
                    current = new ArrayList<>();
                }
                current.add(f);
            }
            out.add(current.toArray(new int[0][]));
        }
        if (out.size() != frames) {
            throw truncatedFrames();
        }
        return out;
    }

    private ScanException truncatedFrames() {
        return new ScanException(ErrorCode.CORRUPT_IMAGE, String.format(Locale.ROOT,
                "The DICOM pixel data does not hold the %d frames its header announces.", frames));
    }

    private byte[] fragmentBytes(int frame) {
        int[][] parts = frameFragments.get(frame);
        if (parts.length == 1) {
            return java.util.Arrays.copyOfRange(ds.data, parts[0][0], parts[0][0] + parts[0][1]);
        }
        int total = 0;
        for (int[] p : parts) {
            total += p[1];
        }
        byte[] out = new byte[total];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(ds.data, p[0], out, o, p[1]);
            o += p[1];
        }
        return out;
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
        FrameHeader.check(bytes, columns, rows, samples); // before any pixel is decoded
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
        if (raster.getWidth() != columns || raster.getHeight() != rows || raster.getNumBands() != samples) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE,
                    "The DICOM JPEG frame does not match the image the header describes.");
        }
        return frame;
    }
}
