package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.util.Arrays;
import java.util.Locale;

/**
 * A JPEG-LS decoder (ITU-T T.87 | ISO/IEC 14495-1, LOCO-I) for monochrome and colour frames
 * (colour: one scan per component, or line-interleaved as dcmcjpls writes RGB), lossless
 * and near-lossless (transfer syntaxes 1.2.840.10008.1.2.4.80 and .81), 2 to 16 bits per sample:
 * regular mode (context modelling, Golomb codes with the length limit), run mode with run
 * interruption samples, and the preset parameters of an LSE marker (MAXVAL, T1-T3, RESET).
 * No Java decoder is on Maven Central (CharLS is C, pixelmed is not published there).
 *
 * <p>Hostile input: the frame header's size is compared with the DICOM header's rows and
 * columns before any sample is decoded; every marker segment's length is checked against the
 * data; each sample reads at most LIMIT + qbpp bits, and the entropy-coded data may not be
 * overrun by more than {@link #MAX_PAD_BITS} bits, so the work is bounded by the pixel count
 * and the input length. Refused as {@code UNSUPPORTED_FORMAT}: sample interleaving (ILV 2),
 * mapping tables, restart intervals, a point transform; anything malformed is {@code CORRUPT_IMAGE}.
 */
final class JpegLs {
    /** How far past the end of the entropy-coded data a scan may read (padding) before it is a truncated stream. */
    static final int MAX_PAD_BITS = 64;

