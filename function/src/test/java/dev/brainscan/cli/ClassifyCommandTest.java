package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.phantom.Phantom;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code classify} end to end on generated images: exit codes, formats, error records, order. */
class ClassifyCommandTest {
    @TempDir
    static Path dir;
    static Path scans;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void scans() throws Exception {
        scans = Files.createDirectories(dir.resolve("scans"));
        Files.createDirectories(scans.resolve("nested"));
        for (int i = 0; i < 5; i++) {
            Files.write(scans.resolve("nested/p" + i + ".jpg"), Phantom.jpeg(i, 200, 200, i % 2 == 0));
        }
        Files.write(scans.resolve(".hidden.jpg"), "not looked at".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void phantomGrey_writesSingleChannelJpegsThatClassify() throws Exception {
        Path out = dir.resolve("grey");
        Run p = run("phantom", "--grey", "--count", "2", "--size", "224", "--out", out.toString());
        assertEquals(0, p.exit(), p.err());
        List<Path> files;
        try (var list = Files.list(out)) {
            files = list.sorted().toList();
        }
        assertEquals(2, files.size());
        for (Path f : files) {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(f.toFile());
            assertEquals(1, img.getRaster().getNumBands(), f.toString());
            assertEquals(224, img.getWidth());
        }
        Run r = run("classify", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(2, r.out().lines().count(), r.out());
    }

    @Test
    void folderOfScans_exitsZeroWithOneRecordPerImageInPathOrder() throws Exception {
        Run r = run("classify", "--threads", "2", scans.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size());
        for (int i = 0; i < 5; i++) {
            JsonNode rec = Json.mapper().readTree(lines.get(i));
            assertEquals(scans.resolve("nested/p" + i + ".jpg").toString(), rec.get("scanId").asText());
            assertEquals(rec.get("scanId").asText(), rec.get("source").get("file").asText());
            assertTrue(rec.has("label") && rec.has("score") && rec.has("riskTier") && rec.has("model"));
        }
    }

    @Test
    void anInputThatFails_isARecordWithItsCodeAndExitOne() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.jpg"), "not an image, whatever the name says");
        Path scan = scans.resolve("nested/p1.jpg");
        Run r = run("classify", text.toString(), dir.resolve("missing.png").toString(), scan.toString());
        assertEquals(1, r.exit());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size());
        assertEquals("UNSUPPORTED_FORMAT", Json.mapper().readTree(lines.get(0)).get("error").get("code").asText());
        assertEquals("NOT_FOUND", Json.mapper().readTree(lines.get(1)).get("error").get("code").asText());
        assertTrue(Json.mapper().readTree(lines.get(2)).has("label"));
    }

    @Test
    void usageErrors_exitTwo() {
        assertEquals(2, run().exit());
        assertEquals(2, run("classify").exit());
        assertEquals(2, run("classify", "--format", "xml", scans.toString()).exit());
        assertEquals(2, run("classify", "--no-such-option", scans.toString()).exit());
    }

    /** The command line was fine, the model is not: one line saying so, exit 2, no usage text after it. */
    @Test
    void unloadableModel_isOneLineWithoutUsage() {
        Run badModel = run("classify", "--model", dir.resolve("nowhere").toString(), scans.toString());
        assertEquals(2, badModel.exit());
        assertEquals("", badModel.out());
        assertEquals(1, badModel.err().lines().count(), badModel.err());
        assertTrue(badModel.err().startsWith("brainscan: cannot load the model: "), badModel.err());
        assertFalse(badModel.err().contains("Usage"), badModel.err());
    }

    @Test
    void emptyFolder_exitsOneSayingThereIsNothingToClassify() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(empty.resolve(".DS_Store"), "hidden");
        Run r = run("classify", empty.toString());
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals("brainscan: nothing to classify: " + empty + " holds no files (hidden files and folders are skipped)",
                r.err().strip());
    }

    @Test
    void outIntoAMissingFolder_exitsTwoNamingTheReason() {
        Path file = dir.resolve("no-such-folder/out.jsonl");
        Run r = run("classify", "--out", file.toString(), scans.toString());
        assertEquals(2, r.exit());
        assertEquals("brainscan: cannot write --out " + file + ": the folder " + file.getParent() + " does not exist",
                r.err().strip());
        assertFalse(Files.exists(file.getParent()));

        Run folder = run("classify", "--out", dir.toString(), scans.toString());
        assertEquals(2, folder.exit());
        assertTrue(folder.err().strip().endsWith(": it is a folder"), folder.err());
    }

