package dev.brainscan.testing;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated images that are clearly not brain MR slices, in five families (colour photos,
 * screenshots, documents, gradients, noise), deterministic per seed. The measurement set of
 * the NOT_A_BRAIN_MRI check; never dataset files.
 */
public final class NonMriCorpus {
    private NonMriCorpus() {
    }

    public record Sample(String family, String name, BufferedImage image) {
    }

    public static final List<String> FAMILIES = List.of("photo", "screenshot", "document", "gradient", "noise");

    /** {@code perFamily} images of each family. */
    public static List<Sample> generate(int perFamily, long seed) {
        List<Sample> out = new ArrayList<>();
        for (String family : FAMILIES) {
            for (int i = 0; i < perFamily; i++) {
                SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + family.hashCode() * 31L + i);
                int w = 160 + rnd.nextInt(480);
                int h = 160 + rnd.nextInt(480);
                BufferedImage img = switch (family) {
                    case "photo" -> photo(rnd, w, h);
                    case "screenshot" -> screenshot(rnd, w, h);
                    case "document" -> document(rnd, w, h);
                    case "gradient" -> gradient(rnd, w, h);
                    default -> noise(rnd, w, h);
                };
                out.add(new Sample(family, family + "-" + i, img));
            }
        }
        return out;
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    static Color colour(SplittableRandom rnd) {
        return Color.getHSBColor((float) rnd.nextDouble(), 0.3f + (float) rnd.nextDouble() * 0.7f,
                0.2f + (float) rnd.nextDouble() * 0.8f);
    }

    /** Outdoor-like scenes: sky and ground gradients, blobs of colour, sensor noise. */
    static BufferedImage photo(SplittableRandom rnd, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        int horizon = h / 3 + rnd.nextInt(h / 3);
        g.setPaint(new GradientPaint(0, 0, colour(rnd), 0, horizon, colour(rnd)));
        g.fillRect(0, 0, w, horizon);
        g.setPaint(new GradientPaint(0, horizon, colour(rnd), 0, h, colour(rnd)));
        g.fillRect(0, horizon, w, h - horizon);
        for (int i = 0; i < 5 + rnd.nextInt(20); i++) {
            g.setColor(colour(rnd));
            int r = 10 + rnd.nextInt(Math.max(11, Math.min(w, h) / 3));
            g.fillOval(rnd.nextInt(w), rnd.nextInt(h), r, (int) (r * (0.5 + rnd.nextDouble())));
        }
        g.dispose();
        addNoise(img, rnd, 2 + rnd.nextInt(10), true);
        return img;
    }

