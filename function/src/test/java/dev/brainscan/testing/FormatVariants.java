package dev.brainscan.testing;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * One generated slice ({@code fixtures/phantom.png}) in every format and pixel layout the
 * decoder accepts. The WebP and CMYK files come from {@code fixtures/make_fixtures.py}
 * (no Java encoder writes them); the rest are encoded here.
 */
public final class FormatVariants {
    private FormatVariants() {
    }

    public static byte[] fixture(String name) {
        try (InputStream in = FormatVariants.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static BufferedImage phantom() {
        try {
            BufferedImage src = ImageIO.read(new java.io.ByteArrayInputStream(fixture("phantom.png")));
            BufferedImage rgb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            rgb.getGraphics().drawImage(src, 0, 0, null);
            return rgb;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Name -> encoded bytes; "jpeg" is the original the others are compared with. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> out = fromImage(phantom());
        out.put("webp-lossless", fixture("phantom-lossless.webp"));
        out.put("jpeg-cmyk", fixture("phantom-cmyk.jpg"));
        out.put("webp-lossy", fixture("phantom-lossy.webp"));
        return out;
    }

    /** Every variant Java can encode of a (greyscale-content) RGB image. */
    public static Map<String, byte[]> fromImage(BufferedImage rgb) {
        BufferedImage grey = grey(rgb);
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("jpeg", jpeg(rgb, false, 0.95f));
        out.put("png", encode(rgb, "png"));
        out.put("bmp", encode(rgb, "bmp"));
        out.put("jpeg-progressive", jpeg(rgb, true, 0.95f));
        out.put("jpeg-grey", jpeg(grey, false, 0.95f));
        out.put("png-grey-alpha", encode(greyAlpha(grey), "png"));
        out.put("png-16bit-grey", encode(grey16(grey), "png"));
        out.put("png-16bit-rgb", encode(rgb16(rgb), "png"));
        out.put("png-palette", encode(palette(grey), "png"));
        out.put("gif-first-frame", gifTwoFrames(palette(grey)));
        return out;
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format + " / type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] jpeg(BufferedImage image, boolean progressive, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    public static BufferedImage grey(BufferedImage rgb) {
        BufferedImage g = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = g.getRaster();
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                r.setSample(x, y, 0, rgb.getRaster().getSample(x, y, 0));
            }
        }
        return g;
    }

    static BufferedImage greyAlpha(BufferedImage grey) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(grey.getWidth(), grey.getHeight());
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                r.setSample(x, y, 0, grey.getRaster().getSample(x, y, 0));
                r.setSample(x, y, 1, 255);
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    static BufferedImage grey16(BufferedImage grey) {
        BufferedImage g = new BufferedImage(grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                g.getRaster().setSample(x, y, 0, grey.getRaster().getSample(x, y, 0) * 257);
            }
        }
        return g;
    }

    static BufferedImage rgb16(BufferedImage rgb) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(rgb.getWidth(), rgb.getHeight());
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                r.setSample(x, y, 0, ((p >> 16) & 0xff) * 257);
                r.setSample(x, y, 1, ((p >> 8) & 0xff) * 257);
                r.setSample(x, y, 2, (p & 0xff) * 257);
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    static BufferedImage palette(BufferedImage grey) {
        byte[] levels = new byte[256];
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) i;
        }
        IndexColorModel cm = new IndexColorModel(8, 256, levels, levels, levels);
        BufferedImage p = new BufferedImage(grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, cm);
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                p.getRaster().setSample(x, y, 0, grey.getRaster().getSample(x, y, 0));
            }
        }
        return p;
    }

    /** A two-frame GIF whose second frame is white: only the first may be classified. */
    static byte[] gifTwoFrames(BufferedImage first) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            writer.writeToSequence(new IIOImage(first, null, null), null);
            BufferedImage white = palette(first);
            for (int y = 0; y < white.getHeight(); y++) {
                for (int x = 0; x < white.getWidth(); x++) {
                    white.getRaster().setSample(x, y, 0, 255);
                }
            }
            writer.writeToSequence(new IIOImage(white, null, null), null);
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