    @Test
    void dash_readsOneImageFromStandardInput() throws Exception {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(scans.resolve("nested/p1.jpg"))));
            Run r = run("classify", "-", scans.resolve("nested/p2.jpg").toString());
            assertEquals(0, r.exit(), r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals(2, lines.size());
            JsonNode stdin = Json.mapper().readTree(lines.get(0));
            assertEquals("-", stdin.get("scanId").asText());
            assertEquals("-", stdin.get("source").get("file").asText());
            JsonNode file = Json.mapper().readTree(run("classify", scans.resolve("nested/p1.jpg").toString()).out());
            assertEquals(file.get("score").asDouble(), stdin.get("score").asDouble(), 0.0, "same bytes, same score");

            System.setIn(new ByteArrayInputStream("plain text".getBytes(StandardCharsets.UTF_8)));
            Run text = run("classify", "-");
            assertEquals(1, text.exit());
            assertEquals("UNSUPPORTED_FORMAT", Json.mapper().readTree(text.out()).get("error").get("code").asText());

            assertEquals(2, run("classify", "-", "-").exit());
        } finally {
            System.setIn(saved);
        }
    }

    /** The top-level help lists each command with a whole first sentence, not one cut mid-list. */
    @Test
    void topLevelHelp_summarisesEveryCommandInAWholeSentence() {
        Run help = run("--help");
        assertEquals(0, help.exit());
        String section = help.out().substring(help.out().indexOf("Commands:"), help.out().indexOf("Exit codes"));
        // one entry per row that starts at column 2 (continuation lines are indented further)
        java.util.Map<String, String> entries = new java.util.LinkedHashMap<>();
        for (String entry : section.split("\n(?=  \\S)")) {
            String flat = entry.strip().replaceAll("\\s+", " ");
            int space = flat.indexOf(' ');
            if (!flat.startsWith("Commands:") && space > 0) {
                entries.put(flat.substring(0, space), flat.substring(space + 1));
            }
        }
        for (String name : List.of("classify", "serve", "bench", "phantom", "help")) {
            String summary = entries.get(name);
            assertTrue(summary != null, name + " is not in the help: " + help.out());
            assertTrue(summary.endsWith("."), name + ": \"" + summary + "\"");
        }
    }

    @Test
    void jsonFormat_isOneArray() throws Exception {
        Run r = run("classify", "--format", "json", scans.toString());
        JsonNode array = Json.mapper().readTree(r.out());
        assertTrue(array.isArray());
        assertEquals(5, array.size());
    }

    @Test
    void csvFormat_hasAHeaderAndOneRowPerImage() {
        Run r = run("classify", "--format", "csv", scans.toString(), dir.resolve("missing.png").toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(7, lines.size());
        assertTrue(lines.get(0).startsWith("scanId,label,score,riskTier,decisionThreshold,errorCode"));
        assertTrue(lines.get(0).contains(",modelSha256,tumorType,gliomaProbability,meningiomaProbability,"
                + "pituitaryProbability"), lines.get(0));
        assertEquals(lines.get(0).split(",", -1).length, lines.get(1).split(",", -1).length, lines.get(1));
        assertTrue(lines.get(6).contains(",NOT_FOUND,"), lines.get(6));
        // the research-use notice, as in every other format: the last column of every row
        assertTrue(lines.get(0).endsWith(",seriesSlices,notice"), lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.endsWith(",Research use only. Not a medical device; not for diagnosis."), line);
        }
    }

    @Test
    void tableFormat_isReadableAndCarriesTheNotice() {
        Run r = run("classify", "--format", "table", scans.toString());
        assertTrue(r.out().startsWith("SCAN"));
        assertTrue(r.out().contains("Not a medical device"), r.out());
        assertTrue(r.out().contains("0 failed"), r.out());
    }

    @Test
    void tableFormat_escapesControlCharactersFromFileNames() throws Exception {
        Path hostile = Files.createDirectories(dir.resolve("hostile-names"));
        String name = "scan\u001b]0;pwned\u0007\u001b[2J\rok\u202e.jpg";
        Files.write(hostile.resolve(name), "Patient: nobody".getBytes(StandardCharsets.UTF_8));
        Run r = run("classify", "--format", "table", hostile.toString());
        assertEquals(1, r.exit());
        // a long path is cut in the middle (the file name's end stays); every escape left is visible
        assertTrue(r.out().contains("\\x1b[2J\\x0dok\\u202e.jpg"), r.out());
        assertTrue(r.out().chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == '\r' || c == 0x202e), r.out());
    }

    @Test
    void outOption_writesTheRecordsToAFile() throws Exception {
        Path file = dir.resolve("out.jsonl");
        Run r = run("classify", "--out", file.toString(), scans.toString());
        assertEquals(0, r.exit());
        assertEquals("", r.out());
        assertEquals(5, Files.readAllLines(file).size());
    }

    @Test
    void heatmapsOption_writesOneOverlayPerClassifiedScanAtCropSize() throws Exception {
        Path out = dir.resolve("heatmaps");
        Run r = run("classify", "--heatmaps", out.toString(), scans.toString());
        assertEquals(0, r.exit(), r.err());
        for (String line : r.out().lines().toList()) {
            JsonNode rec = Json.mapper().readTree(line);
            Path png = ClassifyCommand.heatmapFile(out, rec.get("scanId").asText());
            assertTrue(png.startsWith(out), png.toString());
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
            assertEquals(rec.get("crop").get("width").asInt(), img.getWidth());
            assertEquals(rec.get("crop").get("height").asInt(), img.getHeight());
        }
        assertEquals(dir.resolve("x/etc/passwd.heatmap.png"),
                ClassifyCommand.heatmapFile(dir.resolve("x"), "../../etc/passwd"));
    }

    @Test
    void heatmapsIntoAFile_exitsTwoNamingTheReason_noStackTrace() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("occupied"), "x");
        Run r = run("classify", "--heatmaps", notADirectory.toString(), scans.resolve("nested/p0.jpg").toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals("brainscan: cannot write heatmaps into --heatmaps " + notADirectory
                + ": it is a file, not a folder (name a folder; it is created when missing)", r.err().strip());
        assertEquals("x", Files.readString(notADirectory), "the file is left as it was");
    }

    @Test
    void helpAndVersion() {
        Run help = run("classify", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--format"));
        Run version = run("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().contains("model brainscan-cnn"), version.out());
    }
}
