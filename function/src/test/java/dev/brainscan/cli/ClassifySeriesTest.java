package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.DicomWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code classify --series}: DICOM slices grouped by series, one verdict each, written first. */
class ClassifySeriesTest {
    static final String A = "1.2.826.0.1.3680043.8.498.77.1";
    static final String B = "1.2.826.0.1.3680043.8.498.77.2";

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        for (int i = 1; i <= 4; i++) {
            Files.write(dir.resolve("a" + i + ".dcm"), DicomWriter.slice(100 + i, i == 3, i, A).bytes());
        }
        Files.write(dir.resolve("b1.dcm"), DicomWriter.slice(200, false, 1, B).bytes());
        Files.write(dir.resolve("c.jpg"), Phantom.jpeg(5, 200, 200, true));
    }

    @Test
    void jsonl_seriesRecordsFirst_thenEverySlice() throws Exception {
        ClassifyCommandTest.Run r = ClassifyCommandTest.run("classify", "--series", "--threads", "2", dir.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.out().lines().toList()) {
            lines.add(Json.mapper().readTree(l));
        }
        assertEquals(2 + 6, lines.size());
        JsonNode a = lines.get(0);
        JsonNode b = lines.get(1);
        assertEquals("series:" + A, a.get("scanId").asText());
        assertEquals("series:" + B, b.get("scanId").asText());
        assertEquals(4, a.get("series").get("slices").asInt());
        assertEquals(4, a.get("series").get("classified").asInt());
        assertEquals(1, b.get("series").get("slices").asInt());
        // The series verdict is its highest-scoring slice's.
        double max = -1;
        String top = null;
        for (JsonNode slice : lines.subList(2, 8)) {
            if (slice.has("dicom") && slice.get("dicom").get("seriesInstanceUid").asText().equals(A)
                    && slice.get("score").asDouble() > max) {
                max = slice.get("score").asDouble();
                top = slice.get("scanId").asText();
            }
        }
        assertEquals(max, a.get("score").asDouble(), 1e-12);
        assertEquals(top, a.get("series").get("topSlice").get("scanId").asText());
        assertEquals(a.get("score").asDouble() >= a.get("decisionThreshold").asDouble() ? "tumor" : "no_tumor",
                a.get("label").asText());
        assertTrue(a.has("riskTier"));
        assertFalse(a.has("slices"), "the CLI writes the slices as their own records");
        assertNull(lines.get(7).get("dicom"), "the JPEG belongs to no series");
    }

    @Test
    void table_showsTheSeriesFirst() {
        ClassifyCommandTest.Run r = ClassifyCommandTest.run("classify", "--series", "--format", "table",
                dir.toString());
        List<String> rows = r.out().lines().toList();
        assertTrue(rows.get(1).startsWith("series:" + A.substring(0, 10)) || rows.get(1).contains("series of 4"),
                rows.get(1));
        assertTrue(rows.get(1).contains("series of 4 slice(s), 4 classified"), rows.get(1));
        assertTrue(rows.get(2).contains("series of 1 slice(s)"), rows.get(2));
    }

    /** A 64-character UID (the most DICOM allows): the table keeps "series:" and the UID's tail. */
    @Test
    void table_longSeriesUid_isCutInTheMiddleKeepingItsPrefix(@TempDir Path own) throws Exception {
        String uid = "1.2.826.0.1.3680043.8.498.12345678901234567890123456789012345678";
        assertEquals(64, uid.length());
        Path long_ = Files.createDirectories(own.resolve("long"));
        Files.write(long_.resolve("s1.dcm"), DicomWriter.slice(301, true, 1, uid).bytes());
        ClassifyCommandTest.Run r = ClassifyCommandTest.run("classify", "--series", "--format", "table",
                long_.toString());
        String row = r.out().lines().toList().get(1);
        assertTrue(row.startsWith("series:1.2.82..."), row);
        assertTrue(row.contains(uid.substring(uid.length() - 20) + " "), row);

        ClassifyCommandTest.Run csv = ClassifyCommandTest.run("classify", "--series", "--format", "csv",
                long_.toString());
        assertTrue(csv.out().contains("series:" + uid + ","), "csv keeps the whole id: " + csv.out());
    }

    @Test
    void withoutSeries_noSeriesRecord() {
        ClassifyCommandTest.Run r = ClassifyCommandTest.run("classify", dir.toString());
        assertEquals(6, r.out().lines().count());
        assertFalse(r.out().contains("\"series\""));
    }
}
