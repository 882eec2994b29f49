package dev.brainscan.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Forces fuzzer bytes into one decoder family's container (the per-family targets of
 * {@link ClassifyFuzzTest}): the magic is added when missing and the fields a sniffer or
 * container walker would refuse outright (RIFF size, PNG CRCs, BMP DIB header size, planes
 * and bit depth) are fixed up; everything else stays as the fuzzer made it. A valid file of
 * the family comes out unchanged, so the seeds are plain files.
 */
final class FamilyInputs {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final int[] DIB_SIZES = {40, 12, 52, 56, 64, 108, 124};
    private static final int[] BIT_DEPTHS = {24, 1, 4, 8, 16, 32, 0};
    private static final int[] CORE_BIT_DEPTHS = {24, 1, 4, 8};

    private FamilyInputs() {
    }

    static byte[] jpeg(byte[] in) {
        if (in.length >= 3 && (in[0] & 0xff) == 0xFF && (in[1] & 0xff) == 0xD8 && (in[2] & 0xff) == 0xFF) {
            return in;
        }
        return concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, in);
    }

    /** Chunks as length, type, body, CRC; a length past the end leaves the tail as it is (truncation). */
    static byte[] png(byte[] in) {
        int p = startsWith(in, PNG_SIGNATURE) ? PNG_SIGNATURE.length : 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        out.writeBytes(PNG_SIGNATURE);
        while (p + 8 <= in.length) {
            long length = be32(in, p) & 0xffffffffL;
            if (p + 12 + length > in.length) {
                break;
            }
            out.write(in, p, 8 + (int) length);
            CRC32 crc = new CRC32();
            crc.update(in, p + 4, 4 + (int) length);
            int c = (int) crc.getValue();
            out.write(c >>> 24);
            out.write(c >>> 16);
            out.write(c >>> 8);
            out.write(c);
            p += 12 + (int) length;
        }
        out.write(in, p, in.length - p);
        return out.toByteArray();
    }

    static byte[] webp(byte[] in) {
        boolean riff = in.length >= 12 && in[0] == 'R' && in[1] == 'I' && in[2] == 'F' && in[3] == 'F'
                && in[8] == 'W' && in[9] == 'E' && in[10] == 'B' && in[11] == 'P';
        byte[] body = riff ? Arrays.copyOfRange(in, 12, in.length) : in;
        byte[] out = new byte[12 + body.length];
        out[0] = 'R';
        out[1] = 'I';
        out[2] = 'F';
        out[3] = 'F';
        putLe32(out, 4, 4 + body.length);
        out[8] = 'W';
        out[9] = 'E';
        out[10] = 'B';
        out[11] = 'P';
        System.arraycopy(body, 0, out, 12, body.length);
        return out;
    }

    static byte[] bmp(byte[] in) {
        byte[] b = in.length >= 2 && in[0] == 'B' && in[1] == 'M' ? in.clone() : concat(new byte[] {'B', 'M'}, in);
        if (b.length < 14 + 40) {
            b = Arrays.copyOf(b, 14 + 40);
        }
        putLe32(b, 2, b.length);
        int dib = le32(b, 14);
        if (Arrays.stream(DIB_SIZES).noneMatch(d -> d == dib)) {
            putLe32(b, 14, DIB_SIZES[Math.floorMod(dib, DIB_SIZES.length)]);
        }
        if (le32(b, 14) == 12) {
            putLe16(b, 22, 1);
            int bpp = le16(b, 24);
            if (Arrays.stream(CORE_BIT_DEPTHS).noneMatch(d -> d == bpp)) {
                putLe16(b, 24, CORE_BIT_DEPTHS[bpp % CORE_BIT_DEPTHS.length]);
            }
        } else {
            putLe16(b, 26, 1);
            int bpp = le16(b, 28);
            if (Arrays.stream(BIT_DEPTHS).noneMatch(d -> d == bpp)) {
                putLe16(b, 28, BIT_DEPTHS[bpp % BIT_DEPTHS.length]);
            }
        }
        return b;
    }

    static byte[] gif(byte[] in) {
        if (in.length >= 6 && in[0] == 'G' && in[1] == 'I' && in[2] == 'F' && in[3] == '8'
                && (in[4] == '7' || in[4] == '9') && in[5] == 'a') {
            return in;
        }
        return concat("GIF89a".getBytes(StandardCharsets.US_ASCII), in);
    }

    /** A Part-10 file; a bare dataset gets the preamble in front. */
    static byte[] dicom(byte[] in) {
        if (in.length >= 132 && in[128] == 'D' && in[129] == 'I' && in[130] == 'C' && in[131] == 'M') {
            return in;
        }
        byte[] out = new byte[132 + in.length];
        out[128] = 'D';
        out[129] = 'I';
        out[130] = 'C';
        out[131] = 'M';
        System.arraycopy(in, 0, out, 132, in.length);
        return out;
    }

    /**
     * JPEG 2000: the fuzzer's bytes as the one fragment of an MR file of syntax .90 whose rows and
     * columns are what the bytes' SIZ header claims (64x64 without one; each side at most 4096),
     * so the time goes into the code stream decoder, not into the size check.
     */
    static byte[] jpeg2000(byte[] in) {
        int w = 64;
        int h = 64;
        if (in.length >= 24 && (in[0] & 0xff) == 0xFF && (in[1] & 0xff) == 0x4F) {
            w = side(be32(in, 8) - be32(in, 16));
            h = side(be32(in, 12) - be32(in, 20));
        }
        return encapsulatedMr("1.2.840.10008.1.2.4.90", w, h, in);
    }

    /** JPEG-LS: as {@link #jpeg2000}, syntax .80, the size from the bytes' SOF55 header when it is where an encoder puts it. */
    static byte[] jpegls(byte[] in) {
        int w = 64;
        int h = 64;
        if (in.length >= 11 && (in[2] & 0xff) == 0xFF && (in[3] & 0xff) == 0xF7) {
            h = side((in[7] & 0xff) << 8 | (in[8] & 0xff));
            w = side((in[9] & 0xff) << 8 | (in[10] & 0xff));
        }
        return encapsulatedMr("1.2.840.10008.1.2.4.80", w, h, in);
    }

    private static int side(int v) {
        return Math.max(1, Math.min(4096, v));
    }

    private static byte[] encapsulatedMr(String syntax, int w, int h, byte[] stream) {
        return dev.brainscan.testing.DicomWriter.mr(w, h, 16, new byte[0], "1").transferSyntax(syntax)
                .tail(dev.brainscan.testing.DicomWriter.encapsulated(stream)).bytes();
    }

    /**
     * A zip as is; any other bytes become a zip of up to four entries (the bytes cut in four),
     * each made a DICOM file by {@link #dicom}.
     */
    static byte[] zip(byte[] in) {
        if (in.length >= 4 && in[0] == 'P' && in[1] == 'K' && (in[2] == 3 || in[2] == 5)) {
            return in;
        }
        java.util.List<byte[]> entries = new java.util.ArrayList<>();
        int parts = Math.max(1, Math.min(4, in.length / 64));
        int size = (in.length + parts - 1) / Math.max(1, parts);
        for (int from = 0; from < in.length || entries.isEmpty(); from += Math.max(1, size)) {
            entries.add(dicom(Arrays.copyOfRange(in, Math.min(from, in.length), Math.min(in.length, from + size))));
        }
        return dev.brainscan.testing.BudgetCorpus.zip(entries);
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int be32(byte[] b, int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    private static int le16(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    private static void putLe32(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
        b[p + 2] = (byte) (v >>> 16);
        b[p + 3] = (byte) (v >>> 24);
    }

    private static void putLe16(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
    }
}
