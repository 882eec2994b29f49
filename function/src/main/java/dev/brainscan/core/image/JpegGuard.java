package dev.brainscan.core.image;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JPEG guard: walks the markers, refuses frames and layouts that are not validated, bounds
 * the scans and markers, and passes on only the segments the pixels need.
 */
final class JpegGuard implements ContainerGuard {
    /** Largest embedded ICC profile that is passed on (sRGB is 3 KB; CMYK press profiles ~0.5-1 MB). */
    static final int MAX_ICC_BYTES = 256 * 1024;
    /** Most scans a JPEG may have (libjpeg's progressive scripts use 6-10; mozjpeg's up to ~20). */
    static final int MAX_SCANS = 64;
    /**
     * Most markers (segments and standalone markers outside the entropy-coded data) a JPEG may
     * have: a progressive file at {@link #MAX_SCANS} scans with a table segment before each
     * has a few hundred; 45,000 one-table DHT segments (1 MB) exhausted a 512 MB heap.
     */
    static final int MAX_MARKERS = 1024;

    /**
     * Walks the JPEG markers: only Huffman-coded baseline, extended, progressive and lossless
     * frames (SOF0-SOF3), one frame, at most {@link #MAX_SCANS} scans, and a scan count
     * times pixel count within budget; keeps JFIF, one small EXIF, a valid ICC profile within
     * the cap and Adobe's colour-transform segment, and drops every other APPn and comment.
     */
    @Override
    public Checked check(byte[] b, Limits limits) throws ScanException {
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
                throw ContainerGuard.corrupt("jpeg", "a marker is missing");
            }
            if (++markers > MAX_MARKERS) {
                throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                        "The JPEG has more than %d markers; at most %d are read.", MAX_MARKERS,
                        MAX_MARKERS));
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
                throw ContainerGuard.corrupt("jpeg", "a marker is out of place");
            }
            if (pos + 2 > b.length) {
                throw ContainerGuard.corrupt("jpeg", "it ends inside a segment header");
            }
            int len = Bytes.be16(b, pos);
            if (len < 2 || pos + len > b.length) {
                throw ContainerGuard.corrupt("jpeg", "a segment is longer than the file");
            }
            int dataAt = pos + 2;
            int dataLen = len - 2;
            int segEnd = pos + len;
            switch (marker) {
                case 0xC0, 0xC1, 0xC2, 0xC3 -> {
                    if (width >= 0) {
                        throw ContainerGuard.corrupt("jpeg", "it has more than one frame header");
                    }
                    if (dataLen < 6) {
                        throw ContainerGuard.corrupt("jpeg", "the frame header is short");
                    }
                    height = Bytes.be16(b, dataAt + 1);
                    width = Bytes.be16(b, dataAt + 3);
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
                case 0xC8 -> throw ContainerGuard.corrupt("jpeg", "it uses a reserved marker");
                case 0xE0 -> {
                    if (Bytes.startsWith(b, dataAt, dataLen, "JFIF\0")) {
                        kept.add(new int[] {start, segEnd - start});
                    }
                }
                case 0xE1 -> {
                    if (!exifKept && dataLen <= MAX_EXIF_BYTES && Bytes.startsWith(b, dataAt, dataLen, "Exif\0")) {
                        exifKept = true;
                        kept.add(new int[] {start, segEnd - start});
                    }
                }
                case 0xE2 -> {
                    if (Bytes.startsWith(b, dataAt, dataLen, "ICC_PROFILE\0")) {
                        icc.add(new int[] {start, segEnd - start});
                        if (iccSlot < 0) {
                            iccSlot = kept.size();
                            kept.add(new int[] {-1, 0});
                        }
                    }
                }
                case 0xEE -> {
                    if (Bytes.startsWith(b, dataAt, dataLen, "Adobe")) {
                        kept.add(new int[] {start, segEnd - start});
                    }
                }
                case 0xDA -> {
                    if (width < 0) {
                        throw ContainerGuard.corrupt("jpeg", "a scan comes before the frame header");
                    }
                    scans++;
                    if (scans > MAX_SCANS) {
                        throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                                "The JPEG has more than %d scans; at most %d are decoded.", MAX_SCANS,
                                MAX_SCANS));
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
            throw ContainerGuard.corrupt("jpeg", "it has no frame header");
        }
        if (scans == 0) {
            throw ContainerGuard.corrupt("jpeg", "it has no image data");
        }
        long pixels = (long) Math.max(width, 1) * Math.max(height, 1);
        if (height > 0 && entropyBytes < minimumJpegData(frameMarker, width, height, components)) {
            // a lossless 6320x6320 header with no scan data decoded to a 40 MP grey image
            throw ContainerGuard.corrupt("jpeg", "its header promises more pixels than its data can hold");
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
        long declared = Bytes.be32(b, first) & 0xffffffffL;
        return declared == total;
    }
}
