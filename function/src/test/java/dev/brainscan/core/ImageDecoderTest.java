package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.testing.FormatVariants;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageDecoderTest {
    static final ImageDecoder DECODER = new ImageDecoder(Limits.DEFAULT);
    static final byte[] ORIGINAL = ImageDecoder.toRgb(FormatVariants.phantom());

    static Stream<Arguments> variants() {
        return FormatVariants.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void decode_everyFormatAndLayout_givesTheSlicesPixelsAsRgb(String name, byte[] bytes) throws ScanException {
        RgbImage image = DECODER.decode(bytes);

        assertEquals(240, image.width());
        assertEquals(240, image.height());
        assertEquals(name.split("-")[0], image.format());
        double meanDiff = 0;
        int maxDiff = 0;
        for (int i = 0; i < ORIGINAL.length; i++) {
            int d = Math.abs((image.rgb()[i] & 0xff) - (ORIGINAL[i] & 0xff));
            meanDiff += d;
            maxDiff = Math.max(maxDiff, d);
        }
        meanDiff /= ORIGINAL.length;
        boolean lossless = !name.startsWith("jpeg") && !name.equals("webp-lossy");
        if (lossless) {
            assertEquals(0, maxDiff, name + " is lossless: pixels must be exact");
        } else {
            // Lossy codecs (and CMYK's colour conversion) move pixels a little, never the picture.
            assertTrue(meanDiff < 4, name + " mean |diff| " + meanDiff);
        }
    }

    @Test
    void decode_greyJpeg_isNotBrightenedByColourConversion() throws ScanException {
        BufferedImage grey = FormatVariants.grey(FormatVariants.phantom());
        RgbImage image = DECODER.decode(FormatVariants.jpeg(grey, false, 1.0f));
        double mean = 0;
        double originalMean = 0;
        for (int i = 0; i < ORIGINAL.length; i++) {
            mean += image.rgb()[i] & 0xff;
            originalMean += ORIGINAL[i] & 0xff;
        }
        assertEquals(originalMean / ORIGINAL.length, mean / ORIGINAL.length, 1.0);
    }

    @Test
    void decode_gif_takesTheFirstFrameOnly() throws ScanException {
        RgbImage image = DECODER.decode(FormatVariants.all().get("gif-first-frame"));
        assertArrayEquals(ORIGINAL, image.rgb());
    }

    @Test
    void sniff_decidesByContentNotByName() {
        Map<String, byte[]> all = FormatVariants.all();
        assertEquals(ImageDecoder.Format.PNG, ImageDecoder.sniff(all.get("png")));
        assertEquals(ImageDecoder.Format.JPEG, ImageDecoder.sniff(all.get("jpeg-cmyk")));
        assertEquals(ImageDecoder.Format.WEBP, ImageDecoder.sniff(all.get("webp-lossless")));
        assertEquals(ImageDecoder.Format.BMP, ImageDecoder.sniff(all.get("bmp")));
        assertEquals(ImageDecoder.Format.GIF, ImageDecoder.sniff(all.get("gif-first-frame")));
    }

    static Stream<Arguments> notImages() {
        byte[] random = new byte[4096];
        new Random(3).nextBytes(random);
        random[0] = 0x12;
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("text", "patient: J. Doe\nresult: fine\n".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("svg", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"
                        .getBytes(StandardCharsets.UTF_8)),
                Arguments.of("random", random),
                Arguments.of("BM-prefixed text", "BM this is not a bitmap at all".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notImages")
    void decode_contentThatIsNoAcceptedImage_isUnsupportedFormat(String name, byte[] bytes) {
        ScanException e = assertThrows(ScanException.class, () -> DECODER.decode(bytes));
        assertEquals(ErrorCode.UNSUPPORTED_FORMAT, e.code());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void decode_truncatedFile_isCorruptImage(String name, byte[] bytes) {
        byte[] truncated = Arrays.copyOf(bytes, bytes.length * 2 / 3);
        ScanException e = assertThrows(ScanException.class, () -> DECODER.decode(truncated), name);
        assertEquals(ErrorCode.CORRUPT_IMAGE, e.code(), name + ": " + e.getMessage());
    }

    @Test
    void decode_overTheByteLimit_isTooLargeBeforeDecoding() {
        ImageDecoder small = new ImageDecoder(new Limits(1000, Limits.DEFAULT_MAX_PIXELS, 32));
        ScanException e = assertThrows(ScanException.class, () -> small.decode(FormatVariants.all().get("png")));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("limit is 1000 bytes"), e.getMessage());
    }

    @Test
    void decode_overThePixelLimit_isTooLargeFromTheHeader() {
        ImageDecoder small = new ImageDecoder(new Limits(Limits.DEFAULT_MAX_BYTES, 240 * 239, 32));
        ScanException e = assertThrows(ScanException.class, () -> small.decode(FormatVariants.all().get("jpeg")));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, e.code());
    }
}
