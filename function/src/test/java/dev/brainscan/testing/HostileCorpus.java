package dev.brainscan.testing;

import dev.brainscan.core.ErrorCode;
import dev.brainscan.core.Phantom;
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
        List<NonMriCorpus.Sample> nonMri = NonMriCorpus.generate(1, 99);
        for (NonMriCorpus.Sample s : nonMri) {
            out.add(new Case("not-mri-" + s.family(), FormatVariants.jpeg(s.image(), false, 0.92f),
                    ErrorCode.NOT_A_BRAIN_MRI));
        }
        return List.copyOf(out);
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

    private static void le(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }
}
