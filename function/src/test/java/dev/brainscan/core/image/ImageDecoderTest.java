package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.phantom.Phantom;
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

    private static ErrorCode codeOf(ImageDecoder decoder, byte[] bytes) {
        return assertThrows(ScanException.class, () -> decoder.decode(bytes)).code();
    }

    @Test
    void decode_readerPastItsTimeBudget_isAbortedAndTooLarge() {
        byte[] big = Phantom.jpeg(3, 2000, 2000, false);
        ImageDecoder impatient = new ImageDecoder(Limits.DEFAULT, java.time.Duration.ofMillis(1));
        ScanException e = assertThrows(ScanException.class, () -> impatient.decode(big));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void decode_progressiveScansTimesPixels_isBoundedBeforeDecoding() throws ScanException {
        byte[] progressive = FormatVariants.jpeg(FormatVariants.phantom(), true, 0.9f);
        ImageDecoder small = new ImageDecoder(new Limits(Limits.DEFAULT_MAX_BYTES, 240 * 240, 32));
        small.decode(progressive); // its ~10 scans are within 16 passes over the pixel limit
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, codeOf(small, dev.brainscan.testing.HostileCorpus.repeatSmallestScan(
                progressive, 20)));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, codeOf(DECODER, dev.brainscan.testing.HostileCorpus.repeatSmallestScan(
                progressive, JpegGuard.MAX_SCANS + 1)));
    }

    @Test
    void decode_validSmallIccProfileIsKept_oversizedOrLyingOnesAreDropped() throws ScanException {
        byte[] jpeg = FormatVariants.jpeg(FormatVariants.phantom(), false, 0.95f);
        byte[] srgb = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_sRGB).getData();
        byte[] withSrgb = dev.brainscan.testing.HostileCorpus.jpegWithIccProfile(jpeg, srgb);
        ContainerGuard.Checked kept = new JpegGuard().check(withSrgb, Limits.DEFAULT);
        assertEquals(jpeg.length + srgb.length + 18, kept.bytes().length, "a valid sRGB profile is passed on");
        byte[] lying = dev.brainscan.testing.HostileCorpus.jpegWithIcc(jpeg, 0x7FFFFFFF);
        assertEquals(jpeg.length, new JpegGuard().check(lying, Limits.DEFAULT).bytes().length);
        assertEquals(240, DECODER.decode(lying).width());
        assertEquals(240, DECODER.decode(withSrgb).width());
    }

    @Test
    void sniff_textStartingWithBm_isNotABitmap() {
        byte[] text = "BM this is a note, not a bitmap, whatever its header bytes say".repeat(20)
                .getBytes(StandardCharsets.US_ASCII);
        text[14] = 40;
        text[15] = 0;
        text[16] = 0;
        text[17] = 0;
        assertEquals(null, ImageDecoder.sniff(text));
        assertEquals(ErrorCode.UNSUPPORTED_FORMAT, codeOf(DECODER, text));
    }

    @Test
    void decode_truncatedUncompressedBmp_isCorruptBeforeTheReader() {
        byte[] bmp = FormatVariants.encode(FormatVariants.phantom(), "bmp");
        assertEquals(ErrorCode.CORRUPT_IMAGE, codeOf(DECODER, Arrays.copyOf(bmp, bmp.length / 2)));
    }

    @Test
    void decode_pngTextAndIccChunks_areDroppedUnread() throws ScanException {
        byte[] png = FormatVariants.encode(FormatVariants.phantom(), "png");
        byte[] bombed = dev.brainscan.testing.HostileCorpus.pngWithTextBombs(png, 2);
        assertArrayEquals(png, new PngGuard().check(bombed, Limits.DEFAULT).bytes());
    }

    @Test
    void decode_webpIccpChunk_isDroppedAndItsFlagCleared() throws ScanException {
        byte[] webp = FormatVariants.fixture("phantom-lossless.webp");
        byte[] withIcc = dev.brainscan.testing.HostileCorpus.webpWithIcc(webp, 0x7FFFFFFF);
        byte[] clean = new WebpGuard().check(withIcc, Limits.DEFAULT).bytes();
        assertEquals(0, clean[20] & 0x20, "VP8X no longer announces an ICC profile");
        assertEquals(-1, new String(clean, StandardCharsets.ISO_8859_1).indexOf("ICCP"));
        assertArrayEquals(DECODER.decode(webp).rgb(), DECODER.decode(withIcc).rgb());
    }

    @Test
    void decode_losslessWebpWithoutPixelData_isCorruptAtOnce() {
        byte[] hostile = dev.brainscan.testing.HostileCorpus.vp8lPlain(64, 15364, 0);
        long start = System.nanoTime();
        ScanException e = assertThrows(ScanException.class, () -> DECODER.decode(hostile));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(ErrorCode.CORRUPT_IMAGE, e.code());
        assertTrue(seconds < 2.0, "took " + seconds + " s");
    }

    @Test
    void decode_losslessWebpWithAllItsPixelData_decodes() throws ScanException {
        byte[] valid = dev.brainscan.testing.HostileCorpus.vp8lPlain(64, 15364, 64 * 15364 / 2);
        RgbImage image = DECODER.decode(valid);
        assertEquals(64, image.sourceWidth());
        assertEquals(15364, image.sourceHeight());
        // 600 bytes short of the data: the last 1200 pixels' bits are missing, and that is reported
        byte[] cut = dev.brainscan.testing.HostileCorpus.vp8lPlain(64, 15364, 64 * 15364 / 2 - 600);
        assertEquals(ErrorCode.CORRUPT_IMAGE, assertThrows(ScanException.class, () -> DECODER.decode(cut)).code());
    }

    @Test
    void decode_animatedWebp_isUnsupported() {
        byte[] webp = FormatVariants.fixture("phantom-lossless.webp");
        byte[] animated = dev.brainscan.testing.HostileCorpus.webpWithIcc(webp, 1000);
        animated[20] = 0x02; // VP8X animation flag
        assertEquals(ErrorCode.UNSUPPORTED_FORMAT, codeOf(DECODER, animated));
    }
}
