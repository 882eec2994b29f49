package dev.brainscan.testing;

import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.phantom.Phantom;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the generated seeds of the per-family fuzz targets ({@code gen-*} files in
 * {@code ClassifyFuzzTestInputs/<family>/}): layouts of each family Java can encode and the
 * small hostile samples of {@link HostileCorpus} (every class of issue 15 that fits in
 * 12 KB), so the fuzzer starts inside each decoder's odd paths. Run only on demand:
 * {@code -Dtest=FuzzSeeds -Dbrainscan.fuzzSeeds.write=true}; the files are committed.
 */
class FuzzSeeds {
    static final int MAX_SEED = 12_400; // the largest plain seed, a 64x64 BMP
    static final Path DIR = Path.of("src/test/resources/dev/brainscan/core/ClassifyFuzzTestInputs");

    /** Name (with extension) -> bytes, every one sniffed into its family's directory. */
    static Map<String, byte[]> generate() {
        BufferedImage big = FormatVariants.phantom();
        BufferedImage phantom = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
        phantom.getGraphics().drawImage(big, 0, 0, 64, 64, null);
        byte[] lossy = read("classify/seed-phantom-lossy.webp");
        byte[] lossless = read("classify/seed-phantom.webp");
        BufferedImage grey = FormatVariants.grey(phantom);
        byte[] smallJpeg = FormatVariants.jpeg(phantom, false, 0.8f);
        byte[] progressive = FormatVariants.jpeg(phantom, true, 0.8f);
        byte[] png = FormatVariants.encode(phantom, "png");
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("jpeg-progressive.jpeg", progressive);
        out.put("jpeg-grey.jpeg", FormatVariants.jpeg(grey, false, 0.8f));
        out.put("jpeg-icc-claims-0x7fffffff.jpeg", HostileCorpus.jpegWithIcc(smallJpeg, 0x7FFFFFFF));
        out.put("jpeg-progressive-40-scans.jpeg", HostileCorpus.repeatSmallestScan(progressive, 40));
        out.put("jpeg-arithmetic-coded.jpeg", HostileCorpus.withFrameMarker(smallJpeg, 0xC9));
        out.put("jpeg-header-65000x65000.jpeg", HostileCorpus.jpegHeader(65000, 65000));
        out.put("png-16bit-grey.png", FormatVariants.encode(FormatVariants.grey16(grey), "png"));
        out.put("png-palette.png", FormatVariants.encode(FormatVariants.palette(grey), "png"));
        out.put("png-grey-alpha.png", FormatVariants.encode(FormatVariants.greyAlpha(grey), "png"));
        out.put("png-ztxt-itxt-bomb.png", HostileCorpus.pngWithTextBombs(png, 1));
        out.put("png-header-46000x46000.png", HostileCorpus.pngHeaderOnly(46000, 46000));
        out.put("webp-canvas-32-frame-64.webp", HostileCorpus.webpCanvasDisagrees(lossy, 32, 32));
        out.put("webp-iccp-claims-0x7fffffff.webp", HostileCorpus.webpWithIcc(lossless, 0x7FFFFFFF));
        out.put("webp-lossless-64x15364-no-pixel-data.webp", HostileCorpus.vp8lPlain(64, 15364, 0));
        out.put("bmp-header-50000x50000.bmp", HostileCorpus.bmpHeader(50000, 50000));
        out.put("bmp-embedded-jpeg-size-0x7ffffff0.bmp", HostileCorpus.bmpEmbedded(4, 0x7FFFFFF0, smallJpeg));
        out.put("bmp-embedded-png-46000x46000.bmp", HostileCorpus.bmpEmbedded(5, 0,
                HostileCorpus.pngHeaderOnly(46000, 46000)));
        out.put("bmp-rle8-size-field-0x7ffffff0.bmp", HostileCorpus.bmpRle8(0x7FFFFFF0));
        out.put("gif-two-frames.gif", FormatVariants.gifTwoFrames(FormatVariants.palette(grey)));
        out.put("gif-header-65535x65535.gif", HostileCorpus.gifHeader(65535, 65535));
        for (HostileCorpus.Case c : HostileCorpus.dicom()) {
            out.put(c.name() + ".dcm", c.bytes());
        }
        out.values().removeIf(b -> b.length > MAX_SEED);
        return out;
    }

    private static byte[] read(String seed) {
        try {
            return Files.readAllBytes(DIR.resolve(seed));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "brainscan.fuzzSeeds.write", matches = "true")
    void write() throws IOException {
        generate().forEach((name, bytes) -> {
            ImageDecoder.Format format = ImageDecoder.sniff(bytes);
            String family = format == null ? name.substring(0, name.indexOf('-')) : format.name().toLowerCase(Locale.ROOT);
            try {
                Files.write(DIR.resolve(family).resolve("gen-" + name), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
