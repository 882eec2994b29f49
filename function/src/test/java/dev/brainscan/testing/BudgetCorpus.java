package dev.brainscan.testing;

import dev.brainscan.phantom.Phantom;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The inputs of issue 27 (Hardening III), generated: inputs whose cost grew with their
 * frames, entries or segments rather than with any one image. {@link #main} writes them to a
 * directory for the row-by-row measurement ({@code /usr/bin/time -v}, docs/security.md).
 */
public final class BudgetCorpus {
    public static final String TS_JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    public static final String TS_JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    public static final String TS_RLE = "1.2.840.10008.1.2.5";

    /** Kinds of lying JPEG frame. */
    public enum FrameKind { GREY, COLOUR, LOSSLESS }

    private BudgetCorpus() {
    }

    /**
     * A DICOM file of {@code frames} frames declared {@code side}x{@code side} whose JPEG
     * frames each carry a frame header of {@code sofSide}x{@code sofSide} (a real 96x96 JPEG
     * with its SOF patched; for LOSSLESS, its marker made SOF3 too: never decoded).
     */
    public static byte[] dicomLyingJpegFrames(int frames, int side, int sofSide, FrameKind kind) {
        boolean colour = kind == FrameKind.COLOUR;
        byte[] jpeg = colour ? Phantom.jpeg(3, 96, 96, false) : Phantom.greyJpeg(3, 96, 96, false);
        byte[] frame = patchSof(jpeg, sofSide, kind == FrameKind.LOSSLESS ? 0xC3 : -1);
        List<byte[]> fragments = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            fragments.add(frame);
        }
        DicomWriter d = DicomWriter.mr(side, side, 8, new byte[0], "1")
                .set(0x00280008, "IS", Integer.toString(frames))
                .transferSyntax(kind == FrameKind.LOSSLESS ? TS_JPEG_LOSSLESS : TS_JPEG_BASELINE);
        if (colour) {
            d.us(0x00280002, 3).set(0x00280004, "CS", "YBR_FULL_422").us(0x00280006, 0);
        }
        return d.tail(encapsulated(fragments)).bytes();
    }

    /** A DICOM file of {@code frames} RLE frames {@code side}x{@code side}, every pixel {@code value}. */
    public static byte[] dicomRleFrames(int frames, int side, int value, String instance) {
        int n = side * side;
        ByteArrayOutputStream seg = new ByteArrayOutputStream();
        for (int left = n; left > 0; left -= 128) {
            int run = Math.min(128, left);
            seg.write(1 - run); // PackBits replicate run of `run` bytes
            seg.write(value);
        }
        byte[] frame = new byte[64 + seg.size()];
        frame[0] = 1; // one segment
        frame[4] = 64; // at offset 64
        System.arraycopy(seg.toByteArray(), 0, frame, 64, seg.size());
        List<byte[]> fragments = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            fragments.add(frame);
        }
        return DicomWriter.mr(side, side, 8, new byte[0], instance)
                .set(0x00280008, "IS", Integer.toString(frames)).transferSyntax(TS_RLE)
                .tail(encapsulated(fragments)).bytes();
    }

    /** Encapsulated pixel data (PS3.5 A.4): an empty offset table, one fragment per item. */
    public static byte[] encapsulated(List<byte[]> fragments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomWriter.le16(out, 0x7FE0);
        DicomWriter.le16(out, 0x0010);
        out.writeBytes(new byte[] {'O', 'B', 0, 0});
        DicomWriter.le32(out, 0xFFFFFFFFL);
        DicomWriter.le16(out, 0xFFFE);
        DicomWriter.le16(out, 0xE000);
        DicomWriter.le32(out, 0);
        for (byte[] f : fragments) {
            byte[] even = f.length % 2 == 0 ? f : Arrays.copyOf(f, f.length + 1);
            DicomWriter.le16(out, 0xFFFE);
            DicomWriter.le16(out, 0xE000);
            DicomWriter.le32(out, even.length);
            out.writeBytes(even);
        }
        DicomWriter.le16(out, 0xFFFE);
        DicomWriter.le16(out, 0xE0DD);
        DicomWriter.le32(out, 0);
        return out.toByteArray();
    }

    /** The JPEG with its frame header's size set to {@code side}x{@code side} (and its marker to {@code marker} when >= 0). */
    public static byte[] patchSof(byte[] jpeg, int side, int marker) {
        byte[] b = jpeg.clone();
        for (int[] seg : HostileCorpus.jpegSegments(b)) {
            int m = b[seg[0] + 1] & 0xff;
            if (m >= 0xC0 && m <= 0xC3) {
                int at = seg[0] + 5; // FF Cn, length(2), precision(1)
                b[at] = (byte) (side >> 8);
                b[at + 1] = (byte) side;
                b[at + 2] = (byte) (side >> 8);
                b[at + 3] = (byte) side;
                if (marker >= 0) {
                    b[seg[0] + 1] = (byte) marker;
                }
                return b;
            }
        }
        throw new IllegalArgumentException("no frame header");
    }

    /** A zip of the given entries, named {@code slice-<n>.dcm}. */
    public static byte[] zip(List<byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(9);
            int i = 0;
            for (byte[] e : entries) {
                zip.putNextEntry(new ZipEntry("slice-" + (++i) + ".dcm"));
                zip.write(e);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip of {@code entries} copies of a {@code frames}-frame RLE file (32x32, blank). */
    public static byte[] zipOfRleSeries(int entries, int frames) {
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            all.add(dicomRleFrames(frames, 32, 0, Integer.toString(i + 1)));
        }
        return zip(all);
    }

    /** A real JPEG with {@code count} one-code DHT segments after SOI. */
    public static byte[] jpegDhtFlood(int count) {
        byte[] jpeg = Phantom.jpeg(5, 240, 240, false);
        byte[] dht = {(byte) 0xFF, (byte) 0xC4, 0, 20, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + count * dht.length);
        out.write(jpeg, 0, 2);
        for (int i = 0; i < count; i++) {
            out.writeBytes(dht);
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A real JPEG with {@code count} DRI segments after SOI (a restart-interval flood). */
    public static byte[] jpegDriFlood(int count) {
        byte[] jpeg = Phantom.jpeg(5, 240, 240, false);
        byte[] dri = {(byte) 0xFF, (byte) 0xDD, 0, 4, 0, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + count * dri.length);
        out.write(jpeg, 0, 2);
        for (int i = 0; i < count; i++) {
            out.writeBytes(dri);
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A lossless (SOF3) JPEG header of {@code side}x{@code side}, 8-bit grey, with a table and a scan header but no scan data. */
    public static byte[] losslessJpegWithoutData(int side) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC3, 0, 11, 8, (byte) (side >> 8), (byte) side,
            (byte) (side >> 8), (byte) side, 1, 1, 0x11, 0});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xC4, 0, 20, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0x00, 1, 0, 0});
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        return out.toByteArray();
    }

    /** A 35-byte GIF declaring a {@code w}x{@code h} screen and frame, with one byte of image data. */
    public static byte[] gifWithoutData(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        le16(out, w);
        le16(out, h);
        out.writeBytes(new byte[] {(byte) 0x80, 0, 0}); // a 2-colour global table
        out.writeBytes(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        out.write(0x2C);
        le16(out, 0);
        le16(out, 0);
        le16(out, w);
        le16(out, h);
        out.write(0);
        out.writeBytes(new byte[] {2, 1, 0x44, 0, 0x3B}); // min code size 2, one sub-block of 1 byte, end, trailer
        return out.toByteArray();
    }

    /** A PNG of the phantom whose IDAT data is split into one-byte chunks, padded with empty IDAT chunks to {@code count} chunks. */
    public static byte[] pngChunkFlood(int count) {
        byte[] png = Phantom.encode(Phantom.generate(6, 240, 240, false).image(), "png");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, 8 + 25); // signature, IHDR
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        int pos = 33;
        while (pos + 8 <= png.length) {
            int len = ((png[pos] & 0xff) << 24) | ((png[pos + 1] & 0xff) << 16) | ((png[pos + 2] & 0xff) << 8)
                    | (png[pos + 3] & 0xff);
            String type = new String(png, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (type.equals("IDAT")) {
                idat.write(png, pos + 8, len);
            }
            pos += 12 + len;
        }
        byte[] data = idat.toByteArray();
        int chunks = 0;
        for (int i = 0; i < data.length; i++) {
            boolean last = i == data.length - 1 || chunks == count - 2;
            int len = last ? data.length - i : 1;
            pngChunk(out, "IDAT", Arrays.copyOfRange(data, i, i + len));
            chunks++;
            if (last) {
                break;
            }
        }
        for (; chunks < count - 1; chunks++) {
            pngChunk(out, "IDAT", new byte[0]);
        }
        pngChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** An otherwise valid MR slice whose Photometric Interpretation is {@code value} (a patient's name, say). */
    public static byte[] dicomPhotometric(String value) {
        return DicomWriter.mr8(Phantom.generate(31, 96, 96, false).image()).set(0x00280004, "CS", value).bytes();
    }

    /**
     * A {@code side}x{@code side} PNG of {@code bitDepth} bits and {@code colourType} (0 grey,
     * 6 RGBA), an oval on black, written row by row (a 40 MP 16-bit RGBA raster is 320 MB: never
     * held whole here).
     */
    public static byte[] bigPng(int side, int bitDepth, int colourType) {
        int channels = colourType == 6 ? 4 : 1;
        int rowBytes = (side * channels * bitDepth + 7) / 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        byte[] ihdr = {(byte) (side >>> 24), (byte) (side >>> 16), (byte) (side >>> 8), (byte) side,
            (byte) (side >>> 24), (byte) (side >>> 16), (byte) (side >>> 8), (byte) side, (byte) bitDepth,
            (byte) colourType, 0, 0, 0};
        pngChunk(out, "IHDR", ihdr);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(z,
                new java.util.zip.Deflater(9))) {
            byte[] row = new byte[1 + rowBytes];
            double c = side / 2.0;
            for (int y = 0; y < side; y++) {
                Arrays.fill(row, (byte) 0);
                double dy = (y - c) / (side * 0.4);
                double half = dy * dy < 1 ? Math.sqrt(1 - dy * dy) * side * 0.3 : -1;
                if (half > 0) {
                    int from = (int) (c - half);
                    int to = (int) (c + half);
                    int bytesPerPixel = channels * bitDepth / 8;
                    if (bitDepth == 1) {
                        for (int x = from; x < to; x++) {
                            row[1 + x / 8] |= (byte) (0x80 >>> (x % 8));
                        }
                    } else {
                        Arrays.fill(row, 1 + from * bytesPerPixel, 1 + to * bytesPerPixel, (byte) 0x90);
                    }
                }
                d.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pngChunk(out, "IDAT", z.toByteArray());
        pngChunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        out.write(data.length >>> 24);
        out.write(data.length >>> 16);
        out.write(data.length >>> 8);
        out.write(data.length);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        long c = crc.getValue();
        out.write((int) (c >>> 24));
        out.write((int) (c >>> 16));
        out.write((int) (c >>> 8));
        out.write((int) c);
    }

    private static void le16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >> 8) & 0xff);
    }

    /** The inputs of the measurement table, by row, written to {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Files.write(dir.resolve("r1-dicom-1000-colour-jpeg-frames-sof-6320.dcm"),
                dicomLyingJpegFrames(1000, 32, 6320, FrameKind.COLOUR));
        Files.write(dir.resolve("r2-dicom-1000-grey-jpeg-frames-sof-6320.dcm"),
                dicomLyingJpegFrames(1000, 32, 6320, FrameKind.GREY));
        Files.write(dir.resolve("r2-dicom-1000-lossless-jpeg-frames-sof-6320.dcm"),
                dicomLyingJpegFrames(1000, 32, 6320, FrameKind.LOSSLESS));
        Files.write(dir.resolve("r5-zip-1000-entries-x-1000-rle-frames.zip"), zipOfRleSeries(1000, 1000));
        Files.write(dir.resolve("r6-zip-3-entries-x-1000-rle-frames.zip"), zipOfRleSeries(3, 1000));
        Files.write(dir.resolve("r7-jpeg-45000-dht.jpg"), jpegDhtFlood(45_000));
        Files.write(dir.resolve("r7-jpeg-180000-dht-4mb.jpg"), jpegDhtFlood(180_000));
        Files.write(dir.resolve("r10-lossless-jpeg-6320-no-data.jpg"), losslessJpegWithoutData(6320));
        Files.write(dir.resolve("r10-gif-6320x6320-35-bytes.gif"), gifWithoutData(6320, 6320));
        Files.write(dir.resolve("r11-dicom-photometric-ZYXWVPATIENT.dcm"), dicomPhotometric("ZYXWVPATIENT"));
        Files.write(dir.resolve("r12-jpeg-dri-flood-20mb.jpg"), jpegDriFlood(3_300_000));
        Files.write(dir.resolve("r12-png-idat-one-byte-chunks.png"), pngChunkFlood(1_000_000));
        Files.write(dir.resolve("r12-png-40mp-1-bit.png"), bigPng(6320, 1, 0));
        Files.write(dir.resolve("r12-png-40mp-16-bit-rgba.png"), bigPng(6320, 16, 6));
        Files.write(dir.resolve("normal-phantom.jpg"), Phantom.jpeg(5, 240, 240, true));
    }
}
