package dev.brainscan.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Generated grey pictures that are not brain MR slices but share their coarse layout (a
 * bright shape on a dark ground, or a picture filling the frame): rings, spirals, tree rings,
 * a fingerprint in an oval, chest-X-ray-like pictures, textures in an oval, gradient discs.
 * The measurement set of the pattern gate (issue 27), deterministic per seed, a few random
 * parameters each (size, period, centre, contrast, noise, background). {@link #DEVELOPMENT}
 * kinds were looked at while the gate was built; {@link #HELD_OUT} kinds were not.
 *
 * <pre>
 * java -cp function/target/test-classes:function/target/classes dev.brainscan.testing.PatternCorpus OUT PER_KIND SEED [held-out]
 * </pre>
 */
public final class PatternCorpus {
    private PatternCorpus() {
    }

    public record Sample(String kind, String name, BufferedImage image) {
    }

    public static final List<String> DEVELOPMENT = List.of("rings", "bullseye", "spiral", "tree-rings", "fingerprint",
            "chest-xray", "checkerboard", "noise-oval", "blobs-oval", "grating-oval", "gradient-disc", "sunburst",
            "cells-oval", "fractal-oval");
    public static final List<String> HELD_OUT = List.of("moire", "wood-grain", "dots-oval", "weave-oval");

    public static List<Sample> generate(List<String> kinds, int perKind, long seed) {
        List<Sample> out = new ArrayList<>();
        for (String kind : kinds) {
            for (int i = 0; i < perKind; i++) {
                SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + kind.hashCode() * 31L + i);
                out.add(new Sample(kind, kind + "-" + seed + "-" + i, draw(kind, rnd)));
            }
        }
        return out;
    }

    public static BufferedImage draw(String kind, SplittableRandom rnd) {
        int w = 200 + rnd.nextInt(400);
        int h = (int) (w * (0.85 + rnd.nextDouble() * 0.35));
        Canvas c = new Canvas(w, h, rnd);
        switch (kind) {
            case "rings" -> c.rings(false);
            case "bullseye" -> c.rings(true);
            case "spiral" -> c.spiral();
            case "tree-rings" -> c.treeRings();
            case "fingerprint" -> c.fingerprint();
            case "chest-xray" -> c.chest();
            case "checkerboard" -> c.inOval(c.checker());
            case "noise-oval" -> c.inOval((x, y) -> 0.5 + rnd.nextGaussian() * 0.2);
            case "blobs-oval" -> c.inOval(c.smoothNoise(1.5 + rnd.nextDouble() * 6));
            case "grating-oval" -> c.inOval(c.grating());
            case "gradient-disc" -> c.gradientDisc();
            case "sunburst" -> c.inOval(c.sunburst());
            case "cells-oval" -> c.inOval(c.cells());
            case "fractal-oval" -> c.inOval(c.fractal());
            case "moire" -> c.moire();
            case "wood-grain" -> c.inOval(c.wood());
            case "dots-oval" -> c.inOval(c.dots());
            case "weave-oval" -> c.inOval(c.weave());
            default -> throw new IllegalArgumentException(kind);
        }
        return c.image();
    }

    /** A field of values in [0, 1] (clamped), at pixel (x, y). */
    @FunctionalInterface
    interface Field {
        double at(double x, double y);
    }

    static final class Canvas {
        final int w;
        final int h;
        final SplittableRandom rnd;
        final double[] v;
        final double cx;
        final double cy;
        final double ax;
        final double ay;
        final double lo;
        final double hi;

        Canvas(int w, int h, SplittableRandom rnd) {
            this.w = w;
            this.h = h;
            this.rnd = rnd;
            this.v = new double[w * h];
            this.cx = w * (0.45 + rnd.nextDouble() * 0.1);
            this.cy = h * (0.45 + rnd.nextDouble() * 0.1);
            this.ax = w * (0.32 + rnd.nextDouble() * 0.12);
            this.ay = h * (0.36 + rnd.nextDouble() * 0.1);
            this.lo = 0.1 + rnd.nextDouble() * 0.3;
            this.hi = 0.7 + rnd.nextDouble() * 0.3;
        }

        /** Inside the oval: the field scaled into [lo, hi]; outside: near-black with a little noise. */
        void inOval(Field f) {
            double noise = rnd.nextDouble() * 0.03;
            boolean rim = rnd.nextBoolean();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double r = Math.hypot((x - cx) / ax, (y - cy) / ay);
                    double val = rnd.nextDouble() * 0.03;
                    if (r < 1) {
                        val = rim && r > 0.93 ? 0.9 : lo + (hi - lo) * clamp(f.at(x, y));
                    }
                    v[y * w + x] = val + rnd.nextGaussian() * noise;
                }
            }
        }

        void rings(boolean hard) {
            double period = hard ? Math.min(ax, ay) / (3 + rnd.nextInt(6)) : 5 + rnd.nextDouble() * 25;
            boolean fill = rnd.nextInt(3) == 0;
            double phase = rnd.nextDouble() * 2 * Math.PI;
            Field f = (x, y) -> {
                double r = Math.hypot(x - cx, y - cy);
                double s = Math.sin(2 * Math.PI * r / period + phase);
                return hard ? (s > 0 ? 1 : 0) : 0.5 + 0.5 * s;
            };
            if (fill) {
                whole(f);
            } else {
                inOval(f);
            }
        }

        void spiral() {
            int arms = 1 + rnd.nextInt(4);
            double pitch = 8 + rnd.nextDouble() * 30;
            boolean hard = rnd.nextBoolean();
            inOval((x, y) -> {
                double r = Math.hypot(x - cx, y - cy);
                double t = Math.atan2(y - cy, x - cx);
                double s = Math.sin(arms * t + 2 * Math.PI * r / pitch);
                return hard ? (s > 0 ? 1 : 0) : 0.5 + 0.5 * s;
            });
        }

        void treeRings() {
            double px = cx + (rnd.nextDouble() - 0.5) * ax * 0.6;
            double py = cy + (rnd.nextDouble() - 0.5) * ay * 0.6;
            double period = 4 + rnd.nextDouble() * 14;
            double[] harm = new double[6];
            for (int i = 0; i < harm.length; i++) {
                harm[i] = rnd.nextDouble() * 2 * Math.PI;
            }
            double wobble = rnd.nextDouble() * 0.08;
            double bark = 0.92 + rnd.nextDouble() * 0.04;
            inOval((x, y) -> {
                double r = Math.hypot((x - cx) / ax, (y - cy) / ay);
                if (r > bark) {
                    return 0.25;
                }
                double d = Math.hypot(x - px, y - py);
                double t = Math.atan2(y - py, x - px);
                double m = 0;
                for (int i = 0; i < harm.length; i++) {
                    m += Math.sin((i + 1) * t + harm[i]) / (i + 1);
                }
                double rr = d * (1 + wobble * m);
                // early wood light, late wood a narrow dark band; spacing drifts outward
                double ph = rr / (period * (1 + 0.3 * Math.sin(rr / 60)));
                double frac = ph - Math.floor(ph);
                return 0.8 - 0.5 * Math.pow(frac, 4) + 0.05 * Math.sin(t * 40);
            });
        }

        void fingerprint() {
            double period = 5 + rnd.nextDouble() * 6;
            double coreX = cx + (rnd.nextDouble() - 0.5) * ax * 0.3;
            double coreY = cy + (rnd.nextDouble() - 0.2) * ay * 0.4;
            double bend = 0.3 + rnd.nextDouble() * 0.7;
            boolean whiteGround = rnd.nextBoolean();
            double rot = (rnd.nextDouble() - 0.5) * 0.6;
            Field ridges = (x, y) -> {
                double dx = x - coreX;
                double dy = y - coreY;
                double xr = dx * Math.cos(rot) - dy * Math.sin(rot);
                double yr = dx * Math.sin(rot) + dy * Math.cos(rot);
                // loops around the core above it, arches below it
                double phase = yr < 0 ? Math.hypot(xr, yr * 1.2) : Math.hypot(xr * bend, yr) + yr * 0.4;
                phase += 6 * Math.sin(xr / 37.0) + 4 * Math.sin(yr / 29.0);
                return 0.5 + 0.5 * Math.sin(2 * Math.PI * phase / period);
            };
            double noise = 0.05 + rnd.nextDouble() * 0.1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double r = Math.hypot((x - cx) / ax, (y - cy) / ay);
                    double ground = whiteGround ? 0.95 : 0.03;
                    double val = ground;
                    if (r < 1) {
                        double ink = ridges.at(x, y);
                        val = whiteGround ? 0.95 - 0.75 * ink : 0.15 + 0.75 * ink;
                        double edge = Math.min(1, (1 - r) * 8); // ink fades at the oval's edge
                        val = ground + (val - ground) * edge;
                    }
                    v[y * w + x] = val + rnd.nextGaussian() * noise * 0.3;
                }
            }
        }

        void chest() {
            double ribPeriod = h * (0.06 + rnd.nextDouble() * 0.03);
            double lungW = w * (0.16 + rnd.nextDouble() * 0.05);
            double lungH = h * (0.3 + rnd.nextDouble() * 0.08);
            double lungY = h * (0.42 + rnd.nextDouble() * 0.06);
            double bodyW = w * (0.42 + rnd.nextDouble() * 0.06);
            double ground = rnd.nextDouble() * 0.15;
            Field f = (x, y) -> {
                double bx = (x - w / 2.0) / bodyW;
                double body = bx * bx < 1 ? 0.75 - 0.15 * bx * bx : ground;
                for (int side = -1; side <= 1; side += 2) {
                    double lx = (x - (w / 2.0 + side * w * 0.2)) / lungW;
                    double ly = (y - lungY) / lungH;
                    double d = lx * lx + ly * ly;
                    if (d < 1) {
                        body = 0.2 + 0.3 * d;
                        // ribs: arcs falling away from the spine
                        double arc = y + 0.4 * Math.abs(x - w / 2.0) * Math.abs(x - w / 2.0) / w;
                        double s = Math.sin(2 * Math.PI * arc / ribPeriod);
                        body += s > 0.4 ? 0.25 : 0;
                    }
                }
                if (Math.abs(x - w / 2.0) < w * 0.04) {
                    body = 0.85; // spine
                }
                double hx = (x - w * 0.54) / (w * 0.13);
                double hy = (y - h * 0.62) / (h * 0.14);
                if (hx * hx + hy * hy < 1) {
                    body = 0.8; // heart
                }
                if (y > h * 0.82 && bx * bx < 1) {
                    body = 0.8; // below the diaphragm
                }
                return body;
            };
            whole(f);
            blur(1 + rnd.nextInt(3));
            addNoise(0.02 + rnd.nextDouble() * 0.03);
        }

        Field checker() {
            double period = 4 + rnd.nextDouble() * 30;
            double angle = rnd.nextDouble() * Math.PI / 2;
            return (x, y) -> {
                double u = x * Math.cos(angle) + y * Math.sin(angle);
                double t = -x * Math.sin(angle) + y * Math.cos(angle);
                return ((int) Math.floor(u / period) + (int) Math.floor(t / period) & 1) == 0 ? 1 : 0;
            };
        }

        Field grating() {
            double period = 4 + rnd.nextDouble() * 26;
            double angle = rnd.nextDouble() * Math.PI;
            boolean hard = rnd.nextBoolean();
            return (x, y) -> {
                double s = Math.sin(2 * Math.PI * (x * Math.cos(angle) + y * Math.sin(angle)) / period);
                return hard ? (s > 0 ? 1 : 0) : 0.5 + 0.5 * s;
            };
        }

        void gradientDisc() {
            boolean brightCentre = rnd.nextBoolean();
            double gamma = 0.5 + rnd.nextDouble() * 2;
            boolean linear = rnd.nextInt(3) == 0;
            double angle = rnd.nextDouble() * 2 * Math.PI;
            inOval((x, y) -> {
                if (linear) {
                    return 0.5 + 0.5 * ((x - cx) * Math.cos(angle) + (y - cy) * Math.sin(angle)) / Math.max(ax, ay);
                }
                double r = Math.hypot((x - cx) / ax, (y - cy) / ay);
                double t = Math.pow(r, gamma);
                return brightCentre ? 1 - t : t;
            });
        }

        Field sunburst() {
            int spokes = 6 + rnd.nextInt(40);
            boolean hard = rnd.nextBoolean();
            return (x, y) -> {
                double s = Math.sin(spokes * Math.atan2(y - cy, x - cx));
                return hard ? (s > 0 ? 1 : 0) : 0.5 + 0.5 * s;
            };
        }

        Field smoothNoise(double sigma) {
            double[] n = new double[w * h];
            for (int i = 0; i < n.length; i++) {
                n[i] = rnd.nextGaussian();
            }
            double[] s = gaussian(n, sigma);
            normalise(s);
            return (x, y) -> s[(int) y * w + (int) x];
        }

        Field fractal() {
            // 1/f noise: octaves of smoothed noise with amplitude proportional to scale
            double[] sum = new double[w * h];
            for (double sigma = 1; sigma < Math.min(w, h) / 4.0; sigma *= 2) {
                double[] n = new double[w * h];
                for (int i = 0; i < n.length; i++) {
                    n[i] = rnd.nextGaussian();
                }
                double[] s = gaussian(n, sigma);
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += s[i] * sigma;
                }
            }
            normalise(sum);
            return (x, y) -> sum[(int) y * w + (int) x];
        }

        Field cells() {
            int n = 20 + rnd.nextInt(120);
            double[] px = new double[n];
            double[] py = new double[n];
            double[] val = new double[n];
            for (int i = 0; i < n; i++) {
                px[i] = rnd.nextDouble() * w;
                py[i] = rnd.nextDouble() * h;
                val[i] = rnd.nextDouble();
            }
            boolean edges = rnd.nextBoolean();
            return (x, y) -> {
                double best = Double.MAX_VALUE;
                double second = Double.MAX_VALUE;
                int k = 0;
                for (int i = 0; i < n; i++) {
                    double d = Math.hypot(x - px[i], y - py[i]);
                    if (d < best) {
                        second = best;
                        best = d;
                        k = i;
                    } else if (d < second) {
                        second = d;
                    }
                }
                return edges ? (second - best < 2 ? 0 : 0.8) : val[k];
            };
        }

        void moire() {
            double period = 6 + rnd.nextDouble() * 16;
            double off = 5 + rnd.nextDouble() * 40;
            inOval((x, y) -> {
                double a = Math.sin(2 * Math.PI * Math.hypot(x - cx - off, y - cy) / period);
                double b = Math.sin(2 * Math.PI * Math.hypot(x - cx + off, y - cy) / period);
                return 0.5 + 0.25 * (a + b);
            });
        }

        Field wood() {
            double period = 6 + rnd.nextDouble() * 20;
            double angle = rnd.nextDouble() * Math.PI;
            double[] warp = smoothNoiseArray(20 + rnd.nextDouble() * 20);
            double amount = 10 + rnd.nextDouble() * 30;
            return (x, y) -> {
                double u = x * Math.cos(angle) + y * Math.sin(angle) + amount * warp[(int) y * w + (int) x];
                double frac = u / period - Math.floor(u / period);
                return 0.75 - 0.45 * Math.pow(frac, 3);
            };
        }

        Field dots() {
            double period = 6 + rnd.nextDouble() * 20;
            double radius = period * (0.2 + rnd.nextDouble() * 0.25);
            double angle = rnd.nextDouble() * Math.PI / 2;
            return (x, y) -> {
                double u = x * Math.cos(angle) + y * Math.sin(angle);
                double t = -x * Math.sin(angle) + y * Math.cos(angle);
                double du = u - period * Math.round(u / period);
                double dt = t - period * Math.round(t / period);
                return Math.hypot(du, dt) < radius ? 1 : 0.2;
            };
        }

        Field weave() {
            double period = 8 + rnd.nextDouble() * 20;
            return (x, y) -> {
                int i = (int) Math.floor(x / period);
                int j = (int) Math.floor(y / period);
                double fx = x / period - i;
                double fy = y / period - j;
                boolean over = ((i + j) & 1) == 0;
                double thread = over ? Math.sin(Math.PI * fy) : Math.sin(Math.PI * fx);
                return 0.2 + 0.7 * thread;
            };
        }

        double[] smoothNoiseArray(double sigma) {
            double[] n = new double[w * h];
            for (int i = 0; i < n.length; i++) {
                n[i] = rnd.nextGaussian();
            }
            double[] s = gaussian(n, sigma);
            normalise(s);
            for (int i = 0; i < s.length; i++) {
                s[i] = s[i] * 2 - 1;
            }
            return s;
        }

        void whole(Field f) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    v[y * w + x] = lo * 0.3 + (hi - lo * 0.3) * clamp(f.at(x, y));
                }
            }
        }

        void blur(double sigma) {
            double[] s = gaussian(v, sigma);
            System.arraycopy(s, 0, v, 0, v.length);
        }

        void addNoise(double sigma) {
            for (int i = 0; i < v.length; i++) {
                v[i] += rnd.nextGaussian() * sigma;
            }
        }

        double[] gaussian(double[] in, double sigma) {
            int r = (int) Math.ceil(sigma * 3);
            double[] k = new double[2 * r + 1];
            double sum = 0;
            for (int i = -r; i <= r; i++) {
                k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
                sum += k[i + r];
            }
            for (int i = 0; i < k.length; i++) {
                k[i] /= sum;
            }
            double[] tmp = new double[in.length];
            double[] out = new double[in.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int i = -r; i <= r; i++) {
                        s += k[i + r] * in[y * w + Math.min(w - 1, Math.max(0, x + i))];
                    }
                    tmp[y * w + x] = s;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int i = -r; i <= r; i++) {
                        s += k[i + r] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
                    }
                    out[y * w + x] = s;
                }
            }
            return out;
        }

        static void normalise(double[] a) {
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (double d : a) {
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            for (int i = 0; i < a.length; i++) {
                a[i] = max > min ? (a[i] - min) / (max - min) : 0.5;
            }
        }

        BufferedImage image() {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            // a sepia-like tint on some (photographed prints, wood): cast-free chroma stays near 0
            boolean tint = rnd.nextInt(4) == 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int g = (int) Math.round(clamp(v[y * w + x]) * 255);
                    int rr = g;
                    int gg = g;
                    int bb = g;
                    if (tint) {
                        gg = (int) Math.round(g * 0.85);
                        bb = (int) Math.round(g * 0.65);
                    }
                    img.setRGB(x, y, (rr << 16) | (gg << 8) | bb);
                }
            }
            return img;
        }
    }

    static double clamp(double d) {
        return Math.max(0, Math.min(1, d));
    }

    /** Writes PNGs (and every third as JPEG) of the kinds: OUT PER_KIND SEED [held-out|all]. */
    public static void main(String[] args) {
        Path out = Path.of(args[0]);
        int perKind = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        List<String> kinds = args.length > 3 && args[3].equals("held-out") ? HELD_OUT
                : args.length > 3 && args[3].equals("all") ? concat(DEVELOPMENT, HELD_OUT) : DEVELOPMENT;
        try {
            Files.createDirectories(out);
            int i = 0;
            for (Sample s : generate(kinds, perKind, seed)) {
                String format = i++ % 3 == 2 ? "jpeg" : "png";
                Files.write(out.resolve(s.name() + (format.equals("png") ? ".png" : ".jpg")),
                        FormatVariants.encode(s.image(), format));
            }
            System.out.printf(Locale.ROOT, "%d images in %s%n", i, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
