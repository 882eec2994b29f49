package dev.brainscan.core.image;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;

/**
 * The pre-scan of a container before any decoder sees it, one class per format
 * ({@link JpegGuard}, {@link PngGuard}, {@link GifGuard}, {@link WebpGuard}, {@link BmpGuard}),
 * chosen by the sniffed format: each walks its segments, chunks or header in plain Java, refuses
 * layouts that are not validated, and hands the decoder a copy with only what the pixels need.
 * Metadata the pipeline does not use (text chunks, XMP, comments, thumbnails, ICC profiles that
 * are malformed or over {@link JpegGuard#MAX_ICC_BYTES}) is never parsed because the decoder
 * never sees it; an EXIF block (for the orientation tag) is kept when small. Every length is
 * checked against the bytes that are there, so no field can make anything allocate what the
 * file does not contain. The size rule itself is {@link Limits#check}.
 */
interface ContainerGuard {
    /** Largest EXIF block passed on (only its orientation tag is of use). */
    int MAX_EXIF_BYTES = 64 * 1024;

    /** The bytes to decode and the size the container declares. */
    record Checked(byte[] bytes, int width, int height) {
    }

    /**
     * Width and height at fixed header offsets, checked against the limits before the walk so
     * that a header claiming a huge image is refused whatever the walk or the reader would do
     * with it; null where the size needs parsing (JPEG, WebP: the walk and the reader).
     */
    default int[] declared(byte[] b) {
        return null;
    }

    /** The walk: the bytes to hand the decoder and the declared size, or the input's error. */
    Checked check(byte[] b, Limits limits) throws ScanException;

    static ScanException corrupt(String format, String why) {
        return new ScanException(ErrorCode.CORRUPT_IMAGE, "The " + format + " data is damaged: " + why + ".");
    }
}
