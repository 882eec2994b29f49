package dev.brainscan.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The size bands {@code bench} reports (issue 30): a scan's cost grows with its pixels, so one
 * median over one mix hides the band a user's scans fall in. Bands by the decoded size:
 * a longer side under 300 px, 300-700 px, over 700 px, and 2-4 megapixels (a phone photo of a
 * film or screen), plus a mix weighted like the dataset.
 */
final class BenchBands {
    private BenchBands() {
    }

    /** The bands, in the order they are printed. */
    enum Band {
        SMALL("under 300 px"),
        MEDIUM("300-700 px"),
        LARGE("over 700 px"),
        PHOTO("2-4 MP photo");

        final String label;

        Band(String label) {
            this.label = label;
        }

        /** The band of a {@code width x height} image: 2-4 MP first, then by the longer side. */
        static Band of(int width, int height) {
            long pixels = (long) width * height;
            if (pixels >= PHOTO_MIN_PIXELS && pixels <= PHOTO_MAX_PIXELS) {
                return PHOTO;
            }
            int side = Math.max(width, height);
            return side < 300 ? SMALL : side <= 700 ? MEDIUM : LARGE;
        }
    }

    static final long PHOTO_MIN_PIXELS = 2_000_000;
    static final long PHOTO_MAX_PIXELS = 4_000_000;
    /** What the photo band's scans are made to: 3 MP, the middle of the band. */
    static final long PHOTO_TARGET_PIXELS = 3_000_000;
    /** The longer side the over-700 band is topped up to when the given scans have too few of it. */
    static final int LARGE_TARGET_SIDE = 1024;

    /**
     * How many of the dataset's 7,704 train and val images fall in each band, counted from
     * {@code ../shared/datasets/brain-mri/manifest.csv} (width, height) by {@link Band#of}:
     * the weights of the "dataset mix".
     */
    static final Map<Band, Integer> DATASET_COUNTS = new EnumMap<>(Map.of(
            Band.SMALL, 6436, Band.MEDIUM, 1186, Band.LARGE, 81, Band.PHOTO, 1));

    /**
     * The median of the mixture in which each band's samples together weigh the band's
     * weight (renormalised over the bands that have samples): the per-scan time a user with
     * scans mixed like {@code weights} waits half the time.
     */
    static double weightedMedian(Map<Band, List<Double>> samples, Map<Band, Integer> weights) {
        List<Weighted> all = weighted(samples, weights);
        if (all.isEmpty()) {
            return Double.NaN;
        }
        double total = all.stream().mapToDouble(Weighted::weight).sum();
        all.sort(Comparator.comparingDouble(Weighted::value));
        double acc = 0;
        for (Weighted x : all) {
            acc += x.weight();
            if (acc >= total / 2) {
                return x.value();
            }
        }
        return all.get(all.size() - 1).value();
    }

    /** The mean per-scan time of the same mixture (what a long run costs per scan). */
    static double weightedMean(Map<Band, List<Double>> samples, Map<Band, Integer> weights) {
        double sum = 0;
        double total = 0;
        for (Weighted x : weighted(samples, weights)) {
            sum += x.value() * x.weight();
            total += x.weight();
        }
        return total == 0 ? Double.NaN : sum / total;
    }

    private record Weighted(double value, double weight) {
    }

    /** Every sample with its share of its band's weight (bands without samples or weight left out). */
    private static List<Weighted> weighted(Map<Band, List<Double>> samples, Map<Band, Integer> weights) {
        List<Weighted> all = new ArrayList<>();
        for (Map.Entry<Band, List<Double>> e : samples.entrySet()) {
            List<Double> v = e.getValue();
            double w = weights.getOrDefault(e.getKey(), 0);
            if (v.isEmpty() || w <= 0) {
                continue;
            }
            for (double x : v) {
                all.add(new Weighted(x, w / v.size()));
            }
        }
        return all;
    }

    /** The size a {@code width x height} image is scaled to so that it has about {@code pixels} pixels, aspect kept. */
    static int[] scaledTo(int width, int height, long pixels) {
        double s = Math.sqrt((double) pixels / ((double) width * height));
        return new int[] {(int) Math.round(width * s), (int) Math.round(height * s)};
    }

    /** The size with the longer side {@code side}, aspect kept. */
    static int[] longerSide(int width, int height, int side) {
        double s = (double) side / Math.max(width, height);
        return new int[] {(int) Math.round(width * s), (int) Math.round(height * s)};
    }

    /**
     * {@code src} scaled to {@code w x h} with bilinear interpolation, as a phone or a viewer
     * enlarges a scan; a greyscale source stays greyscale (so it encodes as a one-channel JPEG).
     */
    static BufferedImage upscale(BufferedImage src, int w, int h) {
        boolean grey = src.getRaster().getNumBands() == 1;
        BufferedImage out = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
