package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.GoldenJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's jsonl record (docs/contracts.md sections 3 and 6) against golden/: source is the path as given. */
class CliRecordGoldenTest {
    @TempDir
    Path dir;

    @Test
    void classifyJsonl_classifiedAndMissingInputs_matchTheirGoldenRecords() throws Exception {
        Path scan = Files.write(dir.resolve("p12.jpg"), Phantom.jpeg(11, 256, 256, true));
        String missing = dir.resolve("absent.jpg").toString();
        StringWriter out = new StringWriter();

        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "classify", "--format", "jsonl", scan.toString(), missing);

        assertEquals(1, exit);
        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size(), out.toString());
        GoldenJson.assertMatches("cli-record-classified.json",
                lines.get(0).replace(scan.toString(), "SCAN").replace(dir.toString(), "DIR"));
        GoldenJson.assertMatches("cli-record-NOT_FOUND.json",
                lines.get(1).replace(missing, "MISSING").replace(dir.toString(), "DIR"));
    }
}
