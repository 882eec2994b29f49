package dev.brainscan.core.image;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pre-scan of each container before any decoder sees it: walks the JPEG segments, PNG
 * chunks, WebP RIFF chunks and BMP header in plain Java, refuses layouts that are not
 * validated, and hands the decoder a copy with only what the pixels need. Metadata the
 * pipeline does not use (text chunks, XMP, comments, thumbnails, ICC profiles that are
 * malformed or over {@link #MAX_ICC_BYTES}) is never parsed because the decoder never sees
 * it; an EXIF block (for the orientation tag) is kept when small. Every length is checked
 * against the bytes that are there, so no field can make anything allocate what the file
 * does not contain.
 */
final class ContainerGuard {
    /** Largest embedded ICC profile that is passed on (sRGB is 3 KB; CMYK press profiles ~0.5-1 MB). */
    static final int MAX_ICC_BYTES = 256 * 1024;
    /** Largest EXIF block passed on (only its orientation tag is of use). */
    static final int MAX_EXIF_BYTES = 64 * 1024;
    /** Most scans a JPEG may have (libjpeg's progressive scripts use 6-10; mozjpeg's up to ~20). */
    static final int MAX_JPEG_SCANS = 64;
    /**
     * Most markers (segments and standalone markers outside the entropy-coded data) a JPEG may
     * have: a progressive file at {@link #MAX_JPEG_SCANS} scans with a table segment before each
     * has a few hundred; 45,000 one-table DHT segments (1 MB) exhausted a 512 MB heap.
     */
    static final int MAX_JPEG_MARKERS = 1024;
    /** Most chunks a PNG may have (libpng writes 8 KB IDAT chunks: 2,560 in a 20 MB file). */
    static final int MAX_PNG_CHUNKS = 65_536;
    /**
     * Deflate's largest expansion is 1,032 bytes out per byte in (258-byte matches in 2 bits);
     * a PNG whose IDAT data is smaller than its raster over this ratio cannot hold its pixels.
     */
    static final int DEFLATE_MAX_RATIO = 1032;
    /** Pixels one GIF LZW code can stand for at most (a string in a 4,096-entry table), times 4 bits a code needs at least. */
    static final int GIF_PIXELS_PER_BYTE_AT_MOST = 4096 * 4;

    /** Decoded raster bytes allowed per pixel of the pixel limit (a 16-bit RGBA PNG needs 8 per pixel). */
    static final int RASTER_BYTES_PER_LIMIT_PIXEL = 4;

    private ContainerGuard() {
    }

    /** The bytes to decode and the size the container declares. */
    record Checked(byte[] bytes, int width, int height) {
    }

    private static ScanException corrupt(String format, String why) {
        return new ScanException(ErrorCode.CORRUPT_IMAGE, "The " + format + " data is damaged: " + why + ".");
    }

    // ---------------------------------------------------------------- JPEG

    /**
     * Walks the JPEG markers: only Huffman-coded baseline, extended, progressive and lossless
     * frames (SOF0-SOF3), one frame, at most {@link #MAX_JPEG_SCANS} scans, and a scan count
     * times pixel count within budget; keeps JFIF, one small EXIF, a valid ICC profile within
     * the cap and Adobe's colour-transform segment, and drops every other APPn and comment.
     */
    static Checked jpeg(byte[] b, Limits limits) throws ScanException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        out.write(0xFF);
        out.write(0xD8);
        List<int[]> icc = new ArrayList<>(); // {offset of segment, length incl. marker}
        int width = -1;
        int height = -1;
        int scans = 0;
        int components = 1;
        boolean exifKept = false;
        int pos = 2;
        List<int[]> kept = new ArrayList<>(); // segments kept, in order, as {offset, length}; -1 offset = ICC slot
        int iccSlot = -1;
        boolean ended = false;
        int markers = 0;
        long entropyBytes = 0;
        int frameMarker = -1;
        while (pos < b.length && !ended) {
            if ((b[pos] & 0xff) != 0xFF) {
                throw corrupt("jpeg", "a marker is missing");
            }
            if (++markers > MAX_JPEG_MARKERS) {
                throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                        "The JPEG has more than %d markers; at most %d are read.", MAX_JPEG_MARKERS,
                        MAX_JPEG_MARKERS));
            }
            while (pos < b.length && (b[pos] & 0xff) == 0xFF) {
                pos++; // fill bytes
            }
            if (pos >= b.length) {
                break;
            }
            int marker = b[pos] & 0xff;
            int start = pos - 1;
            pos++;
            if (marker == 0xD9) {
                ended = true;
                break;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                kept.add(new int[] {start, 2});
                continue;
            }
            if (marker == 0xD8 || marker == 0x00) {
                throw corrupt("jpeg", "a marker is out of place");
            }
            if (pos + 2 > b.length) {
                throw corrupt("jpeg", "it ends inside a segment header");
            }
            int len = (b[pos] & 0xff) << 8 | (b[pos + 1] & 0xff);
            if (len < 2 || pos + len > b.length) {
                throw corrupt("jpeg", "a segment is longer than the file");
            }
            int dataAt = pos + 2;
            int dataLen = len - 2;
            int segEnd = pos + len;
            switch (marker) {
                case 0xC0, 0xC1, 0xC2, 0xC3 -> {
                    if (width >= 0) {
                        throw corrupt("jpeg", "it has more than one frame header");
                    }
                    if (dataLen < 6) {
                        throw corrupt("jpeg", "the frame header is short");
                    }
                    height = (b[dataAt + 1] & 0xff) << 8 | (b[dataAt + 2] & 0xff);
                    width = (b[dataAt + 3] & 0xff) << 8 | (b[dataAt + 4] & 0xff);
                    frameMarker = marker;
                    components = b[dataAt + 5] & 0xff;
                    if (height > 0) { // 0: the height comes later, in a DNL segment
                        limits.check(width, height);
                    }
                    kept.add(new int[] {start, segEnd - start});
                }
                case 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF -> throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                        "Arithmetic-coded JPEG is not supported; save the scan as a standard (Huffman-coded) JPEG or PNG.");
                case 0xC5, 0xC6, 0xC7, 0xDE, 0xDF -> throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                        "Hierarchical JPEG is not supported; save the scan as a standard JPEG or PNG.");
                case 0xC8 -> throw corrupt("jpeg", "it uses a reserved marker");
                case 0xE0 -> {
                    if (startsWith(b, dataAt, dataLen, "JFIF\0")) {
                        kept.add(new int[] {start, segEnd - start});
                    }
                }
                case 0xE1 -> {
                    if (!exifKept && dataLen <= MAX_EXIF_BYTES && startsWith(b, dataAt, dataLen, "Exif\0")) {
                        exifKept = true;
                        kept.add(new int[] {start, segEnd - start});
                    }
                }
                case 0xE2 -> {
                    if (startsWith(b, dataAt, dataLen, "ICC_PROFILE\0")) {
                        icc.add(new int[] {start, segEnd - start});
                        if (iccSlot < 0) {
                            iccSlot = kept.size();
                            kept.add(new int[] {-1, 0});
                        }
                    }
                }
                case 0xEE -> {
                    if (startsWith(b, dataAt, dataLen, "Adobe")) {
                        kept.add(new int[] {start, segEnd - start});
                    }
                }
                case 0xDA -> {
                    if (width < 0) {
                        throw corrupt("jpeg", "a scan comes before the frame header");
                    }
                    scans++;
                    if (scans > MAX_JPEG_SCANS) {
                        throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                                "The JPEG has more than %d scans; at most %d are decoded.", MAX_JPEG_SCANS,
                                MAX_JPEG_SCANS));
                    }
                    int end = entropyEnd(b, segEnd);
                    entropyBytes += end - segEnd;
                    kept.add(new int[] {start, end - start});
                    pos = end;
                    continue;
                }
                default -> {
                    if ((marker >= 0xE3 && marker <= 0xEF) || marker == 0xFE || (marker >= 0xF0 && marker <= 0xFD)) {
                        // other APPn, JPGn extensions and comments: never parsed
                    } else {
                        kept.add(new int[] {start, segEnd - start}); // DQT, DHT, DRI, DNL and the like
                    }
                }
            }
            pos = segEnd;
        }
        if (width < 0) {
            throw corrupt("jpeg", "it has no frame header");
        }
        if (scans == 0) {
            throw corrupt("jpeg", "it has no image data");
        }
        long pixels = (long) Math.max(width, 1) * Math.max(height, 1);
        if (height > 0 && entropyBytes < minimumJpegData(frameMarker, width, height, components)) {
            // a lossless 6320x6320 header with no scan data decoded to a 40 MP grey image
            throw corrupt("jpeg", "its header promises more pixels than its data can hold");
        }
        // Each scan is a pass over the coefficients of the whole frame: bound scans x pixels.
        long work = pixels * scans;
        long budget = limits.maxPixels() * 16;
        if (work > budget) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The JPEG has %d scans over %d pixels; decoding it needs more work than allowed.", scans, pixels));
        }
        boolean keepIcc = iccValid(b, icc);
        for (int[] seg : kept) {
            if (seg[0] < 0) {
                if (keepIcc) {
                    for (int[] c : icc) {
                        out.write(b, c[0], c[1]);
                    }
                }
            } else {
                out.write(b, seg[0], seg[1]);
            }
        }
        if (ended) {
            out.write(0xFF);
            out.write(0xD9);
        }
        return new Checked(out.toByteArray(), width, height);
    }

    /**
     * The fewest entropy-coded bytes a frame of this size can have: every Huffman code is at
     * least one bit, so a lossless frame (SOF3) codes each sample in a bit or more, and a DCT
     * frame each MCU (at most 32x32 pixels, sampling factors up to 4) in a bit or more.
     */
    static long minimumJpegData(int frameMarker, int width, int height, int components) {
        if (frameMarker == 0xC3) {
            return (long) width * height * Math.max(1, components) / 8;
        }
        return ((long) (width + 31) / 32) * ((height + 31) / 32) / 8;
    }

    /** The offset of the marker that ends the entropy-coded data starting at {@code from}. */
    private static int entropyEnd(byte[] b, int from) {
        int i = from;
        while (i < b.length - 1) {
            if ((b[i] & 0xff) == 0xFF) {
                int next = b[i + 1] & 0xff;
                if (next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7)) {
                    return i;
                }
                if (next == 0xFF) {
                    i++;
                    continue;
                }
                i += 2;
                continue;
            }
            i++;
        }
        return b.length;
    }

    /** A profile split over APP2 chunks: numbered 1..n once each, its header's size equal to its bytes, within the cap. */
    private static boolean iccValid(byte[] b, List<int[]> chunks) {
        if (chunks.isEmpty() || chunks.size() > 255) {
            return false;
        }
        int count = -1;
        boolean[] seen = new boolean[256];
        long total = 0;
        int first = -1;
        for (int[] c : chunks) {
            int data = c[0] + 4 + 12; // marker, length, "ICC_PROFILE\0"
            if (c[1] < 4 + 14) {
                return false;
            }
            int seq = b[data] & 0xff;
            int n = b[data + 1] & 0xff;
            if (count < 0) {
                count = n;
            }
            if (n != count || seq < 1 || seq > n || seen[seq]) {
                return false;
            }
            seen[seq] = true;
            total += c[1] - 4 - 14;
            if (seq == 1) {
                first = data + 2;
            }
        }
        if (count != chunks.size() || total > MAX_ICC_BYTES || total < 128 || first < 0 || first + 4 > b.length) {
            return false;
        }
        long declared = be32(b, first) & 0xffffffffL;
        return declared == total;
    }

    // ---------------------------------------------------------------- PNG

    /**
     * Walks the PNG chunks: IHDR first, chunk lengths within the file; passes on IHDR, PLTE,
     * tRNS, IDAT, IEND and a small eXIf. Text (tEXt, zTXt, iTXt), iCCP, animation and every
     * other ancillary chunk are dropped unread. The raster the header implies must fit the budget.
     */
    static Checked png(byte[] b, Limits limits) throws ScanException {
        if (b.length < 8 + 8 + 13 + 4 || !type(b, 12, "IHDR") || be32(b, 8) != 13) {
            throw corrupt("png", "the header is missing");
        }
        int width = be32(b, 16);
        int height = be32(b, 20);
        int bitDepth = b[24] & 0xff;
        int colourType = b[25] & 0xff;
        int channels = switch (colourType) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw corrupt("png", "the colour type is invalid");
        };
        if (bitDepth != 1 && bitDepth != 2 && bitDepth != 4 && bitDepth != 8 && bitDepth != 16) {
            throw corrupt("png", "the bit depth is invalid");
        }
        if (width > 0 && height > 0) {
            long rasterBytes = (long) width * height * channels * Math.max(1, bitDepth / 8);
            checkRaster(rasterBytes, limits);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        out.write(b, 0, 8);
        int pos = 8;
        boolean exifKept = false;
        boolean ended = false;
        int chunks = 0;
        long idatBytes = 0;
        while (pos + 8 <= b.length) {
            if (++chunks > MAX_PNG_CHUNKS) {
                throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                        "The PNG has more than %d chunks; at most %d are read.", MAX_PNG_CHUNKS, MAX_PNG_CHUNKS));
            }
            long len = be32(b, pos) & 0xffffffffL;
            if (len > Integer.MAX_VALUE || pos + 12 + len > b.length) {
                // A chunk longer than the file: pass the rest on; the decoder reports the truncation.
                out.write(b, pos, b.length - pos);
                pos = b.length;
                break;
            }
            int total = (int) (12 + len);
            String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
            boolean keep = switch (type) {
                case "IHDR", "PLTE", "tRNS", "IDAT", "IEND" -> true;
                case "eXIf" -> !exifKept && len <= MAX_EXIF_BYTES && (exifKept = true);
                default -> false;
            };
            if (keep) {
                out.write(b, pos, total);
            }
            if (type.equals("IDAT")) {
                idatBytes += len;
            }
            pos += total;
            if (type.equals("IEND")) {
                ended = true;
                break;
            }
        }
        if (!ended && pos < b.length) {
            out.write(b, pos, b.length - pos);
            idatBytes += b.length - pos; // a truncated last chunk: counted, the decoder reports it
        }
        if (width > 0 && height > 0) {
            long raw = (long) height * (1 + ((long) width * channels * bitDepth + 7) / 8);
            if (idatBytes < raw / DEFLATE_MAX_RATIO) {
                throw corrupt("png", "its header promises more pixels than its data can hold");
            }
        }
        return new Checked(out.toByteArray(), width, height);
    }

    // ---------------------------------------------------------------- GIF

    /**
     * Walks the GIF blocks to the first image (the one decoded) and refuses a frame that does
     * not lie within the logical screen: a frame beyond it (a fuzz finding: a 4 KB file with
     * a 64x64 screen and a 64x62015 frame, 4 MP) is damage, like a WebP canvas that
     * disagrees with its frame; the frame's own size still meets the pixel limit in the reader. A truncated or
     * unknown block stream is left to the reader, which refuses it.
     */
    static Checked gif(byte[] b) throws ScanException {
        if (b.length < 13) {
            throw corrupt("gif", "the header is truncated");
        }
        int width = le16(b, 6);
        int height = le16(b, 8);
        int flags = b[10] & 0xff;
        int p = 13 + ((flags & 0x80) != 0 ? 3 << ((flags & 7) + 1) : 0);
        while (p < b.length) {
            int block = b[p] & 0xff;
            if (block == 0x21) { // extension: label, then sub-blocks up to a zero length
                p += 2;
                while (p < b.length && (b[p] & 0xff) != 0) {
                    p += (b[p] & 0xff) + 1;
                }
                p++;
            } else if (block == 0x2C) {
                if (p + 10 > b.length) {
                    break;
                }
                long right = (long) le16(b, p + 1) + le16(b, p + 5);
                long bottom = (long) le16(b, p + 3) + le16(b, p + 7);
                if (right > width || bottom > height) {
                    throw corrupt("gif", "the image does not fit its logical screen");
                }
                long framePixels = (long) le16(b, p + 5) * le16(b, p + 7);
                int local = b[p + 9] & 0xff;
                int q = p + 10 + ((local & 0x80) != 0 ? 3 << ((local & 7) + 1) : 0) + 1; // + LZW minimum code size
                long data = 0;
                while (q < b.length && (b[q] & 0xff) != 0) {
                    data += Math.min(b[q] & 0xff, b.length - q - 1);
                    q += (b[q] & 0xff) + 1;
                }
                if (data < framePixels / GIF_PIXELS_PER_BYTE_AT_MOST) {
                    // a 35-byte file declaring a 40 MP frame decoded to 40 MP of background
                    throw corrupt("gif", "its header promises more pixels than its data can hold");
                }
                break;
            } else {
                break;
            }
        }
        return new Checked(b, width, height);
    }

    // ---------------------------------------------------------------- WebP

    /**
     * Walks the RIFF chunks: a simple lossy (VP8) or lossless (VP8L) file, or an extended
     * (VP8X) still image whose canvas equals its one frame; animation is refused. ICCP and
     * XMP chunks are dropped unread (and their flags cleared), a small EXIF is kept.
     */
    static Checked webp(byte[] b) throws ScanException {
        long riff = le32(b, 4) & 0xffffffffL;
        if (b.length - 8L < riff) {
            throw corrupt("webp", "the file is truncated");
        }
        int end = (int) Math.min(b.length, 8 + riff);
        int pos = 12;
        int[] canvas = null;
        int[] frame = null;
        int vp8xAt = -1;
        ByteArrayOutputStream body = new ByteArrayOutputStream(b.length);
        boolean exifKept = false;
        while (pos + 8 <= end) {
            String type = new String(b, pos, 4, StandardCharsets.ISO_8859_1);
            long len = le32(b, pos + 4) & 0xffffffffL;
            long padded = len + (len & 1);
            if (pos + 8 + len > end) {
                throw corrupt("webp", "a chunk is longer than the file");
            }
            int data = pos + 8;
            int total = (int) Math.min(8 + padded, end - pos);
            switch (type) {
                case "VP8X" -> {
                    if (pos != 12 || len < 10) {
                        throw corrupt("webp", "the extended header is misplaced");
                    }
                    if ((b[data] & 0x02) != 0) {
                        throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                                "Animated WebP is not supported; send one still image.");
                    }
                    canvas = new int[] {1 + le24(b, data + 4), 1 + le24(b, data + 7)};
                    vp8xAt = body.size();
                    body.write(b, pos, total);
                }
                case "VP8 ", "VP8L" -> {
                    if (frame != null) {
                        throw corrupt("webp", "it has more than one image");
                    }
                    frame = type.equals("VP8 ") ? vp8Size(b, data, (int) len) : vp8lSize(b, data, (int) len);
                    body.write(b, pos, total);
                }
                case "ALPH" -> body.write(b, pos, total);
                case "EXIF" -> {
                    if (!exifKept && len <= MAX_EXIF_BYTES) {
                        exifKept = true;
                        body.write(b, pos, total);
                    }
                }
                case "ANIM", "ANMF" -> throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                        "Animated WebP is not supported; send one still image.");
                default -> {
                    // ICCP, XMP and unknown chunks: never parsed
                }
            }
            pos += total;
        }
        if (frame == null) {
            throw corrupt("webp", "it has no image");
        }
        if (canvas != null && (canvas[0] != frame[0] || canvas[1] != frame[1])) {
            throw corrupt("webp", String.format(Locale.ROOT, "its canvas (%dx%d) and its image (%dx%d) disagree",
                    canvas[0], canvas[1], frame[0], frame[1]));
        }
        byte[] chunks = body.toByteArray();
        if (vp8xAt >= 0) {
            chunks[vp8xAt + 8] &= (byte) ~(0x20 | 0x04); // no ICC, no XMP: they were dropped
            if (!exifKept) {
                chunks[vp8xAt + 8] &= (byte) ~0x08;
            }
        }
        byte[] out = new byte[12 + chunks.length];
        System.arraycopy(b, 0, out, 0, 12);
        int size = 4 + chunks.length;
        out[4] = (byte) size;
        out[5] = (byte) (size >> 8);
        out[6] = (byte) (size >> 16);
        out[7] = (byte) (size >> 24);
        System.arraycopy(chunks, 0, out, 12, chunks.length);
        return new Checked(out, frame[0], frame[1]);
    }

    private static int[] vp8Size(byte[] b, int at, int len) throws ScanException {
        if (len < 10) {
            throw corrupt("webp", "the lossy frame header is short");
        }
        if ((b[at] & 0x01) != 0 || (b[at + 3] & 0xff) != 0x9D || (b[at + 4] & 0xff) != 0x01
                || (b[at + 5] & 0xff) != 0x2A) {
            throw corrupt("webp", "the lossy frame is not a key frame");
        }
        int w = ((b[at + 6] & 0xff) | (b[at + 7] & 0xff) << 8) & 0x3FFF;
        int h = ((b[at + 8] & 0xff) | (b[at + 9] & 0xff) << 8) & 0x3FFF;
        return new int[] {w, h};
    }

    private static int[] vp8lSize(byte[] b, int at, int len) throws ScanException {
        if (len < 5 || (b[at] & 0xff) != 0x2F) {
            throw corrupt("webp", "the lossless header is invalid");
        }
        int bits = le32(b, at + 1);
        return new int[] {1 + (bits & 0x3FFF), 1 + ((bits >>> 14) & 0x3FFF)};
    }

    // ---------------------------------------------------------------- BMP

    /** Whether the bytes carry a plausible BMP file and DIB header (else the file is not a BMP at all). */
    static boolean looksLikeBmp(byte[] b) {
        if (b.length < 26 || b[0] != 'B' || b[1] != 'M') {
            return false;
        }
        int dib = le32(b, 14);
        if (dib == 12) {
            int planes = le16(b, 22);
            int bpp = le16(b, 24);
            return planes == 1 && (bpp == 1 || bpp == 4 || bpp == 8 || bpp == 24);
        }
        if (!(dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124) || b.length < 14 + 40) {
            return false;
        }
        int planes = le16(b, 26);
        int bpp = le16(b, 28);
        return planes == 1 && (bpp == 0 || bpp == 1 || bpp == 4 || bpp == 8 || bpp == 16 || bpp == 24 || bpp == 32);
    }

    /**
     * Only uncompressed, bit-field and RLE BMPs; embedded JPEG or PNG (BI_JPEG, BI_PNG) and
     * every other compression are refused. The pixel offset, the image-size field and the
     * palette size must fit in the file, and uncompressed rows must all be there.
     */
    static Checked bmp(byte[] b) throws ScanException {
        int dib = le32(b, 14);
        int offBits = le32(b, 10);
        int width;
        int height;
        int bpp;
        int compression = 0;
        long sizeImage = 0;
        long colours = 0;
        if (dib == 12) {
            width = le16(b, 18);
            height = le16(b, 20);
            bpp = le16(b, 24);
        } else {
            width = le32(b, 18);
            height = le32(b, 22);
            bpp = le16(b, 28);
            compression = le32(b, 30);
            sizeImage = le32(b, 34) & 0xffffffffL;
            colours = le32(b, 46) & 0xffffffffL;
        }
        switch (compression) {
            case 0, 3, 6 -> {
                if (bpp == 0) {
                    throw corrupt("bmp", "the bit depth is missing");
                }
            }
            case 1, 2 -> {
                if ((compression == 1 && bpp != 8) || (compression == 2 && bpp != 4) || height < 0) {
                    throw corrupt("bmp", "the run-length layout is invalid");
                }
            }
            case 4, 5 -> throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                    "BMP files with an embedded " + (compression == 4 ? "JPEG" : "PNG")
                            + " are not supported; send the JPEG or PNG itself.");
            default -> throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                    "This BMP compression is not supported; save the scan as an uncompressed BMP or PNG.");
        }
        if (offBits < 14 + dib || offBits >= b.length) {
            throw corrupt("bmp", "the pixel data offset is outside the file");
        }
        if (sizeImage > b.length - (long) offBits && compression != 0 && compression != 3 && compression != 6) {
            throw corrupt("bmp", "the image size field is larger than the file");
        }
        if (colours > 256 && bpp <= 8 || colours > (1 << 16)) {
            throw corrupt("bmp", "the palette is too large");
        }
        if (colours * 4 > b.length) {
            throw corrupt("bmp", "the palette is larger than the file");
        }
        if (width > 0 && height != 0 && height != Integer.MIN_VALUE && (compression == 0 || compression == 3
                || compression == 6)) {
            long row = (((long) width * bpp + 31) / 32) * 4;
            if (offBits + row * Math.abs((long) height) > b.length) {
                throw corrupt("bmp", "the file is truncated");
            }
        }
        return new Checked(b, width, height == Integer.MIN_VALUE ? height : Math.abs(height));
    }

    // ---------------------------------------------------------------- shared

    static void checkRaster(long rasterBytes, Limits limits) throws ScanException {
        long budget = limits.maxPixels() * RASTER_BYTES_PER_LIMIT_PIXEL;
        if (rasterBytes > budget) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "Decoding the image needs %d MB; the limit is %d MB.", rasterBytes >> 20, budget >> 20));
        }
    }

    private static boolean startsWith(byte[] b, int at, int len, String prefix) {
        if (len < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[at + i] != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean type(byte[] b, int at, String t) {
        return startsWith(b, at, b.length - at, t);
    }

    static int be32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static int le24(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16;
    }

    private static int le16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }
}
