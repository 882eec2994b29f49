package dev.brainscan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brainscan.config.Config;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.serve.LocalServer;
import dev.brainscan.testing.Prerequisites;
import dev.brainscan.testing.TestModels;
import dev.brainscan.testing.TestPaths;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in a real browser: the API runs in this JVM ({@link LocalServer}, the real
 * bundled model) and {@code src/test/e2e/page.e2e.mjs} drives Debian's Chromium headless
 * through playwright-core: a generated scan is classified and its heatmap placed on the crop
 * box, a text file shows the API's UNSUPPORTED_FORMAT, a keyboard-only upload works, a
 * 375 px wide page does not scroll sideways, a "large" scan goes through /uploads, and at 375
 * and 1280 px a JPEG, one DICOM slice and a three-slice series keep the layout facts (verdict
 * first on a phone, heading below the notice, score on one line, heatmap only when asked).
 * Screenshots land in {@code target/e2e-screenshots/}. Needs /usr/bin/chromium, node and
 * {@code npm ci} in src/test/e2e (the pom runs it before the integration tests).
 */
class WebPageE2EIT {
    /** Debian's Chromium; BRAINSCAN_CHROMIUM names another Chromium-based browser (CI runners without it). */
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("BRAINSCAN_CHROMIUM", "/usr/bin/chromium"));
    private static final long SCRIPT_TIMEOUT_S = 410;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 430, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void webPage_inChromium_classifiesShowsApiErrorsWorksByKeyboardAndFitsAPhone() throws Exception {
        Path e2e = TestPaths.repoRoot().resolve("function/src/test/e2e");
        Optional<Path> node = onPath("node");
        Prerequisites.require(Files.isExecutable(CHROMIUM), "Debian's chromium (" + CHROMIUM + ")");
        Prerequisites.require(node.isPresent(), "node");
        Prerequisites.require(Files.isDirectory(e2e.resolve("node_modules/playwright-core")),
                "playwright-core in function/src/test/e2e/node_modules (npm ci --prefix src/test/e2e)");

        Path scan = tmp.resolve("phantom-scan.jpg");
        Files.write(scan, Phantom.jpeg(11, 320, 320, true));
        Path text = tmp.resolve("not-an-image.txt");
        Files.writeString(text, "This is a text file, not a scan.\n");
        Path sliceA = tmp.resolve("series-slice-1.dcm");
        Path sliceB = tmp.resolve("series-slice-2.dcm");
        Files.write(sliceA, dev.brainscan.testing.DicomWriter.slice(21, true, 1,
                dev.brainscan.testing.DicomWriter.SERIES_UID).bytes());
        Files.write(sliceB, dev.brainscan.testing.DicomWriter.slice(22, false, 2,
                dev.brainscan.testing.DicomWriter.SERIES_UID).bytes());
        Path sliceC = tmp.resolve("series-slice-3.dcm");
        Files.write(sliceC, dev.brainscan.testing.DicomWriter.slice(23, true, 3,
                dev.brainscan.testing.DicomWriter.SERIES_UID).bytes());
        Path seriesZip = tmp.resolve("series.zip");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(seriesZip))) {
            for (Path slice : List.of(sliceA, sliceB)) {
                z.putNextEntry(new java.util.zip.ZipEntry("export/" + slice.getFileName()));
                z.write(Files.readAllBytes(slice));
                z.closeEntry();
            }
        }
        Path shots = TestPaths.repoRoot().resolve("function/target/e2e-screenshots");
        clean(shots);

        ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
        try (LocalServer server = LocalServer.start(TestModels.classifier(), Config.fromEnv(Map.of()), 0,
                tmp.resolve("store"), new PrintStream(serverLog, true, StandardCharsets.UTF_8), 2)) {
            String baseUrl = "http://127.0.0.1:" + server.port() + "/";
            ProcessBuilder pb = new ProcessBuilder(node.get().toString(), "page.e2e.mjs", baseUrl, shots.toString(),
                    scan.toString(), text.toString(), sliceA.toString(), sliceB.toString(), sliceC.toString())
                    .directory(e2e.toFile()).redirectErrorStream(true);
            pb.environment().put("BRAINSCAN_E2E_ZIP", seriesZip.toString());
            pb.environment().put("BRAINSCAN_E2E_PRIVATE",
                    dev.brainscan.core.result.Json.write(dev.brainscan.testing.DicomWriter.privateStrings()));
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofPlatform().daemon().start(() -> copy(p.getInputStream(), out));
            boolean finished = p.waitFor(SCRIPT_TIMEOUT_S, TimeUnit.SECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(5_000);
            String log = out.toString(StandardCharsets.UTF_8);
            System.out.print(log);
            if (!finished) {
                fail("page.e2e.mjs ran over " + SCRIPT_TIMEOUT_S + " s and was stopped; its output:\n" + log);
            }
            assertEquals(0, p.exitValue(), () -> "page.e2e.mjs failed; its output:\n" + log + "\nserver log (tail):\n"
                    + tail(serverLog.toString(StandardCharsets.UTF_8), 3000));
            assertTrue(log.contains("PASS page.e2e"), log);
        }

        assertPng(shots.resolve("desktop-overlay.png"), 1280);
        assertPng(shots.resolve("desktop-error.png"), 1280);
        assertPng(shots.resolve("phone.png"), 375);
        for (String kind : new String[] {"jpeg", "dicom", "series"}) {
            assertPng(shots.resolve("layout-375-" + kind + ".png"), 375);
            assertPng(shots.resolve("layout-1280-" + kind + ".png"), 1280);
        }
    }

    /** A PNG file of the given pixel width (the viewport the script used). */
    private static void assertPng(Path file, int width) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was not written");
        byte[] head = new byte[24];
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(24, in.readNBytes(head, 0, 24), file + " is too short for a PNG");
        }
        assertTrue(Arrays.equals(Arrays.copyOf(head, 8),
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}), file + " is not a PNG");
        assertEquals(width, ByteBuffer.wrap(head, 16, 4).getInt(), file + " width");
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    private static void clean(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.delete(f);
            }
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - max);
    }
}
