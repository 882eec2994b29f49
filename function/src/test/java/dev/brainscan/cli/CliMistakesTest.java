package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.phantom.Phantom;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's mistakes on the command line: each gets one line naming what is wrong and what
 * to do, exit 2, and never a stack trace.
 */
class CliMistakesTest {
    @TempDir
    Path dir;

    static ClassifyCommandTest.Run run(String... args) {
        return ClassifyCommandTest.run(args);
    }

    private static void assertNoStackTrace(ClassifyCommandTest.Run r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }

    @Test
    void phantomOutAFile_exitsTwoSayingItIsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
        ClassifyCommandTest.Run r = run("phantom", "--out", file.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals("brainscan: cannot write phantoms into --out " + file
                + ": it is a file, not a folder (name a folder; it is created when missing)", r.err().strip());
        assertEquals("mine", Files.readString(file));

        ClassifyCommandTest.Run under = run("phantom", "--out", file.resolve("sub").toString());
        assertEquals(2, under.exit(), under.err());
        assertTrue(under.err().startsWith("brainscan: cannot write phantoms into --out " + file.resolve("sub") + ": "),
                under.err());
        assertTrue(under.err().contains(file.toString()), under.err());
        assertNoStackTrace(under);
    }

    @Test
    void benchOnAnEmptyJpeg_namesTheFileAndWhy() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("bench"));
        Path empty = Files.write(folder.resolve("empty.jpg"), new byte[0]);
        Path text = Files.writeString(folder.resolve("notes.jpg"), "not an image");
        ClassifyCommandTest.Run r = run("bench", "--rounds", "1", "--init-runs", "0", folder.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("brainscan: bench: leaving out " + empty + ": the file is empty"), r.err());
        assertTrue(r.err().contains("brainscan: bench: leaving out " + text + ": ImageIO cannot read its size"), r.err());
        assertFalse(r.err().contains("No image data present"), "not the library's words alone: " + r.err());
        assertNoStackTrace(r);
    }

    @Test
    void benchOnAnImageThatDoesNotClassify_namesItAndWhy() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("bench-small"));
        java.awt.image.BufferedImage tiny = new java.awt.image.BufferedImage(16, 16,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        Path png = folder.resolve("tiny.png");
        javax.imageio.ImageIO.write(tiny, "png", png.toFile());
        ClassifyCommandTest.Run r = run("bench", "--rounds", "1", "--init-runs", "0", folder.toString());
        assertEquals(2, r.exit(), r.err());
        String line = r.err().strip();
        assertTrue(line.startsWith("brainscan: bench: " + png + " cannot be classified ("), line);
        assertTrue(line.endsWith("bench times scans that classify: leave it out, or name other files"), line);
        assertNoStackTrace(r);
    }

    @Test
    void serveOnATakenPort_saysItIsInUseAndWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            ClassifyCommandTest.Run r = run("serve", "--port", String.valueOf(port), "--store",
                    dir.resolve("store").toString());
            assertEquals(2, r.exit(), r.err());
            assertEquals("brainscan: cannot serve on 127.0.0.1:" + port + ": the port is in use by another program; "
                    + "stop it, name another with --port N, or --port 0 for a free one", r.err().strip());
            assertNoStackTrace(r);
        }
    }

    @Test
    void serveStoreAFile_exitsTwoBeforeLoadingTheModel() throws Exception {
        Path file = Files.writeString(dir.resolve("bucket.txt"), "mine");
        ClassifyCommandTest.Run r = run("serve", "--port", "0", "--store", file.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("brainscan: cannot use --store " + file
                + ": it is a file, not a folder (name a folder; it is created when missing)", r.err().strip());
    }

    @Test
    void help_isACommand_aloneOrWithACommand() {
        ClassifyCommandTest.Run top = run("help");
        assertEquals(0, top.exit(), top.err());
        assertEquals(run("--help").out(), top.out());
        assertTrue(top.out().contains("help [COMMAND]"), top.out());

        ClassifyCommandTest.Run classify = run("help", "classify");
        assertEquals(0, classify.exit(), classify.err());
        assertEquals(run("classify", "--help").out(), classify.out());

        ClassifyCommandTest.Run unknown = run("help", "clasify");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().startsWith("Unknown command: 'clasify' (commands: classify, serve, bench, phantom)"),
                unknown.err());
    }

    @Test
    void unknownCommand_listsHelpToo() {
        ClassifyCommandTest.Run r = run("clasify", "x.jpg");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("help [COMMAND]"), r.err());
    }
}
