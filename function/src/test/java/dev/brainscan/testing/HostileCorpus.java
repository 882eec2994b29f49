package dev.brainscan.testing;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.phantom.Phantom;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Every kind of bad input the service must answer with its documented error, made by test
 * code (never dataset files): non-images, damaged images, decompression bombs and lying
 * headers, images too small, too large or without a brain region, and clearly-not-MRI images.
 */
public final class HostileCorpus {
    private HostileCorpus() {
    }

    public record Case(String name, byte[] bytes, ErrorCode expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Case> cases;

    public static synchronized List<Case> all() {
        if (cases == null) {
            cases = build();
        }
        return cases;
    }

    private static List<Case> build() {
        byte[] jpeg = Phantom.jpeg(5, 240, 240, true);
        byte[] png = Phantom.encode(Phantom.generate(6, 240, 240, false).image(), "png");
        Random random = new Random(42);
        byte[] noiseBytes = new byte[50_000];
        random.nextBytes(noiseBytes);
        noiseBytes[0] = 0x42;
        List<Case> out = new ArrayList<>();
        out.add(new Case("zero-bytes", new byte[0], ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("text", utf8("Patient: Jane Doe\nDOB 1970-01-01\nfindings: none\n"), ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("svg", utf8("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&x;</text></svg>"), ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("html", utf8("<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"),
                ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("pdf", utf8("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"), ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("random-bytes", noiseBytes, ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("jpeg-magic-only", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("jpeg-truncated-half", Arrays.copyOf(jpeg, jpeg.length / 2), ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("jpeg-garbage-after-header", garbageAfter(jpeg, 600), ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("png-truncated", Arrays.copyOf(png, png.length / 2), ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("png-bit-flipped-data", flipBytes(png, png.length / 2, 64), ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("png-bomb-30000x30000", pngBomb(30000, 30000), ErrorCode.IMAGE_TOO_LARGE));
        out.add(new Case("jpeg-header-65000x65000", jpegHeader(65000, 65000), ErrorCode.IMAGE_TOO_LARGE));
        out.add(new Case("bmp-header-50000x50000", bmpHeader(50000, 50000), ErrorCode.IMAGE_TOO_LARGE));
        out.add(new Case("gif-header-65535x65535", gifHeader(65535, 65535), ErrorCode.IMAGE_TOO_LARGE));
        out.add(new Case("tiny-12x12", Phantom.encode(new BufferedImage(12, 12, BufferedImage.TYPE_3BYTE_BGR), "png"),
                ErrorCode.NOT_A_BRAIN_MRI));
        out.add(new Case("all-black", Phantom.encode(new BufferedImage(300, 300, BufferedImage.TYPE_3BYTE_BGR), "png"),
                ErrorCode.NO_BRAIN_REGION));
        out.add(new Case("speck", speck(), ErrorCode.NO_BRAIN_REGION));
        // Hardening II (issue 15): the attack classes that once crashed, stalled or fooled the decoders.
        out.add(new Case("jpeg-progressive-5000-scans", repeatSmallestScan(FormatVariants.jpeg(
                Phantom.generate(8, 240, 240, false).image(), true, 0.9f), 5000), ErrorCode.IMAGE_TOO_LARGE));
        out.add(new Case("jpeg-arithmetic-coded", withFrameMarker(jpeg, 0xC9), ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("jpeg-hierarchical", withFrameMarker(jpeg, 0xC5), ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("bmp-embedded-jpeg-size-0x7ffffff0", bmpEmbedded(4, 0x7FFFFFF0, jpeg), ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("bmp-embedded-png-46000x46000", bmpEmbedded(5, 0, pngHeaderOnly(46000, 46000)),
                ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("bmp-rle8-size-field-0x7ffffff0", bmpRle8(0x7FFFFFF0), ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("webp-canvas-64-frame-240", webpCanvasDisagrees(FormatVariants.fixture("phantom-lossy.webp"), 64, 64),
                ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("webp-lossless-64x15364-no-pixel-data", vp8lPlain(64, 15364, 0), ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("text-starting-BM", bmText(), ErrorCode.UNSUPPORTED_FORMAT));
        out.add(new Case("gif-frame-240x240-in-240x100-screen", gifScreenSmallerThanFrame(100), ErrorCode.CORRUPT_IMAGE));
        List<NonMriCorpus.Sample> nonMri = NonMriCorpus.generate(1, 99);
        for (NonMriCorpus.Sample s : nonMri) {
            out.add(new Case("not-mri-" + s.family(), FormatVariants.jpeg(s.image(), false, 0.92f),
                    ErrorCode.NOT_A_BRAIN_MRI));
        }
        out.addAll(dicom());
        return List.copyOf(out);
    }

    /**
     * Attack samples that must be answered like the clean image they carry (metadata the
     * pipeline never parses): classified, quickly, without an error.
     */
    public static synchronized List<Case> tolerated() {
        if (tolerated == null) {
            byte[] jpeg = Phantom.jpeg(5, 240, 240, true);
            byte[] png = Phantom.encode(Phantom.generate(6, 240, 240, false).image(), "png");
            tolerated = List.of(
                    new Case("jpeg-icc-claims-0x7fffffff", jpegWithIcc(jpeg, 0x7FFFFFFF), null),
                    new Case("webp-iccp-claims-0x7fffffff", webpWithIcc(FormatVariants.fixture("phantom-lossless.webp"),
                            0x7FFFFFFF), null),
                    new Case("png-ztxt-itxt-bombs", pngWithTextBombs(png, 24), null));
        }
        return tolerated;
    }

    private static List<Case> tolerated;

    private static List<Case> dicomCases;

    /** Hostile DICOM files: lying sizes, deep nesting, lengths past the end, truncated pixels, bombs. */
    public static synchronized List<Case> dicom() {
        if (dicomCases == null) {
            dicomCases = buildDicom();
        }
        return dicomCases;
    }

    private static List<Case> buildDicom() {
        BufferedImage slice = Phantom.generate(31, 96, 96, false).image();
        List<Case> out = new ArrayList<>();
        byte[] tiny = new byte[16];
        out.add(new Case("dicom-65535x65535x1000-frames", DicomWriter.mr(65535, 65535, 16, tiny, "1")
                .set(0x00280008, "IS", "1000").bytes(), ErrorCode.IMAGE_TOO_LARGE));
        out.add(new Case("dicom-2000-frames", DicomWriter.mr(64, 64, 8, tiny, "1")
                .set(0x00280008, "IS", "2000").bytes(), ErrorCode.IMAGE_TOO_LARGE));
        // A sequence nested 1,000 deep (undefined lengths all the way down).
        ByteArrayOutputStream deep = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            DicomWriter.le16(deep, 0x0040);
            DicomWriter.le16(deep, 0x0260);
            deep.writeBytes("SQ".getBytes(StandardCharsets.US_ASCII));
            DicomWriter.le16(deep, 0);
            DicomWriter.le32(deep, 0xFFFFFFFFL);
            DicomWriter.le16(deep, 0xFFFE);
            DicomWriter.le16(deep, 0xE000);
            DicomWriter.le32(deep, 0xFFFFFFFFL);
        }
        for (int i = 0; i < 1000; i++) {
            DicomWriter.le16(deep, 0xFFFE);
            DicomWriter.le16(deep, 0xE00D);
            DicomWriter.le32(deep, 0);
            DicomWriter.le16(deep, 0xFFFE);
            DicomWriter.le16(deep, 0xE0DD);
            DicomWriter.le32(deep, 0);
        }
        DicomWriter nested = DicomWriter.mr8(slice);
        byte[] plain = nested.bytes();
        out.add(new Case("dicom-sequence-1000-deep", DicomWriter.mr8(slice).tail(concat(deep.toByteArray(),
                pixelElement(plain))).bytes(), ErrorCode.CORRUPT_IMAGE));
        // A length field that runs past the end of the file.
        ByteArrayOutputStream past = new ByteArrayOutputStream();
        DicomWriter.le16(past, 0x0029);
        DicomWriter.le16(past, 0x1010);
        past.writeBytes("OB".getBytes(StandardCharsets.US_ASCII));
        DicomWriter.le16(past, 0);
        DicomWriter.le32(past, 0x7FFFFFF0L);
        past.writeBytes(new byte[64]);
        out.add(new Case("dicom-length-past-end", DicomWriter.mr8(slice).tail(past.toByteArray()).bytes(),
                ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("dicom-truncated-pixel-data", Arrays.copyOf(plain, plain.length - 2000),
                ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("dicom-truncated-header", Arrays.copyOf(plain, 300), ErrorCode.CORRUPT_IMAGE));
        // Encapsulated (JPEG) pixel data whose fragment runs past the end.
        ByteArrayOutputStream frag = new ByteArrayOutputStream();
        DicomWriter.le16(frag, 0x7FE0);
        DicomWriter.le16(frag, 0x0010);
        frag.writeBytes("OB".getBytes(StandardCharsets.US_ASCII));
        DicomWriter.le16(frag, 0);
        DicomWriter.le32(frag, 0xFFFFFFFFL);
        DicomWriter.le16(frag, 0xFFFE);
        DicomWriter.le16(frag, 0xE000);
        DicomWriter.le32(frag, 0);
        DicomWriter.le16(frag, 0xFFFE);
        DicomWriter.le16(frag, 0xE000);
        DicomWriter.le32(frag, 100_000);
        frag.writeBytes(Arrays.copyOf(Phantom.jpeg(3, 96, 96, false), 500));
        out.add(new Case("dicom-fragment-past-end", DicomWriter.mr8(slice).transferSyntax("1.2.840.10008.1.2.4.50")
                .tail(frag.toByteArray()).bytes(), ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("dicom-no-pixel-data", DicomWriter.mr8(slice).remove(0x7FE00010).bytes(),
                ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("dicom-ct", DicomWriter.mr8(slice).set(0x00080060, "CS", "CT").bytes(),
                ErrorCode.NOT_A_BRAIN_MRI));
        // A compressed syntax over native (not encapsulated) pixel data.
        out.add(new Case("dicom-jpeg-ls-not-encapsulated", DicomWriter.mr8(slice)
                .transferSyntax("1.2.840.10008.1.2.4.80").bytes(), ErrorCode.CORRUPT_IMAGE));
        // JPEG-LS and JPEG 2000 code streams whose own header claims 65535x65535 (the DICOM header says 96x96),
        // and code streams cut short after a matching header.
        out.add(new Case("dicom-jpeg-ls-frame-65535x65535", DicomWriter.mr8(slice).transferSyntax(
                "1.2.840.10008.1.2.4.80").tail(DicomWriter.encapsulated(jpegLsHeader(65535, 65535, 64))).bytes(),
                ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("dicom-jpeg-ls-truncated", DicomWriter.mr8(slice).transferSyntax(
                "1.2.840.10008.1.2.4.80").tail(DicomWriter.encapsulated(jpegLsHeader(96, 96, 12))).bytes(),
                ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("dicom-jpeg2000-frame-65535x65535", DicomWriter.mr8(slice).transferSyntax(
                "1.2.840.10008.1.2.4.90").tail(DicomWriter.encapsulated(j2kHeader(65535, 65535, 64))).bytes(),
                ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("dicom-jpeg2000-1x1-tiles", DicomWriter.mr8(slice).transferSyntax(
                "1.2.840.10008.1.2.4.90").tail(DicomWriter.encapsulated(j2kHeader(96, 96, 1))).bytes(),
                ErrorCode.CORRUPT_IMAGE));
        out.add(new Case("dicom-jpeg2000-truncated", DicomWriter.mr8(slice).transferSyntax(
                "1.2.840.10008.1.2.4.91").tail(DicomWriter.encapsulated(j2kHeader(96, 96, 96))).bytes(),
                ErrorCode.CORRUPT_IMAGE));
        // A deflated dataset that inflates far past the limit (a deflate bomb).
        byte[] meta = DicomWriter.mr8(slice).transferSyntax("1.2.840.10008.1.2.1.99").remove(0x7FE00010).bytes();
        int metaEnd = 132;
        while (metaEnd + 8 <= meta.length && (meta[metaEnd] & 0xff) == 0x02 && meta[metaEnd + 1] == 0) {
            int len = (meta[metaEnd + 6] & 0xff) | (meta[metaEnd + 7] & 0xff) << 8;
            if (meta[metaEnd + 4] == 'O' && meta[metaEnd + 5] == 'B') {
                len = (meta[metaEnd + 8] & 0xff) | (meta[metaEnd + 9] & 0xff) << 8;
                metaEnd += 12 + len;
            } else {
                metaEnd += 8 + len;
            }
        }
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        bomb.writeBytes(Arrays.copyOf(meta, metaEnd));
        Deflater deflater = new Deflater(9, true);
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (DeflaterOutputStream dz = new DeflaterOutputStream(compressed, deflater)) {
            // An element (0009,1010) OB whose value is 128 MiB of zeros.
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            DicomWriter.element(head, 0x00091010, "OB", new byte[0], true);
            byte[] h = head.toByteArray();
            h[8] = 0;
            h[9] = 0;
            h[10] = 0;
            h[11] = 0x08; // length 128 MiB
            dz.write(h);
            for (int i = 0; i < 128; i++) {
                dz.write(zeros);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bomb.writeBytes(compressed.toByteArray());
        out.add(new Case("dicom-deflate-bomb", bomb.toByteArray(), ErrorCode.IMAGE_TOO_LARGE));
        return List.copyOf(out);
    }

    /** The pixel data element of a file written by {@link DicomWriter} (it is the last element). */
    /** A JPEG-LS (T.87) 8-bit one-component frame and scan header for {@code w} x {@code h}, then {@code data} zero bytes. */
    public static byte[] jpegLsHeader(int w, int h, int data) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xF7, 0, 11, 8, (byte) (h >> 8), (byte) h,
            (byte) (w >> 8), (byte) w, 1, 1, 0x11, 0, (byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, 0, 0, 0});
        o.writeBytes(new byte[data]);
        o.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        return o.toByteArray();
    }

    /** A JPEG 2000 code stream's SOC and SIZ (one 8-bit component, {@code tile} x {@code tile} tiles) and nothing else. */
    public static byte[] j2kHeader(int w, int h, int tile) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 2 + 38 + 3 + 2);
        b.putShort((short) 0xFF4F).putShort((short) 0xFF51).putShort((short) 41).putShort((short) 0).putInt(w).putInt(h)
                .putInt(0).putInt(0).putInt(tile).putInt(tile).putInt(0).putInt(0).putShort((short) 1)
                .put((byte) 7).put((byte) 1).put((byte) 1).putShort((short) 0xFFD9);
        return b.array();
    }

    private static byte[] pixelElement(byte[] file) {
        for (int i = file.length - 12; i > 132; i--) {
            if ((file[i] & 0xff) == 0xE0 && (file[i + 1] & 0xff) == 0x7F && file[i + 2] == 0x10 && file[i + 3] == 0
                    && file[i + 4] == 'O') {
                return Arrays.copyOfRange(file, i, file.length);
            }
        }
        throw new IllegalStateException("no pixel data");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] garbageAfter(byte[] jpeg, int keep) {
        byte[] out = jpeg.clone();
        Random r = new Random(7);
        for (int i = keep; i < out.length - 2; i++) {
            out[i] = (byte) r.nextInt(256);
        }
        return out;
    }

    static byte[] flipBytes(byte[] data, int from, int count) {
        byte[] out = data.clone();
        for (int i = from; i < from + count; i++) {
            out[i] ^= (byte) 0x5A;
        }
        return out;
    }

    static byte[] speck() {
        BufferedImage img = new BufferedImage(400, 400, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillOval(190, 190, 14, 14);
        g.dispose();
        return Phantom.encode(img, "png");
    }

    /** A real decompression bomb: a valid grey PNG of w x h zero pixels, deflated to about a megabyte. */
    public static byte[] pngBomb(int w, int h) {
        try {
            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(9), 1 << 16)) {
                byte[] row = new byte[w + 1]; // filter byte 0, then zeros
                for (int y = 0; y < h; y++) {
                    z.write(row);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeInt(w);
            d.writeInt(h);
            d.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit grey, deflate, no interlace
            chunk(out, "IHDR", ihdr.toByteArray());
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    /** SOI, a baseline SOF0 claiming w x h with three components, then the end. */
    static byte[] jpegHeader(int w, int h) {
        return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 17, 8,
            (byte) (h >> 8), (byte) h, (byte) (w >> 8), (byte) w, 3,
            1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, (byte) 0xFF, (byte) 0xD9};
    }

    static byte[] bmpHeader(int w, int h) {
        byte[] b = new byte[54 + 64];
        b[0] = 'B';
        b[1] = 'M';
        le(b, 2, b.length);
        le(b, 10, 54);
        le(b, 14, 40);
        le(b, 18, w);
        le(b, 22, h);
        b[26] = 1;
        b[28] = 24;
        return b;
    }

    static byte[] gifHeader(int w, int h) {
        return new byte[] {'G', 'I', 'F', '8', '9', 'a', (byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8), 0, 0, 0,
            ',', 0, 0, 0, 0, (byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8), 0, 2, 2, 0x4C, 0x01, 0, ';'};
    }

    // ---------------------------------------------------------------- issue 15 generators

    /** The JPEG's segments as {offset, length}; the entropy-coded data counted with its SOS. */
    static List<int[]> jpegSegments(byte[] b) {
        List<int[]> out = new ArrayList<>();
        int pos = 2;
        while (pos + 4 <= b.length) {
            int marker = b[pos + 1] & 0xff;
            if (marker == 0xD9) {
                out.add(new int[] {pos, 2});
                break;
            }
            int len = (b[pos + 2] & 0xff) << 8 | (b[pos + 3] & 0xff);
            int end = pos + 2 + len;
            if (marker == 0xDA) {
                while (end < b.length - 1 && !((b[end] & 0xff) == 0xFF && (b[end + 1] & 0xff) != 0
                        && ((b[end + 1] & 0xff) < 0xD0 || (b[end + 1] & 0xff) > 0xD7))) {
                    end++;
                }
            }
            out.add(new int[] {pos, end - pos});
            pos = end;
        }
        return out;
    }

    /** A progressive JPEG whose smallest scan is repeated {@code times} times. */
    public static byte[] repeatSmallestScan(byte[] jpeg, int times) {
        List<int[]> segs = jpegSegments(jpeg);
        int[] last = null;
        for (int[] s : segs) {
            if ((jpeg[s[0] + 1] & 0xff) == 0xDA && (last == null || s[1] < last[1])) {
                last = s;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, last[0] + last[1]);
        for (int i = 1; i < times; i++) {
            out.write(jpeg, last[0], last[1]);
        }
        out.write(jpeg, last[0] + last[1], jpeg.length - last[0] - last[1]);
        return out.toByteArray();
    }

    /** The JPEG with its SOF0 marker replaced (SOF9: arithmetic coding; SOF5: hierarchical). */
    static byte[] withFrameMarker(byte[] jpeg, int marker) {
        byte[] out = jpeg.clone();
        for (int[] s : jpegSegments(jpeg)) {
            if ((jpeg[s[0] + 1] & 0xff) == 0xC0) {
                out[s[0] + 1] = (byte) marker;
            }
        }
        return out;
    }

    /** An ICC profile header (128 bytes, 'acsp' signature) whose size field says {@code declared}. */
    static byte[] iccHeader(int declared) {
        byte[] h = new byte[132];
        h[0] = (byte) (declared >>> 24);
        h[1] = (byte) (declared >>> 16);
        h[2] = (byte) (declared >>> 8);
        h[3] = (byte) declared;
        System.arraycopy(utf8("mntrRGB XYZ "), 0, h, 12, 12);
        System.arraycopy(utf8("acsp"), 0, h, 36, 4);
        return h;
    }

    /** The JPEG with an APP2 ICC_PROFILE segment right after SOI whose profile claims {@code declared} bytes. */
    public static byte[] jpegWithIcc(byte[] jpeg, int declared) {
        return jpegWithIccProfile(jpeg, iccHeader(declared));
    }

    /** The JPEG with {@code profile} in one APP2 ICC_PROFILE segment right after SOI. */
    public static byte[] jpegWithIccProfile(byte[] jpeg, byte[] profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int len = 2 + 12 + 2 + profile.length;
        out.write(0xFF);
        out.write(0xE2);
        out.write(len >> 8);
        out.write(len);
        out.writeBytes(utf8("ICC_PROFILE\0"));
        out.write(1);
        out.write(1);
        out.writeBytes(profile);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /**
     * A simple lossless WebP (VP8L) of w x h pixels: no transform, no colour cache, one group
     * of prefix codes, each of the four pixel channels a 1-bit code for the values 0 and 1,
     * followed by {@code dataBytes} random bytes of pixel data (4 bits per pixel make a
     * valid image: {@code w * h / 2} bytes). With no data it is the fuzz finding of issue 15:
     * a 36-byte file whose decoder once read past its end for every pixel (~5 s of CPU).
     */
    public static byte[] vp8lPlain(int w, int h, int dataBytes) {
        long[] acc = new long[2]; // bits, count
        ByteArrayOutputStream vp8l = new ByteArrayOutputStream();
        vp8l.write(0x2F);
        java.util.function.BiConsumer<Integer, Integer> put = (value, bits) -> {
            for (int i = 0; i < bits; i++) {
                acc[0] |= (long) ((value >> i) & 1) << acc[1];
                if (++acc[1] == 8) {
                    vp8l.write((int) acc[0]);
                    acc[0] = 0;
                    acc[1] = 0;
                }
            }
        };
        put.accept(w - 1, 14);
        put.accept(h - 1, 14);
        put.accept(0, 4); // no alpha, version 0
        put.accept(0, 3); // no transform, no colour cache, no meta prefix codes
        for (int channel = 0; channel < 4; channel++) { // green, red, blue, alpha
            put.accept(1, 1); // simple code
            put.accept(1, 1); // two symbols
            put.accept(1, 1); // the first one 8 bits wide
            put.accept(0, 8);
            put.accept(1, 8);
        }
        put.accept(1, 1); // distance: simple code, one 1-bit symbol (0)
        put.accept(0, 3);
        Random random = new Random(15);
        for (int i = 0; i < dataBytes; i++) {
            put.accept(random.nextInt(256), 8);
        }
        if (acc[1] > 0) {
            vp8l.write((int) acc[0]);
        }
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        riffChunk(chunks, "VP8L", vp8l.toByteArray());
        return riff(chunks.toByteArray());
    }

    private static void riffChunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        byte[] len = new byte[4];
        le(len, 0, data.length);
        out.writeBytes(len);
        out.writeBytes(data);
        if ((data.length & 1) != 0) {
            out.write(0);
        }
    }

    private static byte[] riff(byte[] chunks) {
        byte[] out = new byte[12 + chunks.length];
        System.arraycopy(utf8("RIFF"), 0, out, 0, 4);
        le(out, 4, 4 + chunks.length);
        System.arraycopy(utf8("WEBP"), 0, out, 8, 4);
        System.arraycopy(chunks, 0, out, 12, chunks.length);
        return out;
    }

    /** The simple WebP's one image chunk (type, payload). */
    private static byte[] firstChunk(byte[] webp, StringBuilder type) {
        type.append(new String(webp, 12, 4, StandardCharsets.US_ASCII));
        int len = (webp[16] & 0xff) | (webp[17] & 0xff) << 8 | (webp[18] & 0xff) << 16 | (webp[19] & 0xff) << 24;
        return Arrays.copyOfRange(webp, 20, 20 + len);
    }

    private static byte[] vp8x(int flags, int w, int h) {
        byte[] d = new byte[10];
        d[0] = (byte) flags;
        d[4] = (byte) (w - 1);
        d[5] = (byte) ((w - 1) >> 8);
        d[6] = (byte) ((w - 1) >> 16);
        d[7] = (byte) (h - 1);
        d[8] = (byte) ((h - 1) >> 8);
        d[9] = (byte) ((h - 1) >> 16);
        return d;
    }

    /** An extended WebP (VP8X) whose canvas is w x h around the simple file's own frame. */
    static byte[] webpCanvasDisagrees(byte[] simpleWebp, int w, int h) {
        StringBuilder type = new StringBuilder();
        byte[] frame = firstChunk(simpleWebp, type);
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        riffChunk(chunks, "VP8X", vp8x(0, w, h));
        riffChunk(chunks, type.toString(), frame);
        return riff(chunks.toByteArray());
    }

    /** An extended WebP with an ICCP chunk whose profile claims {@code declared} bytes. */
    public static byte[] webpWithIcc(byte[] simpleWebp, int declared) {
        StringBuilder type = new StringBuilder();
        byte[] frame = firstChunk(simpleWebp, type);
        int w;
        int h;
        if (type.toString().equals("VP8L")) {
            int bits = (frame[1] & 0xff) | (frame[2] & 0xff) << 8 | (frame[3] & 0xff) << 16 | (frame[4] & 0xff) << 24;
            w = 1 + (bits & 0x3FFF);
            h = 1 + ((bits >>> 14) & 0x3FFF);
        } else {
            w = ((frame[6] & 0xff) | (frame[7] & 0xff) << 8) & 0x3FFF;
            h = ((frame[8] & 0xff) | (frame[9] & 0xff) << 8) & 0x3FFF;
        }
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        riffChunk(chunks, "VP8X", vp8x(0x20, w, h));
        riffChunk(chunks, "ICCP", iccHeader(declared));
        riffChunk(chunks, type.toString(), frame);
        return riff(chunks.toByteArray());
    }

    /** The PNG with {@code count} zTXt/iTXt chunks before IDAT, each 64 MB of text deflated to ~64 KB. */
    public static byte[] pngWithTextBombs(byte[] png, int count) {
        try {
            ByteArrayOutputStream bomb = new ByteArrayOutputStream();
            try (DeflaterOutputStream z = new DeflaterOutputStream(bomb, new Deflater(9), 1 << 16)) {
                byte[] zeros = new byte[1 << 20];
                Arrays.fill(zeros, (byte) 'a');
                for (int i = 0; i < 64; i++) {
                    z.write(zeros);
                }
            }
            byte[] compressed = bomb.toByteArray();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(png, 0, 8 + 25); // signature and IHDR
            for (int i = 0; i < count; i++) {
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                if (i % 2 == 0) {
                    data.writeBytes(utf8("Comment\0"));
                    data.write(0); // compression method: deflate
                } else {
                    data.writeBytes(utf8("Description\0"));
                    data.write(1); // compressed
                    data.write(0);
                    data.writeBytes(utf8("en\0\0"));
                }
                data.writeBytes(compressed);
                chunk(out, i % 2 == 0 ? "zTXt" : "iTXt", data.toByteArray());
            }
            out.write(png, 8 + 25, png.length - 8 - 25);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Just a PNG signature and IHDR claiming w x h. */
    static byte[] pngHeaderOnly(int w, int h) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeInt(w);
            d.writeInt(h);
            d.write(new byte[] {8, 2, 0, 0, 0});
            chunk(out, "IHDR", ihdr.toByteArray());
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 64x64 BMP whose pixels are an embedded JPEG (4) or PNG (5), with the given image-size field. */
    static byte[] bmpEmbedded(int compression, int sizeImage, byte[] payload) {
        byte[] b = new byte[54 + payload.length];
        b[0] = 'B';
        b[1] = 'M';
        le(b, 2, b.length);
        le(b, 10, 54);
        le(b, 14, 40);
        le(b, 18, 64);
        le(b, 22, 64);
        b[26] = 1;
        b[28] = 24;
        le(b, 30, compression);
        le(b, 34, sizeImage == 0 ? payload.length : sizeImage);
        System.arraycopy(payload, 0, b, 54, payload.length);
        return b;
    }

    /** A 64x64 8-bit RLE BMP whose image-size field claims far more than the file holds. */
    static byte[] bmpRle8(int sizeImage) {
        byte[] b = new byte[54 + 1024 + 64];
        b[0] = 'B';
        b[1] = 'M';
        le(b, 2, b.length);
        le(b, 10, 54 + 1024);
        le(b, 14, 40);
        le(b, 18, 64);
        le(b, 22, 64);
        b[26] = 1;
        b[28] = 8;
        le(b, 30, 1);
        le(b, 34, sizeImage);
        return b;
    }

    /** A text file that starts with "BM" and even has a plausible DIB header size: not a bitmap. */
    /**
     * A GIF whose first image does not fit its logical screen (the pixel limit checks the
     * screen): the fuzz finding had a 64x64 screen over a 64x62015 frame.
     */
    static byte[] gifScreenSmallerThanFrame(int screenHeight) {
        byte[] gif = FormatVariants.encode(FormatVariants.palette(FormatVariants.grey(FormatVariants.phantom())), "gif");
        gif[8] = (byte) screenHeight;
        gif[9] = (byte) (screenHeight >>> 8);
        return gif;
    }

    static byte[] bmText() {
        byte[] text = utf8("BM notes for ward 7: scans pending, call radiology before noon. ".repeat(150));
        le(text, 14, 40);
        return text;
    }

    private static void le(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }
}
