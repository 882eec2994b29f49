package dev.brainscan.core.image.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.DicomWriter;
import dev.brainscan.testing.FormatVariants;
import dev.brainscan.testing.Prerequisites;
import dev.brainscan.testing.TestModels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every transfer syntax as real tools write it (Debian's dcmtk and GDCM, installed by
 * .ci/run), from generated phantoms: lossless syntaxes give exactly the uncompressed pixels,
 * JPEG baseline nearly, near-lossless JPEG-LS and lossy JPEG 2000 exactly what dcmtk and GDCM
 * decode; a code stream whose size disagrees with the header is corrupt; img2dcm's
 * encapsulation of a JPEG (grey or colour) scores exactly as the JPEG itself.
 */
class DicomCodecsTest {
    static final ScanClassifier CLASSIFIER = TestModels.classifier();

    @TempDir
    static Path dir;

    static Path base8;
    static Path base16;
    static Path multi;
    static byte[] grey8;

    @BeforeAll
    static void tools() throws IOException {
        Prerequisites.require(Files.isExecutable(Path.of("/usr/bin/dcmcjpeg")), "dcmtk (dcmcjpeg, dcmcrle, img2dcm)");
        Prerequisites.require(Files.isExecutable(Path.of("/usr/bin/gdcmconv")), "libgdcm-tools (gdcmconv)");
        BufferedImage slice = Phantom.generate(41, 192, 200, true).image();
        grey8 = DicomImageTest.grey(slice);
        base8 = Files.write(dir.resolve("base8.dcm"), DicomWriter.mr8(slice).bytes());
        byte[] px = new byte[grey8.length * 2];
        for (int i = 0; i < grey8.length; i++) {
            int v = (grey8[i] & 0xff) * 16 + 7;
            px[i * 2] = (byte) v;
            px[i * 2 + 1] = (byte) (v >> 8);
        }
        base16 = Files.write(dir.resolve("base16.dcm"), DicomWriter.mr(192, 200, 16, px, "1").us(0x00280101, 12)
                .us(0x00280102, 11).set(0x00281050, "DS", "2047").set(0x00281051, "DS", "4096").bytes());
        byte[] frames = new byte[grey8.length * 3];
        for (int f = 0; f < 3; f++) {
            System.arraycopy(DicomImageTest.grey(Phantom.generate(42 + f, 192, 200, f != 1).image()), 0, frames,
                    f * grey8.length, grey8.length);
        }
        multi = Files.write(dir.resolve("multi.dcm"), DicomWriter.mr(192, 200, 8, frames, "1")
                .set(0x00280008, "IS", "3").bytes());
    }

    static Path run(String name, String... command) throws Exception {
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.add(out.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + log);
        return out;
    }

    static String syntax(Path file) throws Exception {
        return new ImageDecoder(Limits.DEFAULT).dicom(Files.readAllBytes(file)).info().transferSyntax();
    }

