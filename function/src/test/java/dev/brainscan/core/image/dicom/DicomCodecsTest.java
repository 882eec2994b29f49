package dev.brainscan.core.image.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every transfer syntax as real tools write it (Debian's dcmtk and GDCM, installed by
 * .ci/run), from generated phantoms: lossless syntaxes give exactly the uncompressed pixels,
 * JPEG baseline nearly; JPEG-LS and JPEG 2000 are refused naming the syntax; img2dcm's
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
        if (d.refusal() != null) {
            throw d.refusal();
        }
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
            assertEquals("UNSUPPORTED_FORMAT", r.error().code());
            assertTrue(r.error().message().contains("1.2.840.10008.1.2.4.51"), r.error().message());
        }
    }

    @Test
    void jpegLsAndJpeg2000_areUnsupportedNamingTheSyntax() throws Exception {
        Path jls = run("jls.dcm", "dcmcjpls", base8.toString());
        Path j2k = run("j2k.dcm", "gdcmconv", "--j2k", base8.toString());
        ScanResult a = CLASSIFIER.classify(Files.readAllBytes(jls), "jls", Map.of());
        assertEquals("UNSUPPORTED_FORMAT", a.error().code());
        assertTrue(a.error().message().contains("JPEG-LS") && a.error().message().contains("1.2.840.10008.1.2.4.80"),
                a.error().message());
        ScanResult b = CLASSIFIER.classify(Files.readAllBytes(j2k), "j2k", Map.of());
        assertEquals("UNSUPPORTED_FORMAT", b.error().code());
        assertTrue(b.error().message().contains("JPEG 2000") && b.error().message().contains("1.2.840.10008.1.2.4.9"),
                b.error().message());
        assertEquals("MR", b.dicom().modality());
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