    private static final int[] J = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9,
        10, 11, 12, 13, 14, 15};
    private static final int CONTEXTS = 365;

    private final byte[] b;
    private final int width;
    private final int height;
    private int maxval;
    private int near;
    private int t1;
    private int t2;
    private int t3;
    private int reset;
    private int range;
    private int qbpp;
    private int limit;
    private final int[] a = new int[CONTEXTS + 2];
    private final int[] bias = new int[CONTEXTS];
    private final int[] c = new int[CONTEXTS];
    private final int[] n = new int[CONTEXTS + 2];
    private final int[] nn = new int[2];
    private int runIndex;
    // bit reader: cache holds `bits` valid bits, most significant first
    private int pos;
    private int end;
    private long cache;
    private int bits;
    private int padBits;
    private boolean afterFf;

    /** Thrown inside the scan for a malformed stream; becomes the input's CORRUPT_IMAGE. */
    private static final class Corrupt extends RuntimeException {
        Corrupt(String message) {
            super(message, null, false, false);
        }
    }

    private boolean sampleInterleaved;
    private final int components;
    private int[] out;
    private int scans;

    private JpegLs(byte[] b, int width, int height, int components) {
        this.b = b;
        this.width = width;
        this.height = height;
        this.components = components;
    }

    /** Decodes a one-component frame of {@code columns} x {@code rows} into its samples, row by row. */
    static int[] decode(byte[] data, int columns, int rows) throws ScanException {
        return decode(data, columns, rows, 1);
    }

    /**
     * Decodes a frame of {@code components} (1, or 3 for colour) into its samples, row by row,
     * components interleaved (r, g, b, r, ...).
     */
    static int[] decode(byte[] data, int columns, int rows, int components) throws ScanException {
        try {
            return new JpegLs(data, columns, rows, components).run();
        } catch (Corrupt e) {
            throw corrupt(e.getMessage());
        }
    }

    private int[] run() throws ScanException {
        if (b.length < 4 || u16(0) != 0xFFD8) {
            throw corrupt("does not start with a JPEG start-of-image marker");
        }
        int p = 2;
        int precision = -1;
        int lseMaxval = 0;
        int lseT1 = 0;
        int lseT2 = 0;
        int lseT3 = 0;
        int lseReset = 0;
        while (true) {
            while (p < b.length && (b[p] & 0xff) != 0xFF) {
                p++; // tolerate stray bytes between segments, as decoders do
            }
            while (p + 1 < b.length && (b[p + 1] & 0xff) == 0xFF) {
                p++; // fill bytes
            }
            if (p + 4 > b.length) {
                throw corrupt("ends before its scan");
            }
            int marker = b[p + 1] & 0xff;
            int length = u16(p + 2);
            int body = p + 4;
            if (length < 2 || p + 2 + length > b.length) {
                throw corrupt("has a marker segment longer than the data");
            }
            switch (marker) {
                case 0xF7 -> { // SOF55: JPEG-LS frame header
                    if (length < 11) {
                        throw corrupt("has a short frame header");
                    }
                    precision = b[body] & 0xff;
                    int y = u16(body + 1);
                    int x = u16(body + 3);
                    int components = b[body + 5] & 0xff;
                    if (x != width || y != height) {
                        throw new ScanException(ErrorCode.CORRUPT_IMAGE, String.format(Locale.ROOT,
                                "The DICOM JPEG-LS frame is %dx%d; the header describes %dx%d.", x, y, width, height));
                    }
                    if (components != this.components || length < 8 + 3 * components) {
                        throw new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM JPEG-LS frame has "
                                + components + " components; the header describes " + this.components + ".");
                    }
                    if (precision < 2 || precision > 16) {
                        throw corrupt("has a sample precision of " + precision + " bits");
                    }
                    for (int c = 0; c < components; c++) {
                        if ((b[body + 7 + 3 * c] & 0xff) != 0x11) {
                            throw corrupt("is subsampled");
                        }
                    }
                    out = new int[width * height * components];
                }
                case 0xF8 -> { // LSE: preset parameters
                    int id = b[body] & 0xff;
                    if (id != 1) {
                        throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                                "The DICOM JPEG-LS frame uses mapping tables or extended dimensions, which brainscan "
                                        + "does not read.");
                    }
                    if (length < 13) {
                        throw corrupt("has a short preset parameter segment");
                    }
                    lseMaxval = u16(body + 1);
                    lseT1 = u16(body + 3);
                    lseT2 = u16(body + 5);
                    lseT3 = u16(body + 7);
                    lseReset = u16(body + 9);
                }
                case 0xDD -> { // DRI
                    if (length >= 4 && u16(body) != 0) {
                        throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                                "The DICOM JPEG-LS frame uses restart intervals, which brainscan does not read.");
                    }
                }
                case 0xDA -> { // SOS
                    if (precision < 0) {
                        throw corrupt("has a scan before its frame header");
                    }
                    int ns = b[body] & 0xff;
                    if (ns < 1 || length < 6 + 2 * ns || scans + ns > components) {
                        throw corrupt("has a scan of " + ns + " components");
                    }
                    for (int c = 0; c < ns; c++) {
                        if ((b[body + 2 + 2 * c] & 0xff) != 0) {
                            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                                    "The DICOM JPEG-LS frame uses a mapping table, which brainscan does not read.");
                        }
                    }
                    int q = body + 1 + 2 * ns;
                    near = b[q] & 0xff;
                    int ilv = b[q + 1] & 0xff;
                    if ((b[q + 2] & 0x0f) != 0) {
                        throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                                "The DICOM JPEG-LS frame uses a point transform, which brainscan does not read.");
                    }
                    if (ns > 1 && ilv != 1 && ilv != 2) {
                        throw corrupt("has an invalid interleave mode");
                    }
                    sampleInterleaved = ns > 1 && ilv == 2;
                    parameters(precision, lseMaxval, lseT1, lseT2, lseT3, lseReset);
                    pos = p + 2 + length;
                    end = b.length;
                    cache = 0;
                    bits = 0;
                    padBits = 0;
                    afterFf = false;
                    scan(scans, ns);
                    scans += ns;
                    if (scans == components) {
                        return out;
                    }
                    // ILV 0: the next component's scan follows the marker that ends this one.
                    p = Math.min(pos, end);
                    while (p + 1 < b.length && !((b[p] & 0xff) == 0xFF && (b[p + 1] & 0xff) >= 0x80)) {
                        p++;
                    }
                    continue;
                }
                case 0xD9 -> throw corrupt("ends before its scan");
                default -> {
                    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                        throw corrupt("is not JPEG-LS coded");
                    }
                    // APPn, COM and other segments: skipped
                }
            }
            p += 2 + length;
        }
    }

    /** MAXVAL, NEAR, the thresholds and derived constants (T.87 A.2.1 and C.2.4.1.1). */
    private void parameters(int precision, int lseMaxval, int lseT1, int lseT2, int lseT3, int lseReset) {
        maxval = lseMaxval != 0 ? lseMaxval : (1 << precision) - 1;
        if (maxval < 1 || near > Math.min(255, maxval / 2)) {
            throw new Corrupt("has invalid coding parameters");
        }
        int factor;
        int d1;
        int d2;
        int d3;
        if (maxval >= 128) {
            factor = (Math.min(maxval, 4095) + 128) / 256;
            d1 = clampThreshold(factor * (3 - 2) + 2 + 3 * near, near + 1);
            d2 = clampThreshold(factor * (7 - 3) + 3 + 5 * near, d1);
            d3 = clampThreshold(factor * (21 - 4) + 4 + 7 * near, d2);
        } else {
            factor = 256 / (maxval + 1);
            d1 = clampThreshold(Math.max(2, 3 / factor + 3 * near), near + 1);
            d2 = clampThreshold(Math.max(3, 7 / factor + 5 * near), d1);
            d3 = clampThreshold(Math.max(4, 21 / factor + 7 * near), d2);
        }
        t1 = lseT1 != 0 ? lseT1 : d1;
        t2 = lseT2 != 0 ? lseT2 : d2;
        t3 = lseT3 != 0 ? lseT3 : d3;
        reset = lseReset != 0 ? lseReset : 64;
        if (t1 < near + 1 || t2 < t1 || t3 < t2 || t3 > maxval || reset < 3 || reset > Math.max(255, maxval)) {
            throw new Corrupt("has invalid coding parameters");
        }
        range = (maxval + 2 * near) / (2 * near + 1) + 1;
        qbpp = ceilLog2(range);
        int bpp = Math.max(2, ceilLog2(maxval + 1));
        limit = 2 * (bpp + Math.max(8, bpp));
        int a0 = Math.max(2, (range + 32) / 64);
        Arrays.fill(a, a0);
        Arrays.fill(n, 1);
        Arrays.fill(bias, 0);
        Arrays.fill(c, 0);
        Arrays.fill(nn, 0);
        runIndex = 0;
    }

    private int clampThreshold(int i, int j) {
        return i > maxval || i < j ? j : i;
    }

    private static int ceilLog2(int v) {
        int k = 0;
        while ((1L << k) < v) {
            k++;
        }
        return k;
    }

    /**
     * One scan (T.87 A.2 to A.7) of {@code ns} components starting at component {@code first}:
     * line by line, and with several components, line-interleaved (ILV 1: each line of each
     * component in turn, the contexts shared, a run index per component).
     */
    private void scan(int first, int ns) {
        int w = width;
        int[][] prev = new int[ns][w + 2]; // sample x at index x + 1; index 0 is Rc's / Ra's edge, w + 1 is Rd's
        int[][] cur = new int[ns][w + 2];
        int[] runIndexes = new int[ns];
        for (int y = 0; y < height; y++) {
            if (sampleInterleaved) {
                samples(prev, cur);
                for (int k = 0; k < ns; k++) {
                    emitLine(out, cur, prev, k, y * w * components + first + k, w, components);
                }
                continue;
            }
            for (int k = 0; k < ns; k++) {
                runIndex = runIndexes[k];
                line(prev[k], cur[k]);
                runIndexes[k] = runIndex;
                emitLine(out, cur, prev, k, y * w * components + first + k, w, components);
            }
        }
    }

    /**
     * Writes component {@code k}'s decoded line (its samples start at index 1, after the edge
     * sample) to {@code out} from {@code at}, every {@code components}th sample, and makes it the
     * previous line of the next row.
     */
    private static void emitLine(int[] out, int[][] cur, int[][] prev, int k, int at, int w, int components) {
        int[] line = cur[k];
        for (int x = 0; x < w; x++, at += components) {
            out[at] = line[x + 1];
        }
        cur[k] = prev[k];
        prev[k] = line;
    }

    /**
     * One line of a sample-interleaved scan (ILV 2), as CharLS (inside GDCM and dcmtk) codes it:
     * each pixel's components in turn with shared contexts; run mode when every component's
     * gradients are flat, the run interruption coded per component from Rb in context 0.
     */
    private void samples(int[][] prev, int[][] cur) {
        int w = width;
        int ns = prev.length;
        int[] qs = new int[ns];
        for (int k = 0; k < ns; k++) {
            prev[k][w + 1] = prev[k][w];
            cur[k][0] = prev[k][1];
        }
        int x = 0;
        while (x < w) {
            boolean flat = true;
            for (int k = 0; k < ns; k++) {
                int[] p = prev[k];
                qs[k] = (quantize(p[x + 2] - p[x + 1]) * 9 + quantize(p[x + 1] - p[x])) * 9 + quantize(p[x] - cur[k][x]);
                flat &= qs[k] == 0;
            }
            if (!flat) {
                for (int k = 0; k < ns; k++) {
                    cur[k][x + 1] = regular(qs[k], cur[k][x], prev[k][x + 1], prev[k][x]);
                }
                x++;
                continue;
            }
            int remaining = w - x;
            int count = runLength(remaining);
            for (int k = 0; k < ns; k++) {
                Arrays.fill(cur[k], x + 1, x + 1 + count, cur[k][x]);
            }
            if (count == remaining) {
                x += count;
                continue;
            }
            int at = x + count;
            int[] errors = new int[ns];
            for (int k = 0; k < ns; k++) {
                errors[k] = interruptionError(0);
            }
            for (int k = 0; k < ns; k++) {
                int ra = cur[k][x];
                int rb = prev[k][at + 1];
                cur[k][at + 1] = reconstruct(rb, rb - ra >= 0 ? errors[k] : -errors[k]);
            }
            if (runIndex > 0) {
                runIndex--;
            }
            x = at + 1;
        }
    }

    private void line(int[] prev, int[] cur) {
        int w = width;
        prev[w + 1] = prev[w];
        cur[0] = prev[1];
        int x = 0;
        while (x < w) {
            int ra = cur[x];
            int rb = prev[x + 1];
            int rc = prev[x];
            int rd = prev[x + 2];
            int qs = (quantize(rd - rb) * 9 + quantize(rb - rc)) * 9 + quantize(rc - ra);
            if (qs == 0) {
                x += runMode(cur, prev, x);
            } else {
                cur[x + 1] = regular(qs, ra, rb, rc);
                x++;
            }
        }
    }

    private int quantize(int d) {
        if (d <= -t3) {
            return -4;
        }
        if (d <= -t2) {
            return -3;
        }
        if (d <= -t1) {
            return -2;
        }
        if (d < -near) {
            return -1;
        }
        if (d <= near) {
            return 0;
        }
        if (d < t1) {
            return 1;
        }
        if (d < t2) {
            return 2;
        }
        if (d < t3) {
            return 3;
        }
        return 4;
    }

    private int regular(int qs, int ra, int rb, int rc) {
        int sign = qs < 0 ? -1 : 1;
        int q = qs * sign;
        int px;
        if (rc >= Math.max(ra, rb)) {
            px = Math.min(ra, rb);
        } else if (rc <= Math.min(ra, rb)) {
            px = Math.max(ra, rb);
        } else {
            px = ra + rb - rc;
        }
        px = clamp(px + sign * c[q]);
        int k = golomb(n[q], a[q]);
        int m = decodeValue(k, limit);
        int err = (m & 1) != 0 ? -((m + 1) >>> 1) : m >>> 1;
        if (k == 0 && near == 0 && 2 * bias[q] + n[q] - 1 < 0) {
            err = ~err;
        }
        // context update (A.6)
        a[q] += Math.abs(err);
        bias[q] += err * (2 * near + 1);
        if (n[q] == reset) {
            a[q] >>= 1;
            bias[q] >>= 1;
            n[q] >>= 1;
        }
        n[q]++;
        if (bias[q] + n[q] <= 0) {
            bias[q] += n[q];
            if (bias[q] <= -n[q]) {
                bias[q] = -n[q] + 1;
            }
            if (c[q] > -128) {
                c[q]--;
            }
        } else if (bias[q] > 0) {
            bias[q] -= n[q];
            if (bias[q] > 0) {
                bias[q] = 0;
            }
            if (c[q] < 127) {
                c[q]++;
            }
        }
        return reconstruct(px, sign * err);
    }

    /** Run mode from sample x (A.7): the run's length, then (unless the line ended) the interruption sample. */
    private int runMode(int[] cur, int[] prev, int x) {
        int runValue = cur[x];
        int remaining = width - x;
        int count = runLength(remaining);
        Arrays.fill(cur, x + 1, x + 1 + count, runValue);
        if (count == remaining) {
            return count;
        }
        int at = x + count;
        cur[at + 1] = interruption(runValue, prev[at + 1]);
        if (runIndex > 0) {
            runIndex--;
        }
        return count + 1;
    }

    /** A run's length (A.7.1): segments of 2^J[RUNindex] while the bits say 1, then the remainder's J bits. */
    private int runLength(int remaining) {
        int count = 0;
        while (readBit() == 1) {
            int segment = 1 << J[runIndex];
            int filled = Math.min(segment, remaining - count);
            count += filled;
            if (filled == segment && runIndex < 31) {
                runIndex++;
            }
            if (count == remaining) {
                break;
            }
        }
        if (count != remaining && J[runIndex] > 0) {
            count += readBits(J[runIndex]);
        }
        if (count > remaining) {
            throw new Corrupt("has a run past the end of a line");
        }
        return count;
    }

    /** The sample that ends a run (A.7.2). */
    private int interruption(int ra, int rb) {
        int type = Math.abs(ra - rb) <= near ? 1 : 0;
        int err = interruptionError(type);
        return type == 1 ? reconstruct(ra, err) : reconstruct(rb, rb - ra >= 0 ? err : -err);
    }

    /** The error of a run interruption sample in context {@code type} (A.7.2.2), the context updated. */
    private int interruptionError(int type) {
        int q = CONTEXTS + type;
        int temp = a[q] + (n[q] >> 1) * type;
        int k = golomb(n[q], temp);
        int em = decodeValue(k, limit - J[runIndex] - 1);
        int t = em + type;
        boolean map = (t & 1) != 0;
        int abs = (t + (map ? 1 : 0)) >>> 1;
        int err = ((k != 0 || 2 * nn[type] >= n[q]) == map) ? -abs : abs;
        if (err < 0) {
            nn[type]++;
        }
        a[q] += (em + 1 - type) >> 1;
        if (n[q] == reset) {
            a[q] >>= 1;
            n[q] >>= 1;
            nn[type] >>= 1;
        }
        n[q]++;
        return err;
    }

    private int reconstruct(int px, int err) {
        int v = px + err * (2 * near + 1);
        if (v < -near) {
            v += range * (2 * near + 1);
        } else if (v > maxval + near) {
            v -= range * (2 * near + 1);
        }
        return clamp(v);
    }

    private int clamp(int v) {
        return v < 0 ? 0 : v > maxval ? maxval : v;
    }

    private static int golomb(int count, int accumulated) {
        int k = 0;
        while (((long) count << k) < accumulated) {
            k++;
        }
        if (k > 24) {
            throw new Corrupt("has a damaged context");
        }
        return k;
    }

    /** A limited-length Golomb code (A.5.3): unary high bits, then k low bits or the escape's qbpp bits. */
    private int decodeValue(int k, int lim) {
        int escape = lim - qbpp - 1;
        int high = 0;
        while (readBit() == 0) {
            if (++high > escape) {
                throw new Corrupt("has an over-long code");
            }
        }
        if (high == escape) {
            return readBits(qbpp) + 1;
        }
        return k == 0 ? high : (high << k) | readBits(k);
    }

    private int readBit() {
        if (bits == 0) {
            fill();
        }
        int bit = (int) (cache >>> 63);
        cache <<= 1;
        bits--;
        return bit;
    }

    private int readBits(int count) {
        if (count == 0) {
            return 0;
        }
        if (bits < count) {
            fill();
        }
        int v = (int) (cache >>> (64 - count));
        cache <<= count;
        bits -= count;
        return v;
    }

    /**
     * Tops the cache up. After an 0xFF byte the next byte carries 7 bits (its high bit is the
     * stuffed 0); an 0xFF followed by a byte with the high bit set is a marker: the data ends.
     * Past the end, zero bits, at most {@link #MAX_PAD_BITS} of them.
     */
    private void fill() {
        while (bits <= 56) {
            if (pos < end) {
                int v = b[pos] & 0xff;
                if (afterFf) {
                    if (v >= 0x80) {
                        end = pos;
                        continue;
                    }
                    cache |= (long) v << (57 - bits);
                    bits += 7;
                    afterFf = false;
                } else {
                    cache |= (long) v << (56 - bits);
                    bits += 8;
                    afterFf = v == 0xFF;
                }
                pos++;
            } else {
                if (padBits > MAX_PAD_BITS) {
                    throw new Corrupt("is truncated");
                }
                padBits += 8;
                bits += 8;
            }
        }
    }

    private int u16(int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static ScanException corrupt(String what) {
        return new ScanException(ErrorCode.CORRUPT_IMAGE, "The DICOM JPEG-LS frame " + what + ".");
    }
}
