package dev.brainscan.core.image;

import java.util.Locale;

/**
 * Whether the crop the model would read is a regular pattern rather than anatomy: rings,
 * spirals, fingerprints, gratings, checkerboards, textures in an oval. Brain tissue is
 * irregular at every scale: its power spectrum falls off smoothly with frequency, without a
 * ring or a spike, and its local orientation changes from place to place. A drawn pattern
 * puts its power into one band of frequencies (a ring of the spectrum) or a few points, and
 * its stripes keep one orientation over whole neighbourhoods. Everything is measured on the
 * crop resampled to {@value #N} x {@value #N}, so the figures do not depend on the image's size.
 */
public final class PatternCheck {
    /** The analysis grid (a power of two for the FFT). */
    static final int N = 128;
    private static final int HALF = N / 2;

    /**
     * The statistics of one crop: structure-tensor coherence, the radial spectrum's largest
     * bump (natural log), its log-log slope, the share of variance the radius explains,
     * the kurtosis of pixel differences, mirror symmetry, and the slope of the inner square's
     * spectrum.
     */
    public record Features(double coherence, double ringPeak, double slope, double radial, double kurtosis,
                           double symmetry, double innerSlope) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "coherence=%.3f ringPeak=%.3f slope=%.3f radial=%.3f kurtosis=%.2f symmetry=%.3f innerSlope=%.3f",
                    coherence, ringPeak, slope, radial, kurtosis, symmetry, innerSlope);
        }
    }

    /**
     * Limits a brain MR slice stays within. Extremes over the 6,710 training scans, for the
     * margin: coherence 0.67; ring peak 1.56; kurtosis 2.97; radial share 0.69. Over all
     * 9,279 real scans measured (dataset, variants, dark exposures, Colin 27): coherence 0.76,
     * ring peak 1.60; with kurtosis under 3.5 the whole-crop slope is never below -1.53 and
     * the inner slope never below -1.36; with kurtosis under 4 the inner slope never above
     * -0.66; with a ring peak over 1.3 the symmetry never above 0.69. The phantom
     * ({@code brainscan phantom}: its tissue is a sum of plane waves) reaches coherence 0.91
     * and ring peak 2.02, but its skull makes the kurtosis at least 20: the stripe and band
     * rules below {@code patternKurtosis} apply only under it, or beyond the phantom's reach.
     */
    public record Thresholds(double coherence, double strictCoherence, double ringPeak, double strictRingPeak,
                             double symmetricRingPeak, double symmetry, double patternKurtosis,
                             double gaussianKurtosis, double gaussianSlope, double gaussianInnerSlope,
                             double noiseKurtosis, double noiseInnerSlope, double radialShare) {
        public static final Thresholds DEFAULT =
                new Thresholds(0.85, 0.95, 2.0, 2.4, 1.3, 0.75, 16, 3.5, -2.0, -1.6, 4.0, -0.4, 0.85);
    }

    private final Thresholds thresholds;

    public PatternCheck(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    /** Null when the crop is not a regular or synthetic pattern, else why it is one (for the error message). */
    public String implausibility(Features f) {
        Thresholds t = thresholds;
        if (f.kurtosis() == 0) { // not one pixel differs from its neighbours inside the outline
            return "it has no texture at all inside its outline";
        }
        boolean fewEdges = f.kurtosis() < t.patternKurtosis(); // no sparse strong edges (a skull, a lesion)
        if (f.coherence() > t.strictCoherence() || fewEdges && f.coherence() > t.coherence()) {
            return "it is made of stripes or rings that keep one direction over whole neighbourhoods, like a drawn pattern";
        }
        if (f.ringPeak() > t.strictRingPeak() || fewEdges && (f.ringPeak() > t.ringPeak()
                || f.ringPeak() > t.symmetricRingPeak() && f.symmetry() > t.symmetry())) {
            return "its detail repeats at one spacing, like rings, a grating or a woven or printed texture";
        }
        if (f.kurtosis() < t.gaussianKurtosis()
                && (f.slope() < t.gaussianSlope() || f.innerSlope() < t.gaussianInnerSlope())) {
            return "its texture is smoothed random noise, without the edges of anatomy";
        }
        if (f.kurtosis() < t.noiseKurtosis() && f.innerSlope() > t.noiseInnerSlope()) {
            return "its inside is pixel noise without larger structure";
        }
        if (f.radial() > t.radialShare()) {
            return "its brightness depends only on the distance from its centre, like a gradient disc";
        }
        return null;
    }

    /**
     * The verdict for a grey crop ({@code w x h}): null when plausible. The same verdict as
     * {@code implausibility(features(crop, w, h))}, without the two statistics the rules do not
     * read for this crop: the symmetry only counts with few edges and a ring peak over
     * {@code symmetricRingPeak}, the inner slope only under the noise and Gaussian kurtosis limits
     * (most scans are above them); where skipped they stand at 0, which no rule then reads.
     */
    public String implausibility(byte[] crop, int w, int h) {
        Thresholds t = thresholds;
        double[] a = resample(crop, w, h);
        double kurtosis = kurtosis(a);
        double[] s = spectralFeatures(spectrum(a));
        boolean symmetryRead = kurtosis < t.patternKurtosis() && s[0] > t.symmetricRingPeak();
        boolean innerSlopeRead = kurtosis < Math.max(t.gaussianKurtosis(), t.noiseKurtosis());
        return implausibility(new Features(coherence(a), s[0], s[1], radialShare(a), kurtosis,
                symmetryRead ? symmetry(a) : 0, innerSlopeRead ? innerSlope(a) : 0));
    }

    /** The features of a grey crop ({@code w x h}, row-major). */
    public static Features features(byte[] crop, int w, int h) {
        double[] a = resample(crop, w, h);
        double[] s = spectralFeatures(spectrum(a));
        return new Features(coherence(a), s[0], s[1], radialShare(a), kurtosis(a), symmetry(a), innerSlope(a));
    }

    /** Area average onto N x N (each output pixel the mean of the source pixels it covers). */
    static double[] resample(byte[] src, int w, int h) {
        int[] x0 = new int[N];
        int[] x1 = new int[N];
        for (int i = 0; i < N; i++) {
            x0[i] = (int) ((long) i * w / N);
            x1[i] = Math.max(x0[i] + 1, (int) ((long) (i + 1) * w / N));
        }
        double[] out = new double[N * N];
        // a column's sum over the rows one output row covers fits an int
        int[] columns = new int[w];
        for (int j = 0; j < N; j++) {
            int y0 = (int) ((long) j * h / N);
            int y1 = Math.max(y0 + 1, (int) ((long) (j + 1) * h / N));
            // the covered rows' sums per column, then each output pixel's columns: the same integer total;
            // up to four rows a pass (a crop of up to 512 rows is one pass), the first pass setting the sums
            for (int y = y0; y < y1; y += 4) {
                int rows = Math.min(4, y1 - y);
                int a = y * w;
                int b = a + w;
                int c = b + w;
                int d = c + w;
                boolean first = y == y0;
                if (rows == 4) {
                    for (int x = 0; x < w; x++) {
                        int v = (src[a + x] & 0xff) + (src[b + x] & 0xff) + (src[c + x] & 0xff) + (src[d + x] & 0xff);
                        columns[x] = first ? v : columns[x] + v;
                    }
                } else if (rows == 3) {
                    for (int x = 0; x < w; x++) {
                        int v = (src[a + x] & 0xff) + (src[b + x] & 0xff) + (src[c + x] & 0xff);
                        columns[x] = first ? v : columns[x] + v;
                    }
                } else if (rows == 2) {
                    for (int x = 0; x < w; x++) {
                        int v = (src[a + x] & 0xff) + (src[b + x] & 0xff);
                        columns[x] = first ? v : columns[x] + v;
                    }
                } else {
                    for (int x = 0; x < w; x++) {
                        int v = src[a + x] & 0xff;
                        columns[x] = first ? v : columns[x] + v;
                    }
                }
            }
            for (int i = 0; i < N; i++) {
                long sum = 0;
                for (int x = x0[i]; x < x1[i]; x++) {
                    sum += columns[x];
                }
                out[j * N + i] = (double) sum / ((long) (x1[i] - x0[i]) * (y1 - y0));
            }
        }
        return out;
    }

    /**
     * Structure-tensor coherence ((l1 - l2) / (l1 + l2) of the gradients' second moments over
     * a 7 x 7 window): the mean over textured pixels inside the crop's inscribed ellipse (to
     * 0.9 of its radius); 0 when fewer than 5 % of the pixels are textured.
     */
    static double coherence(double[] a) {
        // Only the ellipse's pixels are read (rows and columns 4 to N - 5), and their 7 x 7 windows
        // lie in rows and columns 1 to N - 2. Row by row: the gradients' products of one row, their
        // sums of seven along it into a ring of eight rows, and per column the sum of the ring's
        // last seven rows; all sums are running sums (one add and one subtract a step), which differ
        // from seven separate adds by rounding alone (docs/security.md, "The pattern gate": the
        // coherence within 1e-14 on real scans, verdicts unchanged).
        double[] ring = new double[3 * 8 * N]; // xx, yy, xy row sums of rows y % 8
        double[] products = new double[3 * N];
        double[] column = new double[3 * N]; // per column, the sums of rows y - 3 .. y + 3
        for (int y = 1; y <= 7; y++) {
            rowSums(a, y, products, ring);
            for (int x = 4; x < N - 4; x++) {
                column[x] += ring[(y % 8) * 3 * N + x];
                column[N + x] += ring[(y % 8) * 3 * N + N + x];
                column[2 * N + x] += ring[(y % 8) * 3 * N + 2 * N + x];
            }
        }
        double sum = 0;
        long count = 0;
        int next = 0; // the ellipse's pixels are in row order
        for (int y = 4; y <= N - 5; y++) {
            for (; next < COHERENCE_PIXELS.length && COHERENCE_PIXELS[next] < (y + 1) * N; next++) {
                int x = COHERENCE_PIXELS[next] - y * N;
                double sxx = column[x];
                double syy = column[N + x];
                double energy = sxx + syy;
                if (energy < 49 * 16.0) { // gradients under ~4 grey levels: no texture to judge
                    continue;
                }
                double sxy = column[2 * N + x];
                double d = sxx - syy;
                sum += Math.sqrt(d * d + 4 * sxy * sxy) / energy;
                count++;
            }
            if (y < N - 5) {
                rowSums(a, y + 4, products, ring);
                int in = ((y + 4) % 8) * 3 * N;
                int out = ((y - 3) % 8) * 3 * N;
                for (int x = 4; x < N - 4; x++) {
                    column[x] += ring[in + x] - ring[out + x];
                    column[N + x] += ring[in + N + x] - ring[out + N + x];
                    column[2 * N + x] += ring[in + 2 * N + x] - ring[out + 2 * N + x];
                }
            }
        }
        return count < N * N / 20 ? 0 : sum / count;
    }

    /**
     * Row {@code y}'s structure-tensor products (columns 1 to N - 2) and their sums of seven
     * along the row (columns 4 to N - 5) into the ring's slot {@code y % 8}: xx, yy, xy.
     */
    private static void rowSums(double[] a, int y, double[] products, double[] ring) {
        int row = y * N;
        for (int x = 1; x < N - 1; x++) {
            int i = row + x;
            double gx = a[i + 1] - a[i - 1];
            double gy = a[i + N] - a[i - N];
            products[x] = gx * gx;
            products[N + x] = gy * gy;
            products[2 * N + x] = gx * gy;
        }
        int slot = (y % 8) * 3 * N;
        for (int k = 0; k < 3; k++) {
            int p = k * N;
            int o = slot + k * N;
            double s = 0;
            for (int x = 1; x <= 7; x++) {
                s += products[p + x];
            }
            for (int x = 4; ; x++) { // the window x - 3 .. x + 3
                ring[o + x] = s;
                if (x == N - 5) {
                    break;
                }
                s += products[p + x + 4] - products[p + x - 3];
            }
        }
    }

    /** The pixels (y * N + x) at least 4 from the border inside the inscribed ellipse to 0.9 of its radius. */
    private static final int[] COHERENCE_PIXELS = ellipse(4, N - 4, 0.81);
    /** The pixels inside the inscribed ellipse to 0.8 of its radius (none on the border). */
    private static final int[] ELLIPSE = ellipse(0, N, 0.64);
    /** The radial share's bins: the pixels inside the ellipse to 0.85 of its radius, and each one's bin. */
    private static final int RADIAL_BINS = 24;
    private static final int[] RADIAL_PIXELS;
    private static final int[] RADIAL_BIN;

    static {
        int[] pixels = new int[N * N];
        int[] bin = new int[N * N];
        int n = 0;
        for (int y = 0; y < N; y++) {
            for (int x = 0; x < N; x++) {
                double ex = (x + 0.5 - HALF) / HALF;
                double ey = (y + 0.5 - HALF) / HALF;
                double r = Math.sqrt(ex * ex + ey * ey);
                if (r < 0.85) {
                    pixels[n] = y * N + x;
                    bin[n++] = (int) (r / 0.85 * RADIAL_BINS);
                }
            }
        }
        RADIAL_PIXELS = java.util.Arrays.copyOf(pixels, n);
        RADIAL_BIN = java.util.Arrays.copyOf(bin, n);
    }

    /** The pixels with lo <= x, y < hi whose centre's normalised squared radius is at most r2, in row order. */
    private static int[] ellipse(int lo, int hi, double r2) {
        int[] out = new int[N * N];
        int n = 0;
        for (int y = lo; y < hi; y++) {
            for (int x = lo; x < hi; x++) {
                double ex = (x + 0.5 - HALF) / HALF;
                double ey = (y + 0.5 - HALF) / HALF;
                if (ex * ex + ey * ey <= r2) {
                    out[n++] = y * N + x;
                }
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** For an n x n spectrum (n 128 or 64), the rounded radius of each wrapped frequency (u, v) at [v * n + u]. */
    private static final int[] RING_128 = ringIndex(N);
    private static final int[] RING_64 = ringIndex(HALF);

    private static int[] ringIndex(int n) {
        int[] k = new int[n * n];
        for (int v = 0; v < n; v++) {
            int fv = v < n / 2 ? v : v - n;
            for (int u = 0; u < n; u++) {
                int fu = u < n / 2 ? u : u - n;
                k[v * n + u] = (int) Math.round(Math.sqrt(fu * fu + fv * fv));
            }
        }
        return k;
    }

    /** {@link #spectrum(double[], int)} of the N x N grid. */
    static double[] spectrum(double[] a) {
        return spectrum(a, N);
    }

    /**
     * |FFT|^2 of the mean-free, Hann-windowed n x n image (frequency (u, v) at [v * n + u], wrapped).
     * The image is real, so two rows go through one complex FFT (one as the real, one as the
     * imaginary part, separated by conjugate symmetry), only the columns u = 0 to n / 2 are
     * transformed, and the other half of the spectrum is their mirror: P(u, v) = P(-u, -v).
     */
    static double[] spectrum(double[] a, int n) {
        double mean = 0;
        for (double v : a) {
            mean += v;
        }
        mean /= a.length;
        double[] window = new double[n];
        for (int i = 0; i < n; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / n);
        }
        int half = n / 2;
        int cols = half + 1;
        // the row transforms' columns 0 to n / 2, column-major (column u at [u * n + y])
        double[] colRe = new double[cols * n];
        double[] colIm = new double[cols * n];
        double[] zr = new double[n];
        double[] zi = new double[n];
        for (int y = 0; y < n; y += 2) {
            for (int x = 0; x < n; x++) {
                zr[x] = (a[y * n + x] - mean) * window[x] * window[y];
                zi[x] = (a[(y + 1) * n + x] - mean) * window[x] * window[y + 1];
            }
            fft(zr, zi);
            for (int u = 0; u < cols; u++) {
                int m = (n - u) & (n - 1);
                // row y: (Z[u] + conj Z[n - u]) / 2; row y + 1: (Z[u] - conj Z[n - u]) / 2i
                colRe[u * n + y] = 0.5 * (zr[u] + zr[m]);
                colIm[u * n + y] = 0.5 * (zi[u] - zi[m]);
                colRe[u * n + y + 1] = 0.5 * (zi[u] + zi[m]);
                colIm[u * n + y + 1] = -0.5 * (zr[u] - zr[m]);
            }
        }
        double[] p = new double[n * n];
        for (int u = 0; u < cols; u++) {
            System.arraycopy(colRe, u * n, zr, 0, n);
            System.arraycopy(colIm, u * n, zi, 0, n);
            fft(zr, zi);
            for (int v = 0; v < n; v++) {
                double power = zr[v] * zr[v] + zi[v] * zi[v];
                p[v * n + u] = power;
                if (u > 0 && u < half) {
                    p[((n - v) & (n - 1)) * n + n - u] = power;
                }
            }
        }
        return p;
    }

    /** In-place radix-2 FFT (the length 128 or 64). */
    private static void fft(double[] re, double[] im) {
        int n = re.length;
        Twiddles tw = n == N ? TWIDDLES_128 : TWIDDLES_64;
        int[] rev = tw.reversed;
        for (int i = 1; i < n; i++) {
            int j = rev[i];
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2, level = 0; len <= n; len <<= 1, level++) {
            double[] wr = tw.re[level];
            double[] wi = tw.im[level];
            int halfLen = len / 2;
            for (int i = 0; i < n; i += len) {
                for (int k = 0; k < halfLen; k++) {
                    int p = i + k;
                    int q = p + halfLen;
                    double cr = wr[k];
                    double ci = wi[k];
                    double xr = re[q] * cr - im[q] * ci;
                    double xi = re[q] * ci + im[q] * cr;
                    re[q] = re[p] - xr;
                    im[q] = im[p] - xi;
                    re[p] += xr;
                    im[p] += xi;
                }
            }
        }
    }

    private static final Twiddles TWIDDLES_128 = new Twiddles(N);
    private static final Twiddles TWIDDLES_64 = new Twiddles(HALF);

    /**
     * An FFT length's bit-reversal permutation and, per stage, the twiddle factors made by the
     * same recurrence the butterflies once ran inline (so the table gives the same bits).
     */
    private static final class Twiddles {
        final int[] reversed;
        final double[][] re;
        final double[][] im;

        Twiddles(int n) {
            reversed = new int[n];
            for (int i = 1, j = 0; i < n; i++) {
                int bit = n >> 1;
                for (; (j & bit) != 0; bit >>= 1) {
                    j ^= bit;
                }
                j ^= bit;
                reversed[i] = j;
            }
            int levels = Integer.numberOfTrailingZeros(n);
            re = new double[levels][];
            im = new double[levels][];
            for (int len = 2, level = 0; len <= n; len <<= 1, level++) {
                double angle = -2 * Math.PI / len;
                double wr = Math.cos(angle);
                double wi = Math.sin(angle);
                re[level] = new double[len / 2];
                im[level] = new double[len / 2];
                double cr = 1;
                double ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    re[level][k] = cr;
                    im[level][k] = ci;
                    double t = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = t;
                }
            }
        }
    }

    /**
     * From the power spectrum: the largest bump of the radial (ring-averaged) spectrum over its
     * neighbours 4 to 6 frequencies away (natural log of the ratio; frequencies 7 to 57 cycles
     * per crop) and the log-log slope of the radial spectrum over 3 to 60.
     */
    static double[] spectralFeatures(double[] p) {
        double[] ring = new double[HALF];
        int[] count = new int[HALF];
        for (int i = 0; i < N * N; i++) {
            int k = RING_128[i];
            if (k < HALF) {
                ring[k] += p[i];
                count[k]++;
            }
        }
        double[] log = new double[HALF];
        for (int k = 1; k < HALF; k++) {
            log[k] = Math.log(ring[k] / count[k] + 1e-9);
        }
        double peak = Double.NEGATIVE_INFINITY;
        for (int k = 7; k <= HALF - 7; k++) {
            double centre = (log[k - 1] + log[k] + log[k + 1]) / 3;
            double left = (log[k - 6] + log[k - 5] + log[k - 4]) / 3;
            double right = (log[k + 4] + log[k + 5] + log[k + 6]) / 3;
            peak = Math.max(peak, centre - (left + right) / 2);
        }
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int n = 0;
        for (int k = 3; k <= 60; k++) {
            double x = Math.log(k);
            sx += x;
            sy += log[k];
            sxx += x * x;
            sxy += x * log[k];
            n++;
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return new double[] {peak, slope};
    }

    /**
     * The share of the variance inside the crop's inscribed ellipse (to 0.85 of its radius)
     * that the mean at each elliptical radius explains: near 1 for rings and discs, low for
     * anatomy.
     */
    static double radialShare(double[] a) {
        int bins = RADIAL_BINS;
        double[] sum = new double[bins];
        int[] count = new int[bins];
        double total = 0;
        double total2 = 0;
        int n = RADIAL_PIXELS.length;
        for (int j = 0; j < n; j++) {
            int b = RADIAL_BIN[j];
            double v = a[RADIAL_PIXELS[j]];
            sum[b] += v;
            count[b]++;
            total += v;
            total2 += v * v;
        }
        double mean = total / n;
        double variance = total2 / n - mean * mean;
        if (variance <= 1e-9) {
            return 0;
        }
        double between = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                double m = sum[b] / count[b] - mean;
                between += count[b] * m * m;
            }
        }
        return between / n / variance;
    }

    /**
     * Kurtosis of the horizontal and vertical differences inside the inscribed ellipse (to
     * 0.8): about 3 for smoothed Gaussian noise, far more where sparse strong edges (a skull,
     * a lesion's rim) stand out of smooth tissue; 0 when no difference is non-zero.
     */
    static double kurtosis(double[] a) {
        double s2 = 0;
        double s4 = 0;
        long n = 0;
        for (int i : ELLIPSE) {
            double dx = a[i + 1] - a[i];
            double dy = a[i + N] - a[i];
            s2 += dx * dx + dy * dy;
            s4 += dx * dx * dx * dx + dy * dy * dy * dy;
            n += 2;
        }
        double m2 = s2 / n;
        return m2 <= 1e-9 ? 0 : s4 / n / (m2 * m2);
    }

    /**
     * Mirror symmetry inside the inscribed ellipse (to 0.8): the larger correlation of the
     * image with its left-right or its top-bottom mirror image.
     */
    static double symmetry(double[] a) {
        double best = -1;
        for (int axis = 0; axis < 2; axis++) {
            double sa = 0;
            double sb = 0;
            double saa = 0;
            double sbb = 0;
            double sab = 0;
            long n = 0;
            for (int i : ELLIPSE) {
                int y = i / N;
                int x = i - y * N;
                double va = a[i];
                double vb = axis == 0 ? a[y * N + (N - 1 - x)] : a[(N - 1 - y) * N + x];
                sa += va;
                sb += vb;
                saa += va * va;
                sbb += vb * vb;
                sab += va * vb;
                n++;
            }
            double cov = sab / n - sa / n * sb / n;
            double var = Math.sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
            best = Math.max(best, var <= 1e-9 ? 0 : cov / var);
        }
        return best;
    }

    /**
     * The spectrum of the central square (half the side, inside the inscribed ellipse, so no
     * outline): the slope of its radial log power against log frequency, from a quadratic fit
     * over 2 to 28 cycles per half side. About 0 for pixel noise, -2 to -5 for anatomy.
     */
    static double innerSlope(double[] a) {
        int m = HALF;
        double[] c = new double[m * m];
        for (int y = 0; y < m; y++) {
            System.arraycopy(a, (y + m / 2) * N + m / 2, c, y * m, m);
        }
        double[] p = spectrum(c, m);
        double[] ring = new double[m / 2];
        int[] count = new int[m / 2];
        for (int i = 0; i < m * m; i++) {
            int k = RING_64[i];
            if (k < m / 2) {
                ring[k] += p[i];
                count[k]++;
            }
        }
        // least squares of log power on t = log k and t^2, centred for conditioning
        int lo = 2;
        int hi = 28;
        double tm = 0;
        for (int k = lo; k <= hi; k++) {
            tm += Math.log(k);
        }
        tm /= hi - lo + 1;
        double[][] ata = new double[3][3];
        double[] aty = new double[3];
        for (int k = lo; k <= hi; k++) {
            double t = Math.log(k) - tm;
            double yv = Math.log(ring[k] / count[k] + 1e-9);
            double[] row = {1, t, t * t};
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    ata[i][j] += row[i] * row[j];
                }
                aty[i] += row[i] * yv;
            }
        }
        return solve3(ata, aty)[1];
    }

    private static double[] solve3(double[][] m, double[] b) {
        double det = det3(m);
        double[] out = new double[3];
        for (int c = 0; c < 3; c++) {
            double[][] t = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    t[i][j] = j == c ? b[i] : m[i][j];
                }
            }
            out[c] = det3(t) / det;
        }
        return out;
    }

    private static double det3(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }
}
