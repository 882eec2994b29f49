package dev.brainscan.phantom;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Synthetic axial brain-MR-like slices: a dark background, a bright skull ring, textured
 * tissue, dark ventricles and, optionally, a bright lesion with a darker rim. Never a real
 * scan: the sample input of the README, the SnapStart priming image, the benchmark's default
 * and the tests' scans. What the model says about a phantom means nothing clinically.
 */
public final class Phantom {
    private Phantom() {
    }

    /** Where the lesion sits, in pixels of the returned image (radius 0 when there is none). */
    public record Lesion(int x, int y, int radius) {
    }

    public record Slice(BufferedImage image, Lesion lesion) {
    }

    public static Slice generate(long seed, int width, int height, boolean lesion) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double cx = width / 2.0 + (rnd.nextDouble() - 0.5) * width * 0.04;
        double cy = height / 2.0 + (rnd.nextDouble() - 0.5) * height * 0.04;
        double ax = width * (0.36 + rnd.nextDouble() * 0.05);
        double ay = height * (0.42 + rnd.nextDouble() * 0.05);
        double skull = 0.05 + rnd.nextDouble() * 0.02;
        double tissue = 95 + rnd.nextDouble() * 35;
        double[] fx = new double[4], fy = new double[4], ph = new double[4], amp = new double[4];
        for (int i = 0; i < 4; i++) {
            fx[i] = (rnd.nextDouble() * 2 - 1) * 0.12;
            fy[i] = (rnd.nextDouble() * 2 - 1) * 0.12;
            ph[i] = rnd.nextDouble() * Math.PI * 2;
            amp[i] = 4 + rnd.nextDouble() * 8;
        }
        Lesion where = new Lesion(0, 0, 0);
        if (lesion) {
            double angle = rnd.nextDouble() * Math.PI * 2;
            double dist = 0.25 + rnd.nextDouble() * 0.35;
            int r = (int) Math.round(Math.min(ax, ay) * (0.16 + rnd.nextDouble() * 0.10));
            where = new Lesion((int) Math.round(cx + Math.cos(angle) * ax * dist),
                    (int) Math.round(cy + Math.sin(angle) * ay * dist), r);
        }
        double lesionLevel = 200 + rnd.nextDouble() * 40;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double dx = (x - cx) / ax;
                double dy = (y - cy) / ay;
                double r = Math.sqrt(dx * dx + dy * dy);
                double v = rnd.nextDouble() * 6; // background noise
                if (r < 1.0) {
                    double inner = 1.0 - skull;
                    if (r > inner) {
                        v = 215 + 20 * Math.sin(r * 40); // skull and scalp
                    } else {
                        double t = tissue;
                        for (int i = 0; i < 4; i++) {
                            t += amp[i] * Math.sin(fx[i] * x + fy[i] * y + ph[i]);
                        }
                        t *= smooth(inner - r, 0.0, 0.04) * 0.6 + 0.4; // darker CSF rim under the skull
                        double vx = Math.abs(dx) - 0.12;
                        double vy = dy / 0.35;
                        if (vx * vx / 0.01 + vy * vy < 1 && Math.abs(dx) > 0.03) {
                            t = 35 + rnd.nextDouble() * 10; // ventricles
                        }
                        if (where.radius() > 0) {
                            double d = Math.hypot(x - where.x(), y - where.y()) / where.radius();
                            if (d < 1.0) {
                                t = lesionLevel - 25 * d * d;
                            } else if (d < 1.5) {
                                t *= 0.75; // oedema rim
                            }
                        }
                        v = t + (rnd.nextDouble() - 0.5) * 10;
                    }
                }
                byte b = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
                int o = (y * width + x) * 3;
                data[o] = b;
                data[o + 1] = b;
                data[o + 2] = b;
            }
        }
        return new Slice(img, where);
    }

    /** A lesion-free or lesioned phantom, as a baseline JPEG. */
    public static byte[] jpeg(long seed, int width, int height, boolean lesion) {
        return encode(generate(seed, width, height, lesion).image(), "jpeg");
    }

    /** The same phantom as a single-channel (greyscale) baseline JPEG. */
    public static byte[] greyJpeg(long seed, int width, int height, boolean lesion) {
        BufferedImage colour = generate(seed, width, height, lesion).image();
        BufferedImage grey = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = grey.createGraphics();
        try {
            g.drawImage(colour, 0, 0, null);
        } finally {
            g.dispose();
        }
        return encode(grey, "jpeg");
    }

    public static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double smooth(double v, double lo, double hi) {
        double t = Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
        return t * t * (3 - 2 * t);
    }
}
