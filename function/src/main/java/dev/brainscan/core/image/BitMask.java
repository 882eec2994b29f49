package dev.brainscan.core.image;

import java.util.Arrays;

/**
 * A binary image, 64 pixels per word (bit x%64 of word x/64 of a row is pixel x; the bits
 * past the width are always 0). Thresholding packs it in one pass; morphology, counts and
 * connected components then work a word at a time, so the crop and the frame finder touch
 * the image's bytes once instead of once per step.
 */
final class BitMask {
    final int w;
    final int h;
    final int words;
    final long[] bits;

    BitMask(int w, int h) {
        this.w = w;
        this.h = h;
        this.words = (w + 63) >>> 6;
        this.bits = new long[words * h];
    }

    /** The mask of a 0/1 byte image (nonzero: set). */
    static BitMask of(byte[] mask, int w, int h) {
        BitMask m = new BitMask(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x] != 0) {
                    m.bits[y * m.words + (x >>> 6)] |= 1L << x;
                }
            }
        }
        return m;
    }

    /** THRESH_BINARY: set where the pixel is above the threshold (the histogram the pass counts is dropped). */
    static BitMask above(byte[] pixels, int w, int h, int threshold) {
        return above(pixels, w, h, threshold, new int[256]);
    }

    /** {@link #above(byte[], int, int, int)}, counting every pixel's level into {@code histogram} (added to). */
    static BitMask above(byte[] pixels, int w, int h, int threshold, int[] histogram) {
        return pack(pixels, w, h, threshold, 1, histogram);
    }

    /**
     * Set where the pixel is at most the threshold, and, from the same pass, every pixel's
     * level counted into {@code histogram} (256 counts, added to).
     */
    static BitMask atMost(byte[] pixels, int w, int h, int threshold, int[] histogram) {
        return pack(pixels, w, h, threshold, 0, histogram);
    }

    /** At most the threshold ({@code flip} 0) or above it (1), with the histogram. */
    private static BitMask pack(byte[] pixels, int w, int h, int threshold, int flip, int[] histogram) {
        BitMask mask = new BitMask(w, h);
        // two interleaved counts: runs of one level (a scan's black background) would otherwise
        // make every increment wait for the previous one to the same slot
        int[] odd = new int[256];
        for (int y = 0; y < h; y++) {
            mask.packRow(pixels, y * w, y, threshold, flip, histogram, odd);
        }
        for (int v = 0; v < 256; v++) {
            histogram[v] += odd[v];
        }
        return mask;
    }

    /**
     * Row {@code y} of the mask from {@code w} pixels of {@code pixels} at {@code base}: set where
     * at most the threshold ({@code flip} 0) or above it (1); each pixel's level counted into
     * {@code even} or {@code odd} (by the parity of its column; the caller adds the two).
     */
    void packRow(byte[] pixels, int base, int y, int threshold, int flip, int[] even, int[] odd) {
        int rowWord = y * words;
        for (int x0 = 0; x0 < w; x0 += 64) {
            int end = Math.min(w, x0 + 64);
            long word = 0;
            int x = x0;
            for (; x + 1 < end; x += 2) {
                int v0 = pixels[base + x] & 0xff;
                int v1 = pixels[base + x + 1] & 0xff;
                even[v0]++;
                odd[v1]++;
                word |= (long) (((v0 - threshold - 1) >>> 31) ^ flip) << (x - x0) // 1 when at most, unflipped
                        | (long) (((v1 - threshold - 1) >>> 31) ^ flip) << (x + 1 - x0);
            }
            if (x < end) {
                int v = pixels[base + x] & 0xff;
                even[v]++;
                word |= (long) (((v - threshold - 1) >>> 31) ^ flip) << (x - x0);
            }
            bits[rowWord + (x0 >>> 6)] = word;
        }
    }

    /**
     * Row {@code y} of the mask as {@link #packRow}, but instead of a histogram the number of
     * the row's pixels below {@code level} (0 to 256), returned: all a percentile test needs.
     */
    int packRowBelow(byte[] pixels, int base, int y, int threshold, int flip, int level) {
        int rowWord = y * words;
        int below = 0;
        for (int x0 = 0; x0 < w; x0 += 64) {
            int end = Math.min(w, x0 + 64);
            long word = 0;
            for (int x = x0; x < end; x++) {
                int v = pixels[base + x] & 0xff;
                below += (v - level) >>> 31; // 1 when v < level
                word |= (long) (((v - threshold - 1) >>> 31) ^ flip) << (x - x0); // 1 when at most, unflipped
            }
            bits[rowWord + (x0 >>> 6)] = word;
        }
        return below;
    }

    /** The complement (within the width). */
    BitMask not() {
        BitMask out = new BitMask(w, h);
        long pad = padMask();
        for (int y = 0; y < h; y++) {
            int row = y * words;
            for (int j = 0; j < words; j++) {
                out.bits[row + j] = ~bits[row + j];
            }
            out.bits[row + words - 1] &= pad;
        }
        return out;
    }

    /** The valid bits of a row's last word. */
    private long padMask() {
        return (w & 63) == 0 ? -1L : (1L << (w & 63)) - 1;
    }

    boolean get(int x, int y) {
        return x >= 0 && y >= 0 && x < w && y < h && (bits[y * words + (x >>> 6)] >>> x & 1L) != 0;
    }

    /** Set pixels in the whole mask. */
    long count() {
        long n = 0;
        for (long v : bits) {
            n += Long.bitCount(v);
        }
        return n;
    }

    /** Set pixels in the rectangle x..x+bw-1, y..y+bh-1 (inside the mask). */
    long count(int x, int y, int bw, int bh) {
        long n = 0;
        for (int yy = y; yy < y + bh; yy++) {
            n += rowCount(yy, x, bw);
        }
        return n;
    }

    /** Set pixels of row y in x..x+n-1 (inside the mask; 0 when n <= 0). */
    long rowCount(int y, int x, int n) {
        if (n <= 0) {
            return 0;
        }
        int row = y * words;
        int end = x + n; // exclusive
        int first = x >>> 6;
        int last = (end - 1) >>> 6;
        long lowMask = -1L << x; // bits at and above x within the first word
        long highMask = -1L >>> (63 - ((end - 1) & 63)); // bits at and below end - 1 within the last word
        if (first == last) {
            return Long.bitCount(bits[row + first] & lowMask & highMask);
        }
        long c = Long.bitCount(bits[row + first] & lowMask) + Long.bitCount(bits[row + last] & highMask);
        for (int j = first + 1; j < last; j++) {
            c += Long.bitCount(bits[row + j]);
        }
        return c;
    }

    /** Set pixels of column x in y..y+n-1 (inside the mask; 0 when n <= 0). */
    long columnCount(int x, int y, int n) {
        long c = 0;
        int j = x >>> 6;
        for (int yy = y; yy < y + n; yy++) {
            c += bits[yy * words + j] >>> x & 1L;
        }
        return c;
    }

    /**
     * Erosion (min) or dilation (max) with a square of side 2r+1, separably. Outside the
     * image counts as foreground for erosion and background for dilation (OpenCV's default
     * border value), so a border pixel never erodes for lack of neighbours.
     */
    BitMask morph(int r, boolean erode) {
        if (r == 0) {
            return this;
        }
        long fill = erode ? -1L : 0L;
        long[] row = new long[words];
        BitMask across = new BitMask(w, h);
        long padMask = padMask();
        for (int y = 0; y < h; y++) {
            System.arraycopy(bits, y * words, row, 0, words);
            row[words - 1] = (row[words - 1] & padMask) | (fill & ~padMask); // padding acts as outside
            for (int j = 0; j < words; j++) {
                long v = row[j];
                for (int k = 1; k <= r; k++) {
                    long fromLeft = (row[j] << k) | ((j > 0 ? row[j - 1] : fill) >>> (64 - k));
                    long fromRight = (row[j] >>> k) | ((j < words - 1 ? row[j + 1] : fill) << (64 - k));
                    v = erode ? v & fromLeft & fromRight : v | fromLeft | fromRight;
                }
                across.bits[y * words + j] = v;
            }
        }
        BitMask out = new BitMask(w, h);
        for (int y = 0; y < h; y++) {
            int lo = Math.max(0, y - r);
            int hi = Math.min(h - 1, y + r);
            for (int j = 0; j < words; j++) {
                long v = across.bits[lo * words + j];
                for (int yy = lo + 1; yy <= hi; yy++) {
                    v = erode ? v & across.bits[yy * words + j] : v | across.bits[yy * words + j];
                }
                out.bits[y * words + j] = v;
            }
            out.bits[y * words + words - 1] &= padMask;
        }
        return out;
    }

    /**
     * The connected components of the set pixels (4- or 8-connected), labelled by runs: each
     * row's runs are found a word at a time and joined (union-find, the lower run index the
     * root, so a root is its component's first run in raster order) to the runs of the row
     * above that touch them.
     */
    Components components(boolean eightConnected) {
        int reach = eightConnected ? 1 : 0; // how far past its ends a run touches the row above
        Runs runs = new Runs(Math.max(64, 2 * h));
        int previousFirst = 0;
        for (int y = 0; y < h; y++) {
            int rowFirst = runs.count;
            int rowWord = y * words;
            int runStart = -1; // a run continuing from the previous word
            for (int j = 0; j < words; j++) {
                long v = bits[rowWord + j];
                int base = j << 6;
                if (runStart >= 0) {
                    if (v == -1L) {
                        continue;
                    }
                    int end = Long.numberOfTrailingZeros(~v);
                    runs.add(y, runStart, base + end - 1);
                    runStart = -1;
                    v &= -1L << end;
                }
                while (v != 0) {
                    int s = Long.numberOfTrailingZeros(v);
                    long zerosAbove = ~v & (-1L << s);
                    if (zerosAbove == 0) {
                        runStart = base + s; // runs into the next word
                        break;
                    }
                    int e = Long.numberOfTrailingZeros(zerosAbove);
                    runs.add(y, base + s, base + e - 1);
                    v &= -1L << e;
                }
            }
            if (runStart >= 0) {
                runs.add(y, runStart, w - 1);
            }
            // join each run of this row to the runs of the row above it touches
            int above = previousFirst;
            for (int r = rowFirst; r < runs.count; r++) {
                int start = runs.start[r] - reach;
                int end = runs.end[r] + reach;
                while (above < rowFirst && runs.end[above] < start) {
                    above++;
                }
                for (int a = above; a < rowFirst && runs.start[a] <= end; a++) {
                    runs.union(a, r);
                }
            }
            previousFirst = rowFirst;
        }
        return runs.components();
    }

    /**
     * Connected components, roots in raster order of their first pixel: for each, its first
     * pixel ({@code firstX}, {@code minY}), bounding box (inclusive) and pixel count.
     */
    record Components(int count, int[] firstX, int[] minY, int[] minX, int[] maxX, int[] maxY, long[] area) {
    }

    /** The runs of set pixels, in raster order, with their union-find parents. */
    private static final class Runs {
        int count;
        int[] y;
        int[] start;
        int[] end;
        int[] parent;

        Runs(int capacity) {
            y = new int[capacity];
            start = new int[capacity];
            end = new int[capacity];
            parent = new int[capacity];
        }

        void add(int row, int x0, int x1) {
            if (count == y.length) {
                int n = 2 * count;
                y = Arrays.copyOf(y, n);
                start = Arrays.copyOf(start, n);
                end = Arrays.copyOf(end, n);
                parent = Arrays.copyOf(parent, n);
            }
            y[count] = row;
            start[count] = x0;
            end[count] = x1;
            parent[count] = count;
            count++;
        }

        int root(int i) {
            int r = i;
            while (parent[r] != r) {
                r = parent[r];
            }
            while (parent[i] != r) { // path compression
                int next = parent[i];
                parent[i] = r;
                i = next;
            }
            return r;
        }

        void union(int a, int b) {
            int ra = root(a);
            int rb = root(b);
            if (ra < rb) {
                parent[rb] = ra;
            } else if (rb < ra) {
                parent[ra] = rb;
            }
        }

        Components components() {
            long[] runArea = new long[count];
            int[] runMinX = new int[count];
            int[] runMaxX = new int[count];
            int[] runMaxY = new int[count];
            int roots = 0;
            for (int i = 0; i < count; i++) {
                int r = root(i);
                if (r == i) {
                    runMinX[r] = start[i];
                    runMaxX[r] = end[i];
                    runMaxY[r] = y[i];
                    roots++;
                } else {
                    runMinX[r] = Math.min(runMinX[r], start[i]);
                    runMaxX[r] = Math.max(runMaxX[r], end[i]);
                    runMaxY[r] = Math.max(runMaxY[r], y[i]);
                }
                runArea[r] += end[i] - start[i] + 1;
            }
            int[] firstX = new int[roots];
            int[] minY = new int[roots];
            int[] minX = new int[roots];
            int[] maxX = new int[roots];
            int[] maxY = new int[roots];
            long[] area = new long[roots];
            int k = 0;
            for (int r = 0; r < count; r++) {
                if (parent[r] == r) {
                    firstX[k] = start[r];
                    minY[k] = y[r];
                    minX[k] = runMinX[r];
                    maxX[k] = runMaxX[r];
                    maxY[k] = runMaxY[r];
                    area[k] = runArea[r];
                    k++;
                }
            }
            return new Components(roots, firstX, minY, minX, maxX, maxY, area);
        }
    }
}
