package dev.brainscan.core.image;

import dev.brainscan.core.image.dicom.DicomImage;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes a scan by its content (never its name or declared type) into 8-bit RGB.
 *
 * <p>Only the reader of the sniffed format ever sees the bytes, so no XML (SVG) or other
 * parser is reachable from an upload. Dimensions come from the header and are checked
 * against the limits before any pixel is decoded. A decoder warning (a truncated JPEG
 * decodes to grey padding with only a warning) makes the image corrupt, not a result.
 */
public final class ImageDecoder {

    /** The formats accepted, by their magic numbers. */
    public enum Format {
        JPEG("jpeg"), PNG("png"), WEBP("webp"), BMP("bmp"), GIF("gif"),
        /** DICOM Part-10 or a bare dataset: decoded by {@link DicomImage}, frame by frame. */
        DICOM("dicom");

        private final String id;

        Format(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    static {
        // No temporary files for image streams (read-only /var/task, shared /tmp in Lambda).
        ImageIO.setUseCache(false);
    }

    /**
     * The longest (wall clock) one decode may take before its reader is aborted: a backstop,
     * since the container checks already bound the work. Generous, because wall time on a
     * shared or fractional CPU (1024 MB Lambda: ~0.6 vCPU) is several times the CPU time and a
     * legitimate 40 MP scan must not be refused for the machine's load.
     */
    public static final Duration DEFAULT_DECODE_BUDGET = Duration.ofSeconds(10);

    /** Aborts readers that run past their budget; one daemon thread for the whole process. */
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    /** Errors a decoder threw that became an input's error code (see {@link #decoderErrors()}). */
    private static final LongAdder DECODER_ERRORS = new LongAdder();

    private final Limits limits;
    private final Duration budget;

    /**
     * How many times, since the process started, a decoder threw an {@code Error}
     * (OutOfMemoryError, StackOverflowError, ...) that was turned into that input's
     * {@code IMAGE_TOO_LARGE} or {@code CORRUPT_IMAGE}. The limits are meant to make this
     * never happen (memory and time bounded by construction), so the fuzz harness fails when
     * it moves: the conversion keeps one input from taking the process down, it does not
     * make the input safe.
     */
    public static long decoderErrors() {
        return DECODER_ERRORS.sum() + DicomImage.decoderErrors();
    }

    public ImageDecoder(Limits limits) {
        this(limits, DEFAULT_DECODE_BUDGET);
    }

    ImageDecoder(Limits limits, Duration budget) {
        this.limits = limits;
        this.budget = budget;
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "decode-watchdog");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    public Limits limits() {
        return limits;
    }

    /** The format of {@code bytes} by magic number, or null when it is none of the accepted ones. */
    public static Format sniff(byte[] b) {
        if (DicomImage.sniff(b) && !(b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8)) {
            return Format.DICOM;
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
            return Format.JPEG;
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
            return Format.PNG;
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return Format.WEBP;
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8'
                && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return Format.GIF;
        }
        if (BmpGuard.looksLikeBmp(b)) {
            return Format.BMP; // "BM" alone is not enough: a valid DIB header, one plane, a real bit depth
        }
        return null;
    }

    /** The image; for DICOM, its first frame (a multi-frame file goes through {@link #dicom}). */
    public RgbImage decode(byte[] bytes) throws ScanException {
        return decode(bytes, sniff(bytes));
    }

    /**
     * {@link #decode(byte[])} of bytes whose format the caller has sniffed ({@link #sniff}; null
     * when it is none of the accepted ones), so that one input is sniffed once.
     */
    public RgbImage decode(byte[] bytes, Format format) throws ScanException {
        checkSize(bytes);
        if (format == Format.DICOM) {
            return image(dicom(bytes).frame(0));
        }
        if (format == null) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                    "The content is not a JPEG, PNG, WebP, BMP, GIF or DICOM image.");
        }
        ContainerGuard guard = guard(format);
        int[] declared = guard.declared(bytes);
        if (declared != null) {
            limits.check(declared[0], declared[1]);
        }
        ContainerGuard.Checked checked = guard.check(bytes, limits);
        limits.check(checked.width(), checked.height());
        return read(format, checked.bytes());
    }

