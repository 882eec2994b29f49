package dev.brainscan.core.image.dicom;

import java.util.Map;

/**
 * The transfer syntaxes brainscan knows by name (PS3.5 section 10 and annex A), and how
 * each one is read. Anything else is refused naming its UID.
 */
enum TransferSyntax {
    IMPLICIT_VR_LE("1.2.840.10008.1.2", "Implicit VR Little Endian", Pixels.NATIVE, false),
    EXPLICIT_VR_LE("1.2.840.10008.1.2.1", "Explicit VR Little Endian", Pixels.NATIVE, true),
    DEFLATED_EXPLICIT_VR_LE("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", Pixels.NATIVE, true),
    EXPLICIT_VR_BE("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)", Pixels.UNSUPPORTED, true),
    RLE("1.2.840.10008.1.2.5", "RLE Lossless", Pixels.RLE, true),
    JPEG_BASELINE("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", Pixels.JPEG, true),
    JPEG_EXTENDED("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", Pixels.JPEG, true),
    JPEG_LOSSLESS("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", Pixels.JPEG, true),
    JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction "
            + "(Process 14 [Selection Value 1])", Pixels.JPEG, true),
    JPEG_LS_LOSSLESS("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", Pixels.JPEG_LS, true),
    JPEG_LS_NEAR_LOSSLESS("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)", Pixels.JPEG_LS, true),
    JPEG_2000_LOSSLESS("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", Pixels.JPEG_2000,
            true),
    JPEG_2000("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", Pixels.JPEG_2000, true),
    HTJ2K_LOSSLESS("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)", Pixels.UNSUPPORTED, true),
    HTJ2K_RPCL("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)",
            Pixels.UNSUPPORTED, true),
    HTJ2K("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", Pixels.UNSUPPORTED, true),
    MPEG2("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile at Main Level", Pixels.UNSUPPORTED, true),
    MPEG4("1.2.840.10008.1.2.4.102", "MPEG-4 AVC (H.264) High Profile", Pixels.UNSUPPORTED, true),
    HEVC("1.2.840.10008.1.2.4.107", "HEVC (H.265) Main Profile", Pixels.UNSUPPORTED, true);

    /**
     * How the pixel data of a syntax is decoded: natively, by {@link Rle}, by the image wing's
     * JPEG reader, by {@link Jpeg2000} (JJ2000) or by {@link JpegLs} (our own T.87 decoder).
     */
    enum Pixels { NATIVE, RLE, JPEG, JPEG_2000, JPEG_LS, UNSUPPORTED }

    private static final Map<String, TransferSyntax> BY_UID;

    static {
        java.util.HashMap<String, TransferSyntax> m = new java.util.HashMap<>();
        for (TransferSyntax t : values()) {
            m.put(t.uid, t);
        }
        BY_UID = Map.copyOf(m);
    }

    final String uid;
    final String title;
    final Pixels pixels;
    final boolean explicitVr;

    TransferSyntax(String uid, String title, Pixels pixels, boolean explicitVr) {
        this.uid = uid;
        this.title = title;
        this.pixels = pixels;
        this.explicitVr = explicitVr;
    }

    /** The syntax with this UID, or null when brainscan does not know it. */
    static TransferSyntax of(String uid) {
        return uid == null ? null : BY_UID.get(uid);
    }

    /** "JPEG-LS Lossless (1.2.840.10008.1.2.4.80)": how an error message names it. */
    String describe() {
        return title + " (" + uid + ")";
    }
}