    static List<byte[]> frames(Path file) throws Exception {
        DicomImage d = new ImageDecoder(Limits.DEFAULT).dicom(Files.readAllBytes(file));
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < d.frames(); i++) {
            out.add(ImageDecoder.image(d.frame(i)).rgb());
        }
        return out;
    }

    @Test
    void losslessSyntaxes_giveExactlyTheUncompressedPixels() throws Exception {
        for (Path base : List.of(base8, base16, multi)) {
            List<byte[]> expected = frames(base);
            String n = base.getFileName().toString();
            Path[] variants = {
                run("rle-" + n, "dcmcrle", base.toString()),
                run("sv1-" + n, "dcmcjpeg", "--encode-lossless-sv1", base.toString()),
                run("p14-" + n, "dcmcjpeg", "--encode-lossless", base.toString()),
                run("implicit-" + n, "dcmconv", "--write-xfer-implicit", base.toString()),
                run("deflated-" + n, "dcmconv", "--write-xfer-deflated", base.toString()),
            };
            String[] syntaxes = {"1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.57",
                "1.2.840.10008.1.2", "1.2.840.10008.1.2.1.99"};
            for (int v = 0; v < variants.length; v++) {
                assertEquals(syntaxes[v], syntax(variants[v]));
                List<byte[]> got = frames(variants[v]);
                assertEquals(expected.size(), got.size(), variants[v].toString());
                for (int f = 0; f < got.size(); f++) {
                    assertArrayEquals(expected.get(f), got.get(f), variants[v] + " frame " + f);
                }
            }
        }
    }

    @Test
    void jpegBaseline_isCloseAndScoresAlike() throws Exception {
        Path baseline = run("baseline.dcm", "dcmcjpeg", "--encode-baseline", base8.toString());
        assertEquals("1.2.840.10008.1.2.4.50", syntax(baseline));
        byte[] a = frames(base8).get(0);
        byte[] b = frames(baseline).get(0);
        long diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        assertTrue(diff / (double) a.length < 3, "mean abs difference " + diff / (double) a.length);
        ScanResult x = CLASSIFIER.classify(Files.readAllBytes(base8), "x", Map.of());
        ScanResult y = CLASSIFIER.classify(Files.readAllBytes(baseline), "y", Map.of());
        assertFalse(y.failed(), () -> Json.write(y));
        assertEquals(x.score(), y.score(), 0.05);
        List<ScanResult> multiBaseline = CLASSIFIER.classifyAll(
                Files.readAllBytes(run("baseline-multi.dcm", "dcmcjpeg", "--encode-baseline", multi.toString())),
                "m", Map.of());
        assertEquals(3, multiBaseline.size());
        multiBaseline.forEach(r -> assertFalse(r.failed(), () -> Json.write(r)));
    }

    @Test
    void twelveBitJpegExtended_isAResultOrUnsupportedNamingTheSyntax() throws Exception {
        Path extended = run("extended16.dcm", "dcmcjpeg", "--encode-extended", base16.toString());
        ScanResult r = CLASSIFIER.classify(Files.readAllBytes(extended), "ext", Map.of());
        if (r.failed()) {
            assertEquals(ErrorCode.UNSUPPORTED_FORMAT, r.error().code());
            assertTrue(r.error().message().contains("1.2.840.10008.1.2.4.51"), r.error().message());
        }
    }

    /** A signed 12-bit copy of base16 (stored values -1792..1778), for the codecs' signed paths. */
    static Path signed16() throws IOException {
        Path p = dir.resolve("signed16.dcm");
        if (!Files.exists(p)) {
            byte[] px = new byte[grey8.length * 2];
            for (int i = 0; i < grey8.length; i++) {
                int v = (grey8[i] & 0xff) * 14 - 1792;
                px[i * 2] = (byte) v;
                px[i * 2 + 1] = (byte) (v >> 8);
            }
            Files.write(p, DicomWriter.mr(192, 200, 16, px, "1").us(0x00280101, 12).us(0x00280102, 11)
                    .us(0x00280103, 1).bytes());
        }
        return p;
    }

    static void assertSameFrames(Path expected, Path actual) throws Exception {
        List<byte[]> want = frames(expected);
        List<byte[]> got = frames(actual);
        assertEquals(want.size(), got.size(), actual.toString());
        for (int f = 0; f < got.size(); f++) {
            assertArrayEquals(want.get(f), got.get(f), actual + " frame " + f);
        }
    }

    @Test
    void jpegLsAndJpeg2000Lossless_giveExactlyTheUncompressedPixels() throws Exception {
        for (Path base : List.of(base8, base16, signed16(), multi)) {
            String n = base.getFileName().toString();
            Path[] variants = {
                run("dcmcjpls-" + n, "dcmcjpls", base.toString()),
                run("gdcm-jls-" + n, "gdcmconv", "--jpegls", base.toString()),
                run("gdcm-j2k-" + n, "gdcmconv", "--j2k", base.toString()),
            };
            String[] syntaxes = {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90"};
            for (int v = 0; v < variants.length; v++) {
                assertEquals(syntaxes[v], syntax(variants[v]));
                assertSameFrames(base, variants[v]);
            }
        }
    }

    @Test
    void colourJpegLsAndJpeg2000_giveExactlyTheUncompressedPixels() throws Exception {
        // A colour JPEG as img2dcm wraps it, decompressed to RGB, then as archives recompress it:
        // dcmcjpls (line-interleaved), GDCM's JPEG-LS and JPEG 2000 (with its colour transform).
        BufferedImage slice = Phantom.generate(44, 200, 208, true).image();
        Path jpg = Files.write(dir.resolve("colour.jpg"), FormatVariants.jpeg(slice, false, 0.92f));
        Path rgb = run("colour-rgb.dcm", "dcmdjpeg", run("colour-img2dcm.dcm", "img2dcm", "-k", "Modality=MR",
                jpg.toString()).toString());
        for (Path variant : List.of(run("colour-dcmcjpls.dcm", "dcmcjpls", rgb.toString()),
                run("colour-gdcm-jls.dcm", "gdcmconv", "--jpegls", rgb.toString()),
                run("colour-gdcm-j2k.dcm", "gdcmconv", "--j2k", rgb.toString()))) {
            assertSameFrames(rgb, variant);
        }
    }

    @Test
    void nearLosslessJpegLsAndLossyJpeg2000_giveExactlyWhatDcmtkAndGdcmDecode() throws Exception {
        // The reference decodes: dcmdjpls (CharLS inside dcmtk) and gdcmconv --raw (OpenJPEG inside GDCM).
        for (Path base : List.of(base8, base16, multi)) {
            String n = base.getFileName().toString();
            Path near = run("near-" + n, "dcmcjpls", "--encode-nearlossless", "--max-deviation", "3", base.toString());
            assertEquals("1.2.840.10008.1.2.4.81", syntax(near));
            assertSameFrames(run("near-decoded-" + n, "dcmdjpls", near.toString()), near);
            Path lossy = run("j2k-lossy-" + n, "gdcmconv", "--j2k", "--lossy", "-r", "10", base.toString());
            assertEquals("1.2.840.10008.1.2.4.91", syntax(lossy));
            assertSameFrames(run("j2k-lossy-decoded-" + n, "gdcmconv", "--raw", lossy.toString()), lossy);
        }
        // Signed lossy data: JJ2000 and OpenJPEG round the irreversible wavelet's output differently
        // in a few samples (the standard leaves lossy decoders that latitude): at most one grey level.
        Path signedLossy = run("j2k-lossy-signed.dcm", "gdcmconv", "--j2k", "--lossy", "-r", "10",
                signed16().toString());
        byte[] want = frames(run("j2k-lossy-signed-decoded.dcm", "gdcmconv", "--raw", signedLossy.toString())).get(0);
        byte[] got = frames(signedLossy).get(0);
        int differ = 0;
        for (int i = 0; i < want.length; i++) {
            int d = Math.abs((want[i] & 0xff) - (got[i] & 0xff));
            assertTrue(d <= 1, "pixel " + i + " differs by " + d);
            differ += d;
        }
        assertTrue(differ < want.length / 100, differ + " of " + want.length + " pixels differ by one grey level");
        // Lossy, yet the verdict stays: the score moves little.
        double x = CLASSIFIER.classify(Files.readAllBytes(base8), "x", Map.of()).score();
        for (Path lossy : List.of(dir.resolve("near-base8.dcm"), dir.resolve("j2k-lossy-base8.dcm"))) {
            ScanResult y = CLASSIFIER.classify(Files.readAllBytes(lossy), "y", Map.of());
            assertFalse(y.failed(), () -> Json.write(y));
            assertEquals(x, y.score(), 0.05, lossy.toString());
        }
    }

    @Test
    void lossyJpeg2000OvershootingTheSignedMinimum_isClippedNotWrappedToWhite() throws Exception {
        // 12-bit signed, a background at -2041 (7 above the minimum): GDCM codes it at 16-bit precision
        // and a lossy decode dips below -2048 at edges; clipped, the background stays black.
        byte[] px = new byte[grey8.length * 2];
        for (int i = 0; i < grey8.length; i++) {
            int v = (grey8[i] & 0xff) * 16 + 7 - 2048;
            px[i * 2] = (byte) v;
            px[i * 2 + 1] = (byte) (v >> 8);
        }
        Path base = Files.write(dir.resolve("signed-edge.dcm"), DicomWriter.mr(192, 200, 16, px, "1")
                .us(0x00280101, 12).us(0x00280102, 11).us(0x00280103, 1).set(0x00281050, "DS", "0")
                .set(0x00281051, "DS", "4096").bytes());
        Path lossy = run("signed-edge-lossy.dcm", "gdcmconv", "--j2k", "--lossy", "-r", "10", base.toString());
        byte[] want = frames(base).get(0);
        byte[] got = frames(lossy).get(0);
        int worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs((want[i] & 0xff) - (got[i] & 0xff)));
        }
        assertTrue(worst < 40, "largest difference " + worst + " grey levels");
    }

    @Test
    void codeStreamSizeOtherThanTheHeaders_isCorruptBeforeDecoding() throws Exception {
        for (String[] tool : new String[][] {{"dcmcjpls"}, {"gdcmconv", "--j2k"}}) {
            List<String> cmd = new ArrayList<>(List.of(tool));
            cmd.add(base8.toString());
            byte[] file = Files.readAllBytes(run("size-" + tool.length + ".dcm", cmd.toArray(new String[0])));
            // Rows (0028,0010) US 200 -> 199: the code stream still says 200.
            byte[] rows = {0x28, 0, 0x10, 0, 'U', 'S', 2, 0, (byte) 200, 0};
            int at = indexOf(file, rows);
            assertTrue(at > 0);
            file[at + 8] = (byte) 199;
            ScanResult r = CLASSIFIER.classify(file, "size", Map.of());
            assertEquals(ErrorCode.CORRUPT_IMAGE, r.error().code(), r.error().message());
            assertTrue(r.error().message().contains("192x200") && r.error().message().contains("192x199"),
                    r.error().message());
        }
    }

    static int indexOf(byte[] data, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= data.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (data[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void damagedCodeStreams_areCorruptImageNeverAnExceptionOrAHang() throws Exception {
        byte[] jls = codeStream(Files.readAllBytes(run("damage.jls.dcm", "dcmcjpls", base16.toString())), 0xD8);
        byte[] j2k = codeStream(Files.readAllBytes(run("damage.j2k.dcm", "gdcmconv", "--j2k", base16.toString())),
                0x4F);
        java.util.Random random = new java.util.Random(26);
        for (byte[] stream : List.of(jls, j2k)) {
            boolean isJls = stream == jls;
            for (int t = 0; t < 120; t++) {
                byte[] bad;
                if (t < 40) {
                    bad = java.util.Arrays.copyOf(stream, 2 + random.nextInt(stream.length - 2)); // truncated
                } else {
                    bad = stream.clone(); // a few bytes changed
                    for (int k = 1 + random.nextInt(8); k > 0; k--) {
                        bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
                    }
                }
                long start = System.nanoTime();
                try {
                    int[] px = isJls ? JpegLs.decode(bad, 192, 200) : Jpeg2000.decode(bad, 192, 200);
                    assertEquals(192 * 200, px.length);
                } catch (dev.brainscan.core.result.ScanException e) {
                    assertTrue(Set.of("CORRUPT_IMAGE", "UNSUPPORTED_FORMAT", "IMAGE_TOO_LARGE")
                            .contains(e.code().name()), e.code() + " " + e.getMessage());
                }
                double ms = (System.nanoTime() - start) / 1e6;
                assertTrue(ms < 2000, (isJls ? "JPEG-LS" : "JPEG 2000") + " case " + t + " took " + ms + " ms");
            }
        }
        assertEquals(0, DicomImage.decoderErrors());
    }

    /** The first code stream in a DICOM file: from FF D8 (JPEG-LS) or FF 4F (JPEG 2000) to the last FF D9. */
    static byte[] codeStream(byte[] file, int second) {
        int start = indexOf(file, new byte[] {(byte) 0xFF, (byte) second, (byte) 0xFF});
        int end = file.length - 2;
        while (!((file[end] & 0xff) == 0xFF && (file[end + 1] & 0xff) == 0xD9)) {
            end--;
        }
        return java.util.Arrays.copyOfRange(file, start, end + 2);
    }

    @Test
    void img2dcmOfAJpeg_scoresExactlyAsTheJpeg() throws Exception {
        BufferedImage slice = Phantom.generate(43, 220, 236, true).image();
        for (boolean colour : new boolean[] {false, true}) {
            // A grey (1-component) and a colour (3-component, YCbCr) JPEG of the same slice.
            byte[] jpeg = FormatVariants.jpeg(colour ? slice : FormatVariants.grey(slice), false, 0.92f);
            Path jpg = Files.write(dir.resolve("slice-" + colour + ".jpg"), jpeg);
            Path dcm = run("img2dcm-" + colour + ".dcm", "img2dcm", "-k", "Modality=MR", jpg.toString());
            ScanResult fromJpeg = CLASSIFIER.classify(jpeg, "j", Map.of());
            ScanResult fromDicom = CLASSIFIER.classify(Files.readAllBytes(dcm), "d", Map.of());
            assertFalse(fromDicom.failed(), () -> Json.write(fromDicom));
            assertEquals(fromJpeg.score(), fromDicom.score(), 1e-9, "colour " + colour);
            assertEquals(colour ? "none" : "full-range", fromDicom.dicom().window().source());
            // Decompressed, then RLE: still the same pixels.
            Path raw = run("raw-" + colour + ".dcm", "dcmdjpeg", dcm.toString());
            Path rle = run("rle-" + colour + ".dcm", "dcmcrle", raw.toString());
            assertEquals(fromJpeg.score(), CLASSIFIER.classify(Files.readAllBytes(rle), "r", Map.of()).score(),
                    colour ? 0.01 : 1e-9);
        }
    }
}