    /**
     * A DICOM file's header, parsed and checked against the limits; its frames decode one by one.
     * A damaged structure throws; so does a readable file that cannot be classified, with its
     * identifiers ({@link ScanException#dicom()}).
     */
    public DicomImage dicom(byte[] bytes) throws ScanException {
        checkSize(bytes);
        return DicomImage.parse(bytes, new DicomImage.Bounds(limits.maxBytes(), limits.maxPixels(), limits::check),
                this::jpegFrame);
    }

    /** A DICOM frame as the image the rest of the pipeline reads. */
    public static RgbImage image(DicomImage.Frame frame) {
        return ReducedDecode.toWorkingResolution(frame.grey() != null
                ? RgbImage.ofGrey("dicom", frame.width(), frame.height(), frame.grey())
                : new RgbImage("dicom", frame.width(), frame.height(), frame.colour()));
    }

    /**
     * One JPEG frame of a DICOM file, through the same container guard, reader and time budget
     * as a JPEG file: the decoded image (YCbCr converted to RGB by the decoder), or when
     * {@code raw} the raster as stored (no colour conversion: monochrome, RGB, 12/16-bit lossless).
     */
    public DicomImage.JpegFrame jpegFrame(byte[] bytes, boolean raw) throws ScanException {
        ContainerGuard.Checked checked = JPEG_GUARD.check(bytes, limits);
        limits.check(checked.width(), checked.height());
        return guardedRead(Format.JPEG, checked.bytes(), Reading.DICOM_JPEG_FRAME, (reader, watch) -> {
            BufferedImage image = raw ? null : watch.timed(() -> reader.read(0, reader.getDefaultReadParam()));
            Raster raster = raw ? watch.timed(() -> reader.readRaster(0, reader.getDefaultReadParam())) : image.getRaster();
            return new DicomImage.JpegFrame(raster, image == null ? null : toRgb(image));
        });
    }