    /** Application windows: title bar, side bar, panels, buttons and text; light or dark theme. */
    static BufferedImage screenshot(SplittableRandom rnd, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        boolean dark = rnd.nextBoolean();
        Color bg = dark ? new Color(30, 30, 34) : new Color(245, 246, 248);
        Color fg = dark ? new Color(220, 220, 220) : new Color(30, 30, 30);
        g.setColor(bg);
        g.fillRect(0, 0, w, h);
        g.setColor(colour(rnd));
        g.fillRect(0, 0, w, 24);
        g.setColor(dark ? new Color(45, 45, 50) : new Color(225, 228, 232));
        g.fillRect(0, 24, w / 5, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11 + rnd.nextInt(4)));
        for (int y = 40; y < h - 10; y += 18 + rnd.nextInt(8)) {
            g.setColor(fg);
            g.drawString(words(rnd, 3 + rnd.nextInt(8)), w / 5 + 12, y);
            if (rnd.nextInt(5) == 0) {
                g.setColor(colour(rnd));
                g.fillRoundRect(w - 110, y - 12, 90, 20, 8, 8);
            }
        }
        for (int i = 0; i < 3; i++) {
            g.setColor(dark ? new Color(60, 60, 66) : Color.WHITE);
            g.fillRect(w / 5 + 10 + rnd.nextInt(Math.max(1, w / 3)), 30 + rnd.nextInt(Math.max(1, h / 2)),
                    60 + rnd.nextInt(Math.max(1, w / 3)), 30 + rnd.nextInt(Math.max(1, h / 4)));
        }
        g.dispose();
        return img;
    }

    /** Pages of text, some with a table or a figure, some scanned (grey noise, uneven light). */
    static BufferedImage document(SplittableRandom rnd, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        int paper = 235 + rnd.nextInt(21);
        g.setColor(new Color(paper, paper, paper - rnd.nextInt(10)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(20, 20, 20));
        int size = 9 + rnd.nextInt(8);
        g.setFont(new Font(rnd.nextBoolean() ? Font.SERIF : Font.SANS_SERIF, Font.PLAIN, size));
        for (int y = 30; y < h - 20; y += size + 5) {
            g.drawString(words(rnd, 6 + rnd.nextInt(10)), 20, y);
        }
        if (rnd.nextBoolean()) {
            g.setStroke(new BasicStroke(1));
            int tx = w / 4;
            int ty = h / 2;
            for (int r = 0; r < 5; r++) {
                g.drawLine(tx, ty + r * 16, tx + w / 2, ty + r * 16);
            }
        }
        g.dispose();
        if (rnd.nextBoolean()) {
            addNoise(img, rnd, 3 + rnd.nextInt(8), false); // scanned
        }
        return img;
    }

    /** Linear, radial and diagonal gradients, grey or coloured, some dithered. */
    static BufferedImage gradient(SplittableRandom rnd, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        boolean grey = rnd.nextBoolean();
        Color a = grey ? new Color(rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(60)) : colour(rnd);
        Color b = grey ? Color.getHSBColor(0, 0, 0.6f + (float) rnd.nextDouble() * 0.4f) : colour(rnd);
        if (grey) {
            int v = a.getRed();
            a = new Color(v, v, v);
        }
        switch (rnd.nextInt(3)) {
            case 0 -> g.setPaint(new GradientPaint(0, 0, a, w, 0, b));
            case 1 -> g.setPaint(new GradientPaint(0, 0, a, w, h, b));
            default -> g.setPaint(new RadialGradientPaint(new Point2D.Float(w / 2f, h / 2f), Math.max(w, h) / 2f,
                    new float[] {0f, 1f}, new Color[] {b, a}, MultipleGradientPaint.CycleMethod.NO_CYCLE));
        }
        g.fillRect(0, 0, w, h);
        g.dispose();
        if (rnd.nextInt(3) == 0) {
            addNoise(img, rnd, 1 + rnd.nextInt(3), !grey);
        }
        return img;
    }

    /** Uniform, Gaussian, salt-and-pepper and blocky noise, grey or coloured. */
    static BufferedImage noise(SplittableRandom rnd, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int kind = rnd.nextInt(4);
        boolean colour = rnd.nextBoolean();
        int block = 2 + rnd.nextInt(6);
        int[] blockValues = new int[(w / block + 1) * (h / block + 1) * 3];
        for (int i = 0; i < blockValues.length; i++) {
            blockValues[i] = rnd.nextInt(256);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] c = new int[3];
                for (int k = 0; k < 3; k++) {
                    int v = switch (kind) {
                        case 0 -> rnd.nextInt(256);
                        case 1 -> (int) Math.round(128 + rnd.nextGaussian() * 50);
                        case 2 -> rnd.nextInt(10) == 0 ? (rnd.nextBoolean() ? 255 : 0) : 128;
                        default -> blockValues[((y / block) * (w / block + 1) + x / block) * 3 + k];
                    };
                    c[k] = Math.max(0, Math.min(255, v));
                    if (!colour) {
                        c[1] = c[2] = c[0];
                        break;
                    }
                }
                img.setRGB(x, y, (c[0] << 16) | (c[1] << 8) | c[2]);
            }
        }
        return img;
    }

    static void addNoise(BufferedImage img, SplittableRandom rnd, int sigma, boolean colour) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                double n = rnd.nextGaussian() * sigma;
                int r = clamp(((p >> 16) & 0xff) + (int) Math.round(colour ? rnd.nextGaussian() * sigma : n));
                int gr = clamp(((p >> 8) & 0xff) + (int) Math.round(colour ? rnd.nextGaussian() * sigma : n));
                int b = clamp((p & 0xff) + (int) Math.round(colour ? rnd.nextGaussian() * sigma : n));
                img.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
    }

    static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    static String words(SplittableRandom rnd, int n) {
        String[] vocab = {"patient", "report", "the", "result", "of", "scan", "and", "file", "settings", "open", "view",
            "window", "data", "image", "date", "name", "total", "page", "table", "figure", "summary", "review"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(vocab[rnd.nextInt(vocab.length)]);
        }
        return sb.toString();
    }
}
