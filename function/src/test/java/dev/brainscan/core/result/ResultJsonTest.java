package dev.brainscan.core.result;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The hand-written result JSON against the mapper's data binding of the same record: byte for byte. */
class ResultJsonTest {
    static final ScanResult.ModelIdentity MODEL = new ScanResult.ModelIdentity("brainscan-cnn", "2.3.0",
            "ab".repeat(32));

    static void assertSameAsBinding(ScanResult r) throws IOException {
        String bound = Json.mapper().writeValueAsString(r);
        assertEquals(bound, Json.write(r));
        assertArrayEquals(Json.mapper().writeValueAsBytes(r), Json.writeBytes(r));
    }

    @Test
    void everyGoldenRecord_isWrittenAsBindingWritesIt() throws IOException {
        Path golden = Path.of("src/test/resources/golden");
        List<Path> files;
        try (Stream<Path> s = Files.list(golden)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        int records = 0;
        for (Path f : files) {
            // the golden files hold placeholders where values vary: give them values of their type
            String text = Files.readString(f).replace("\"<number>\"", "12.5").replace("\"<score>\"", "0.987431");
            JsonNode node = Json.mapper().readTree(text);
            if (node.isObject() && node.has("schemaVersion") && node.has("scanId")) {
                assertSameAsBinding(Json.mapper().treeToValue(node, ScanResult.class));
                records++;
            }
        }
        assertTrue(records >= 5, "golden records found: " + records);
    }

    @Test
    void dicomSeriesAndFailures_escapingAndNumbers() throws IOException {
        Map<String, Double> timings = new LinkedHashMap<>();
        timings.put("decode", 2.13);
        timings.put("crop", null); // binding leaves null map values out
        timings.put("total", 1.0E-7);
        Map<String, String> source = new LinkedHashMap<>();
        source.put("file", "scans/\"odd\"\\name\t\u00e9\u2028.dcm");
        source.put("bucket", null);
        DicomInfo dicom = new DicomInfo("1.2.3", "1.2.3.4", "1.2.3.4.5", "MR", "1.2.840.10008.1.2.1", 2, 3,
                new DicomInfo.Window(40.0, 400.5, DicomInfo.WINDOW_FILE, null));
        ScanResult slice = new ScanResult(1, "a.dcm#frame=2", "tumor", 3.18E-4, "low",
                new ScanResult.TumorType("glioma", Map.of("glioma", 0.5)), 0.65, MODEL, source,
                new ScanResult.ImageInfo("dicom", 256, 256), new CropBox(1, 2, 3, 4), timings,
                "2026-11-30T12:00:00Z", Notice.TEXT, null, null, dicom, null, null,
                new ScanResult.PreprocessingInfo(2, List.of("frame", "adaptive-threshold")));
        ScanResult failed = new ScanResult(1, "b.dcm", null, null, null, null, null, MODEL, source, null, null,
                Map.of(), "2026-11-30T12:00:00Z", Notice.TEXT, new ScanResult.ErrorBody("CORRUPT_IMAGE", "Bad \u0001."),
                null, new DicomInfo(null, "1.2.3.4", null, "MR", null, null, null, null), null, null, null);
        List<ScanResult> slices = new ArrayList<>();
        slices.add(slice);
        slices.add(failed);
        ScanResult series = new ScanResult(1, "series:1.2.3.4", "tumor", 0.999999, "high", null, 0.65, MODEL,
                Map.of("series", "1.2.3.4"), null, null, null, "2026-11-30T12:00:00Z", Notice.TEXT, null, null, null,
                new ScanResult.SeriesInfo("1.2.3.4", "1.2.3", null, 2, 1, 1,
                        new ScanResult.TopSlice("a.dcm#frame=2", "1.2.3.4.5", 2, 3.18E-4)),
                slices, null);
        for (ScanResult r : List.of(slice, failed, series, slice.withHeatmap("iVBORw0KGgo="))) {
            assertSameAsBinding(r);
        }
        assertTrue(new String(Json.writeBytes(slice), StandardCharsets.UTF_8).contains("\"score\":3.18E-4"));
    }
}
