package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.DicomInfo;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.util.Locale;

/**
 * The image pixel module of a DICOM MR file as read and checked before any pixel is decoded:
 * size, frames, samples, bit layout and photometric interpretation, and how a stored value is
 * read (masked to Bits Stored, shifted down from the high bit, sign-extended when signed).
 *
 * @param shift how far the stored bits sit above bit 0 (High Bit + 1 - Bits Stored)
 * @param planar Planar Configuration: 1 when colour samples are stored plane by plane
 */
record PixelModule(int rows, int columns, int frames, int samples, int bitsAllocated, int bitsStored, int shift,
                   boolean signed, String photometric, int planar) {

    /**
     * Reads and checks the module; a refusal (a modality other than MR, a size over the bounds,
     * a syntax or pixel format that cannot be decoded) carries the file's {@code identifiers}, and
     * from the frame count on, the count too ({@link #counted}).
     */
    static PixelModule of(DicomParser.Dataset ds, DicomImage.Bounds limits, DicomInfo identifiers)
            throws ScanException {
        DicomInfo info = identifiers;
        try {
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
            int rows = ds.us(DicomParser.ROWS);
            int columns = ds.us(DicomParser.COLUMNS);
            Integer nf = ds.integer(DicomParser.NUMBER_OF_FRAMES);
            int frames = nf == null ? 1 : nf;
            if (rows <= 0 || columns <= 0 || frames <= 0) {
                throw new ScanException(ErrorCode.CORRUPT_IMAGE,
                        "The DICOM header gives no valid image size (rows, columns, number of frames).");
            }
            long pixels = (long) rows * columns * frames;
            if (pixels > limits.maxPixels()) {
                throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                        "The DICOM image is %dx%d with %d frame(s) (%d pixels); the limit is %d pixels.", columns,
                        rows, frames, pixels, limits.maxPixels()));
            }
            info = counted(identifiers, frames);
            if (frames > DicomImage.MAX_FRAMES) {
                throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                        "The DICOM image has %d frames; the limit is %d.", frames, DicomImage.MAX_FRAMES));
            }
            limits.frameSize().check(columns, rows); // rows x columns is within the limit: the smallest side
            if (ds.syntax.pixels == TransferSyntax.Pixels.UNSUPPORTED) {
                throw DicomParser.unsupportedSyntax(ds.syntax);
            }
            if (ds.syntax.pixels != TransferSyntax.Pixels.NATIVE && ds.nativeOffset >= 0 && !ds.encapsulated) {
                throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM pixel data is not encapsulated as its "
                        + "transfer syntax " + ds.syntax.describe() + " requires.");
            }
            int samples = ds.us(DicomParser.SAMPLES_PER_PIXEL) < 0 ? 1 : ds.us(DicomParser.SAMPLES_PER_PIXEL);
            int bitsAllocated = ds.us(DicomParser.BITS_ALLOCATED);
            int stored = ds.us(DicomParser.BITS_STORED);
            int bitsStored = stored <= 0 || stored > bitsAllocated ? bitsAllocated : stored;
            int high = ds.us(DicomParser.HIGH_BIT);
            int shift = high >= bitsStored - 1 && high < bitsAllocated ? high + 1 - bitsStored : 0;
            boolean signed = ds.us(DicomParser.PIXEL_REPRESENTATION) == 1;
            String pi = ds.string(DicomParser.PHOTOMETRIC);
            String photometric = pi == null || pi.isEmpty() ? (samples == 1 ? "MONOCHROME2" : "RGB") : pi;
            int planar = Math.max(0, ds.us(DicomParser.PLANAR_CONFIGURATION));
            boolean mono = samples == 1 && (photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2"));
            boolean colour = samples == 3 && (photometric.equals("RGB") || photometric.equals("YBR_FULL")
                    || (photometric.equals("YBR_FULL_422") && ds.syntax.pixels == TransferSyntax.Pixels.JPEG)
                    || (photometric.matches("YBR_RCT|YBR_ICT") && ds.syntax.pixels == TransferSyntax.Pixels.JPEG_2000));
            if (!mono && !colour) {
                throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT, "The DICOM photometric interpretation "
                        + Sanitize.photometric(photometric) + " with " + samples
                        + " sample(s) per pixel is not supported; brainscan reads MONOCHROME1, MONOCHROME2 and 8-bit RGB.");
            }
            if (!(bitsAllocated == 8 || bitsAllocated == 16) || (colour && bitsAllocated != 8)) {
                throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT, "The DICOM image has " + bitsAllocated
                        + " bits allocated per sample; brainscan reads 8 to 16-bit monochrome and 8-bit colour.");
            }
            PixelModule module = new PixelModule(rows, columns, frames, samples, bitsAllocated, bitsStored, shift,
                    signed, photometric, planar);
            if (ds.nativeOffset >= 0) {
                long frameBytes = (long) rows * columns * samples * (bitsAllocated / 8);
                if (ds.nativeLength < frameBytes * frames) {
                    throw new ScanException(ErrorCode.CORRUPT_IMAGE, String.format(Locale.ROOT,
                            "The DICOM pixel data is truncated: %d bytes where %d frame(s) of %dx%d need %d.",
                            ds.nativeLength, frames, columns, rows, frameBytes * frames));
                }
            }
            return module;
        } catch (ScanException e) {
            throw e.withDicom(info);
        }
    }

    /** The identifiers of a file of {@code frames} frames: a multi-frame file's records name the count. */
    static DicomInfo counted(DicomInfo identifiers, int frames) {
        return frames > 1 ? new DicomInfo(identifiers.studyInstanceUid(), identifiers.seriesInstanceUid(),
                identifiers.sopInstanceUid(), identifiers.modality(), identifiers.transferSyntax(), null, frames, null)
                : identifiers;
    }

    /** Pixels in one frame. */
    int pixels() {
        return rows * columns;
    }

    /** Bytes of one native (uncompressed) frame. */
    int frameBytes() {
        return rows * columns * samples * (bitsAllocated / 8);
    }

    /** Stored values of one monochrome frame, little endian, masked and sign-extended. */
    int[] stored(byte[] data, int at, int n) {
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

    int storedValue(int raw) {
        int v = (raw >>> shift) & ((1 << bitsStored) - 1);
        if (signed && (v & (1 << (bitsStored - 1))) != 0) {
            v -= 1 << bitsStored;
        }
        return v;
    }

    /** One native colour frame as interleaved samples (plane by plane when {@link #planar} is 1). */
    byte[] interleave(byte[] data, int at) {
        int n = rows * columns;
        byte[] out = new byte[n * 3];
        if (planar != 1) {
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
}
