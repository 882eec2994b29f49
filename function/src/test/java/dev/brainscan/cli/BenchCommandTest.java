package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.phantom.Phantom;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench} times the shipped pipeline per size band, through classify's own path. */
class BenchCommandTest {
    @TempDir
    Path dir;

    private static JsonNode figures(ClassifyCommandTest.Run r) throws Exception {
        String last = r.out().lines().reduce((a, b) -> b).orElseThrow();
        return Json.mapper().readTree(last);
    }

    @Test
    void phantomsOfEveryBandAreClassifiedAndTheDatasetMixIsPrinted() throws Exception {
        ClassifyCommandTest.Run r = ClassifyCommandTest.run("bench", "--scans", "1", "--rounds", "1",
                "--init-runs", "0", "--json");
        assertEquals(0, r.exit(), r.err());
        for (String band : new String[] {"under 300 px", "300-700 px", "over 700 px", "2-4 MP photo"}) {
            assertTrue(r.out().contains("  " + band), band + " in\n" + r.out());
        }
        assertTrue(r.out().contains("dataset mix: median"), r.out());
        assertTrue(r.out().contains("model brainscan-cnn"), r.out());
        JsonNode bands = figures(r).get("bands");
        assertEquals(4, bands.size(), bands.toString());
        bands.forEach(b -> {
            assertEquals(1, b.get("scans").asInt(), b.toString());
            assertEquals(0, b.get("refused").asInt(), "a phantom is classified, not refused: " + b);
            assertTrue(b.get("wholeMedianMs").asDouble() > 0, b.toString());
            assertTrue(b.get("inferenceMedianMs").asDouble() > 0, b.toString());
        });
        assertTrue(bands.get("2-4 MP photo").get("medianMegapixels").asDouble() >= 2.0, bands.toString());
        assertTrue(figures(r).get("datasetMix").get("medianMs").asDouble() > 0);
    }

    @Test
    void givenScansAreSortedIntoBandsAndTheMissingLargeBandsAreMadeByEnlargingThem() throws Exception {
        Path scans = Files.createDirectories(dir.resolve("scans"));
        Files.write(scans.resolve("a.jpg"), Phantom.jpeg(1, 224, 224, true));
        Files.write(scans.resolve("b.jpg"), Phantom.greyJpeg(2, 256, 240, false));
        Files.write(scans.resolve("c.jpg"), Phantom.jpeg(3, 468, 444, false));
        Files.writeString(scans.resolve("notes.txt"), "not an image");
        ClassifyCommandTest.Run r = ClassifyCommandTest.run("bench", "--scans", "2", "--rounds", "1",
                "--init-runs", "0", "--json", scans.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode f = figures(r);
        JsonNode bands = f.get("bands");
        assertEquals(2, bands.get("under 300 px").get("scans").asInt());
        assertEquals(0, bands.get("under 300 px").get("made").asInt());
        assertEquals(1, bands.get("300-700 px").get("scans").asInt());
        assertEquals(2, bands.get("over 700 px").get("made").asInt());
        assertEquals(2, bands.get("2-4 MP photo").get("made").asInt());
        assertTrue(f.get("inputs").asText().contains("1 files ImageIO cannot size"), f.toString());
    }
}
