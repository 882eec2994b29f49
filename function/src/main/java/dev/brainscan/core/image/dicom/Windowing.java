package dev.brainscan.core.image.dicom;

import dev.brainscan.core.result.DicomInfo;

/**
 * Stored values to 8-bit grey: the modality LUT (rescale slope and intercept), then the first
 * VOI window of the file (its VOI LUT function: LINEAR, LINEAR_EXACT or SIGMOID), or when it
 * has none an automatic window (8-bit data over its full range; wider data between its 0.5th
 * and 99.5th percentiles), MONOCHROME1 inverted last.
 *
 * @param center the file's window center, or null
 * @param width the file's window width when positive, else null
 * @param function the file's VOI LUT function (unknown ones read as LINEAR), or null when it names none
 */
record Windowing(double slope, double intercept, Double center, Double width, String function) {

    /** The rescale and window the file gives (a missing or zero slope is 1, a missing intercept 0). */
    static Windowing of(DicomParser.Dataset ds) {
        Double s = ds.decimal(DicomParser.RESCALE_SLOPE);
        Double i = ds.decimal(DicomParser.RESCALE_INTERCEPT);
        Double w = ds.decimal(DicomParser.WINDOW_WIDTH);
        String f = ds.first(DicomParser.VOI_LUT_FUNCTION);
        return new Windowing(s == null || s == 0 ? 1 : s, i == null ? 0 : i, ds.decimal(DicomParser.WINDOW_CENTER),
                w != null && w > 0 ? w : null,
                f == null || f.isEmpty() ? null : f.equals("LINEAR_EXACT") || f.equals("SIGMOID") ? f : "LINEAR");
    }

    /** One frame's grey pixels and the window that made them. */
    record Windowed(byte[] grey, DicomInfo.Window window) {
    }

    /** The grey image of one monochrome frame's stored {@code values}. */
    Windowed apply(int[] values, PixelModule pixels) {
        int n = values.length;
        byte[] grey = new byte[n];
        DicomInfo.Window used;
        if (center != null && width != null) {
            double c = center;
            double w = width;
            String fn = function == null ? "LINEAR" : function;
            for (int p = 0; p < n; p++) {
                double x = values[p] * slope + intercept;
                double y;
                switch (fn) {
                    case "LINEAR_EXACT" -> y = x <= c - w / 2 ? 0 : x > c + w / 2 ? 255 : ((x - c) / w + 0.5) * 255;
                    case "SIGMOID" -> y = 255 / (1 + Math.exp(-4 * (x - c) / w));
                    default -> {
                        // PS3.3 C.11.2.1.2.1; a width under 1 is treated as 1 (a hard threshold).
                        double ww = Math.max(w, 1);
                        y = x <= c - 0.5 - (ww - 1) / 2 ? 0 : x > c - 0.5 + (ww - 1) / 2 ? 255
                                : ww == 1 ? 255 : ((x - (c - 0.5)) / (ww - 1) + 0.5) * 255;
                    }
                }
                grey[p] = (byte) clamp(y);
            }
            used = new DicomInfo.Window(round(c), round(w), DicomInfo.WINDOW_FILE, function);
        } else {
            double lo;
            double hi;
            String source;
            boolean identity = slope == 1 && intercept == 0;
            int bitsStored = pixels.bitsStored();
            boolean signed = pixels.signed();
            if (bitsStored <= 8 && identity) {
                lo = signed ? -(1 << (bitsStored - 1)) : 0;
                hi = signed ? (1 << (bitsStored - 1)) - 1 : (1 << bitsStored) - 1;
                source = DicomInfo.WINDOW_FULL_RANGE;
            } else {
                int[] sorted = percentiles(values, signed, 0.005, 0.995);
                double a = sorted[0] * slope + intercept;
                double b = sorted[1] * slope + intercept;
                lo = Math.min(a, b);
                hi = Math.max(a, b);
                if (hi <= lo) {
                    hi = lo + 1;
                }
                source = DicomInfo.WINDOW_AUTO;
            }
            double scale = 255.0 / (hi - lo);
            for (int p = 0; p < n; p++) {
                double x = values[p] * slope + intercept;
                grey[p] = (byte) clamp((x - lo) * scale);
            }
            used = new DicomInfo.Window(round((lo + hi) / 2), round(hi - lo), source, null);
        }
        if (pixels.photometric().equals("MONOCHROME1")) {
            for (int p = 0; p < n; p++) {
                grey[p] = (byte) (255 - (grey[p] & 0xff));
            }
        }
        return new Windowed(grey, used);
    }

    /** {@code y} rounded and clamped to 0..255. */
    static int clamp(double y) {
        long r = Math.round(y);
        return (int) Math.max(0, Math.min(255, r));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The stored values at the given quantiles, from a histogram of the (at most 16-bit) values. */
    private static int[] percentiles(int[] values, boolean signed, double low, double high) {
        int offset = signed ? 1 << 15 : 0;
        int[] histogram = new int[1 << 16];
        for (int v : values) {
            histogram[Math.max(0, Math.min(65535, v + offset))]++;
        }
        long n = values.length;
        long lowRank = (long) Math.floor(low * (n - 1));
        long highRank = (long) Math.ceil(high * (n - 1));
        int lo = 0;
        int hi = 0;
        long seen = 0;
        boolean loFound = false;
        for (int v = 0; v < histogram.length; v++) {
            seen += histogram[v];
            if (!loFound && seen > lowRank) {
                lo = v;
                loFound = true;
            }
            if (seen > highRank) {
                hi = v;
                break;
            }
        }
        return new int[] {lo - offset, hi - offset};
    }
}