    private void checkSize(byte[] bytes) throws ScanException {
        if (bytes.length == 0) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT, "The file is empty.");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The file is %d bytes; the limit is %d bytes.", bytes.length, limits.maxBytes()));
        }
    }

    private static final ContainerGuard JPEG_GUARD = new JpegGuard();
    private static final ContainerGuard PNG_GUARD = new PngGuard();
    private static final ContainerGuard WEBP_GUARD = new WebpGuard();
    private static final ContainerGuard BMP_GUARD = new BmpGuard();
    private static final ContainerGuard GIF_GUARD = new GifGuard();

    /**
     * The container pre-scan of each format: refuses layouts that are not validated and strips
     * what no decoder needs. A new format adds its guard here.
     */
    private static ContainerGuard guard(Format format) {
        return switch (format) {
            case JPEG -> JPEG_GUARD;
            case PNG -> PNG_GUARD;
            case WEBP -> WEBP_GUARD;
            case BMP -> BMP_GUARD;
            case GIF -> GIF_GUARD;
            case DICOM -> throw new IllegalStateException("DICOM is decoded by DicomImage");
        };
    }

    /** Decodes with the format's ImageIO reader, metadata ignored, under the time budget. */
    private RgbImage read(Format format, byte[] bytes) throws ScanException {
        return guardedRead(format, bytes, Reading.file(format), (reader, watch) -> {
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            limits.check(width, height);
            // the working resolution; WebP's reader is not trusted to subsample, so it is subsampled after
            int step = format == Format.WEBP ? 1 : ReducedDecode.step(width, height);
            RgbImage decoded;
            if (format == Format.JPEG && JpegYCbCr.plain(bytes)) {
                Raster raster = watch.timed(() -> reader.readRaster(0, ReducedDecode.param(reader, step)));
                checkDecodedSize(format, raster.getWidth(), raster.getHeight(), width, height, step);
                decoded = JpegYCbCr.image(format.id(), raster);
            } else {
                BufferedImage image = watch.timed(() -> reader.read(0, ReducedDecode.param(reader, step)));
                checkDecodedSize(format, image.getWidth(), image.getHeight(), width, height, step);
                decoded = toImage(format.id(), image);
            }
            RgbImage rgb = ReducedDecode.toWorkingResolution(decoded.reducedFrom(width, height, step));
            return format == Format.JPEG ? ExifOrientation.apply(rgb, ExifOrientation.of(bytes)) : rgb;
        });
    }

    private static void checkDecodedSize(Format format, int w, int h, int width, int height, int step)
            throws ScanException {
        if (w != RgbImage.subsampledSide(width, step) || h != RgbImage.subsampledSide(height, step)) {
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The " + format.id() + " header and data disagree.");
        }
    }

    /** What a guarded read says when the data is damaged or needs too much memory. */
    private record Reading(String damaged, String tooMuchMemory, boolean precisionUnsupported) {
        static final Reading DICOM_JPEG_FRAME = new Reading("The DICOM JPEG frame is truncated or damaged.",
                "Decoding the DICOM JPEG frame needs more memory than allowed.", true);

        static Reading file(Format format) {
            return new Reading("The " + format.id() + " data is truncated or damaged.",
                    "Decoding the " + format.id() + " image needs more memory than allowed.", false);
        }
    }

    /** One read with a reader that is set up, watched and disposed by {@link #guardedRead}. */
    @FunctionalInterface
    private interface ReadBody<T> {
        T read(ImageReader reader, Watch watch) throws IOException, ScanException;
    }

    /** One step of a reader that may take long. */
    @FunctionalInterface
    private interface Step<T> {
        T run() throws IOException;
    }

    /**
     * The pixel read of a guarded read: decoder warnings recorded and the reader aborted past the
     * time budget; a read that was aborted (or returned nothing) is over budget, one that warned
     * is damaged.
     */
    private final class Watch {
        private final ImageReader reader;
        private final Reading reading;
        private final WarningFlag warnings = new WarningFlag();
        private final AtomicBoolean expired = new AtomicBoolean();
        private ScheduledFuture<?> watchdog;

        Watch(ImageReader reader, Reading reading) {
            this.reader = reader;
            this.reading = reading;
        }

        <T> T timed(Step<T> step) throws IOException, ScanException {
            reader.addIIOReadWarningListener(warnings);
            watchdog = WATCHDOG.schedule(() -> {
                expired.set(true);
                reader.abort();
            }, budget.toMillis(), TimeUnit.MILLISECONDS);
            T result = step.run();
            watchdog.cancel(false);
            if (expired.get() || result == null) {
                throw overBudget();
            }
            if (warnings.warned) {
                throw new ScanException(ErrorCode.CORRUPT_IMAGE, reading.damaged());
            }
            return result;
        }

        void cancel() {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
    }

    /**
     * The one place an ImageIO reader sees bytes: the format's reader (never chosen by the bytes
     * alone), metadata ignored, the pixel read under the time budget ({@link Watch#timed}), and
     * every failure of the decoder (exception or Error) turned into this input's error code.
     */
    private <T> T guardedRead(Format format, byte[] bytes, Reading reading, ReadBody<T> body) throws ScanException {
        ImageReader reader = readerFor(format);
        Watch watch = new Watch(reader, reading);
        try (ImageInputStream in = format == Format.WEBP ? new EndGuardedStream(bytes)
                : new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return body.read(reader, watch);
        } catch (ScanException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (watch.expired.get()) {
                throw overBudget();
            }
            String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
            if (reading.precisionUnsupported() && m.contains("unsupported") && (m.contains("precision") || m.contains("bit"))) {
                throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                        "The DICOM JPEG frame uses a sample precision the JPEG decoder does not support.");
            }
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, reading.damaged(), e);
        } catch (OutOfMemoryError e) {
            // Bounded by the checks above; should a decoder still ask for more, it is this input's error only.
            DECODER_ERRORS.increment();
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, reading.tooMuchMemory(), e);
        } catch (Error e) {
            // StackOverflowError and the like from a decoder on crafted data
            DECODER_ERRORS.increment();
            throw new ScanException(ErrorCode.CORRUPT_IMAGE, reading.damaged(), e);
        } finally {
            watch.cancel();
            reader.dispose();
        }
    }

    private ScanException overBudget() {
        return new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                "Decoding the image took longer than the %d ms allowed.", budget.toMillis()));
    }

    private static ImageReader readerFor(Format format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.id());
        ImageReader chosen = null;
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (r.getClass().getName().startsWith("com.github.jaiimageio")) {
                continue; // JPEG 2000's library: used for DICOM frames only, never for uploads (function/pom.xml)
            }
            // TwelveMonkeys' JPEG reader gets CMYK/YCCK right; prefer it where both exist.
            if (chosen == null || r.getClass().getName().startsWith("com.twelvemonkeys")) {
                chosen = r;
            }
        }
        if (chosen == null) {
            throw new IllegalStateException("no ImageIO reader for " + format.id());
        }
        return chosen;
    }

    /**
     * Records decoder warnings that mean damaged data. Notes about colour profiles (a CMYK
     * JPEG without an embedded ICC profile is converted with a generic one) are not damage;
     * everything else (libjpeg's "Premature end of JPEG file", "Corrupt JPEG data") is.
     */
    private static final class WarningFlag implements IIOReadWarningListener {
        volatile boolean warned;

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
            if (!(w.contains("icc") || w.contains("color profile") || w.contains("colour profile"))) {
                warned = true;
            }
        }
    }

    /** The decoded image; a packed single-channel one keeps its channel ({@link RgbImage#ofGrey}). */
    static RgbImage toImage(String format, BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY && isPacked(raster, 1)
                && ((DataBufferByte) raster.getDataBuffer()).getData().length == w * h) {
            // the decoder's own buffer: the image is ours and not used again
            return RgbImage.ofGrey(format, w, h, ((DataBufferByte) raster.getDataBuffer()).getData());
        }
        return new RgbImage(format, w, h, toRgb(image));
    }

    /**
     * Interleaved 8-bit RGB; alpha is composited over black (the background of an MR slice).
     * May reuse (and reorder) the image's own buffer: the image must not be used afterwards.
     * Public for the DICOM decoder's colour JPEG frames (the same conversion as a JPEG file's).
     */
    public static byte[] toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && isPacked(raster, 3)
                && ((DataBufferByte) raster.getDataBuffer()).getData().length == w * h * 3) {
            // The decoder's own buffer, reordered in place: the image is ours and not used again.
            byte[] data = ((DataBufferByte) raster.getDataBuffer()).getData();
            for (int i = 0; i < w * h * 3; i += 3) {
                byte b = data[i];
                data[i] = data[i + 2];
                data[i + 2] = b;
            }
            return data;
        }
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY && isPacked(raster, 1)) {
            return RgbImage.interleave(((DataBufferByte) raster.getDataBuffer()).getData(), w * h);
        }
        byte[] out = new byte[w * h * 3];
        ColorSpace cs = cm.getColorSpace();
        boolean component = cm instanceof ComponentColorModel;
        if (component && (cs.getType() == ColorSpace.TYPE_GRAY || cs.isCS_sRGB())) {
            // Read samples directly: getRGB would treat grey as linear and brighten it.
            int bands = raster.getNumBands();
            int colours = cs.getNumComponents();
            boolean alpha = cm.hasAlpha();
            int max = (1 << cm.getComponentSize(0)) - 1;
            int alphaMax = alpha ? (1 << cm.getComponentSize(bands - 1)) - 1 : 1;
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int p = x * bands;
                    long a = alpha ? row[p + bands - 1] : 1;
                    int o = (y * w + x) * 3;
                    for (int c = 0; c < 3; c++) {
                        long v = row[p + (colours == 1 ? 0 : c)];
                        // scale to 8 bits (rounded) and composite over black
                        long scaled = (v * 255L * a + (long) max * alphaMax / 2) / ((long) max * alphaMax);
                        out[o + c] = (byte) scaled;
                    }
                }
            }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int a = argb >>> 24;
                int o = (y * w + x) * 3;
                out[o] = (byte) ((((argb >> 16) & 0xff) * a + 127) / 255);
                out[o + 1] = (byte) ((((argb >> 8) & 0xff) * a + 127) / 255);
                out[o + 2] = (byte) (((argb & 0xff) * a + 127) / 255);
            }
        }
        return out;
    }

    private static boolean isPacked(Raster raster, int bands) {
        return raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && sm.getPixelStride() == bands
                && sm.getScanlineStride() == raster.getWidth() * bands
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && raster.getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getNumBanks() == 1 && buffer.getOffset() == 0
                && (bands == 1 || java.util.Arrays.equals(sm.getBandOffsets(), new int[] {2, 1, 0}));
    }
}
