package dev.brainscan.core.result;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The result JSON as {@link ResultJson} writes it (the one writer; the golden files pin the
 * records each channel sends): the contract's field order, nulls left out, escaping and numbers.
 */
class ResultJsonTest {
    static final ScanResult.ModelIdentity MODEL = new ScanResult.ModelIdentity("brainscan-cnn", "2.3.0",
            "ab".repeat(32));

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
                Map.of(), "2026-11-30T12:00:00Z", Notice.TEXT, new ScanResult.ErrorBody(ErrorCode.CORRUPT_IMAGE, "Bad \u0001."),
                null, new DicomInfo(null, "1.2.3.4", null, "MR", null, null, null, null), null, null, null);
        List<ScanResult> slices = new ArrayList<>();
        slices.add(slice);
        slices.add(failed);
        ScanResult series = new ScanResult(1, "series:1.2.3.4", "tumor", 0.999999, "high", null, 0.65, MODEL,
                Map.of("series", "1.2.3.4"), null, null, null, "2026-11-30T12:00:00Z", Notice.TEXT, null, null, null,
                new ScanResult.SeriesInfo("1.2.3.4", "1.2.3", null, 2, 1, 1,
                        new ScanResult.TopSlice("a.dcm#frame=2", "1.2.3.4.5", 2, 3.18E-4)),
                slices, null);
        List<ScanResult> records = List.of(slice, failed, series, slice.withHeatmap("iVBORw0KGgo="));
        for (int i = 0; i < records.size(); i++) {
            assertEquals(EXPECTED.get(i), Json.write(records.get(i)));
            assertArrayEquals(EXPECTED.get(i).getBytes(StandardCharsets.UTF_8), Json.writeBytes(records.get(i)));
        }
        assertTrue(new String(Json.writeBytes(slice), StandardCharsets.UTF_8).contains("\"score\":3.18E-4"));
    }

    static final String SLICE = "{\"schemaVersion\":1,\"scanId\":\"a.dcm#frame=2\",\"label\":\"tumor\",\"score\":3.18E-4,\"riskTier\""
            + ":\"low\",\"tumorType\":{\"label\":\"glioma\",\"probabilities\":{\"glioma\":0.5}},\"decisionThreshold"
            + "\":0.65,\"model\":{\"name\":\"brainscan-cnn\",\"version\":\"2.3.0\",\"sha256\":\"abababababababababa"
            + "babababababababababababababababababababababab\"},\"source\":{\"file\":\"scans/\\\"odd\\\"\\\\name\\t"
            + "\u00e9\u2028.dcm\"},\"image\":{\"format\":\"dicom\",\"width\":256,\"height\":256},\"dicom\":{\"study"
            + "InstanceUid\":\"1.2.3\",\"seriesInstanceUid\":\"1.2.3.4\",\"sopInstanceUid\":\"1.2.3.4.5\",\"modalit"
            + "y\":\"MR\",\"transferSyntax\":\"1.2.840.10008.1.2.1\",\"frame\":2,\"frames\":3,\"window\":{\"center\""
            + ":40.0,\"width\":400.5,\"source\":\"file\"}},\"crop\":{\"x\":1,\"y\":2,\"width\":3,\"height\":4},\"pr"
            + "eprocessing\":{\"version\":2,\"steps\":[\"frame\",\"adaptive-threshold\"]},\"timingsMs\":{\"decode\""
            + ":2.13,\"total\":1.0E-7},\"processedAt\":\"2026-11-30T12:00:00Z\",\"notice\":\"Research use only. Not"
            + " a medical device; not for diagnosis.\"}";
    static final String FAILED = "{\"schemaVersion\":1,\"scanId\":\"b.dcm\",\"model\":{\"name\":\"brainscan-cnn\",\"version\":\"2.3.0\""
            + ",\"sha256\":\"abababababababababababababababababababababababababababababababab\"},\"source\":{\"file"
            + "\":\"scans/\\\"odd\\\"\\\\name\\t\u00e9\u2028.dcm\"},\"dicom\":{\"seriesInstanceUid\":\"1.2.3.4\",\""
            + "modality\":\"MR\"},\"timingsMs\":{},\"processedAt\":\"2026-11-30T12:00:00Z\",\"notice\":\"Research u"
            + "se only. Not a medical device; not for diagnosis.\",\"error\":{\"code\":\"CORRUPT_IMAGE\",\"message\""
            + ":\"Bad \\u0001.\"}}";
    static final List<String> EXPECTED = List.of(SLICE, FAILED,
            "{\"schemaVersion\":1,\"scanId\":\"series:1.2.3.4\",\"label\":\"tumor\",\"score\":0.999999,\"riskTier"
            + "\":\"high\",\"decisionThreshold\":0.65,\"model\":{\"name\":\"brainscan-cnn\",\"version\":\"2.3.0\",\""
            + "sha256\":\"abababababababababababababababababababababababababababababababab\"},\"source\":{\"series\""
            + ":\"1.2.3.4\"},\"series\":{\"seriesInstanceUid\":\"1.2.3.4\",\"studyInstanceUid\":\"1.2.3\",\"slices\""
            + ":2,\"classified\":1,\"failed\":1,\"topSlice\":{\"scanId\":\"a.dcm#frame=2\",\"sopInstanceUid\":\"1.2"
            + ".3.4.5\",\"frame\":2,\"score\":3.18E-4}},\"processedAt\":\"2026-11-30T12:00:00Z\",\"notice\":\"Resea"
            + "rch use only. Not a medical device; not for diagnosis.\",\"slices\":"
            + "[" + SLICE + "," + FAILED + "]}",
            SLICE.substring(0, SLICE.length() - 1) + ",\"heatmapPng\":\"iVBORw0KGgo=\"}");
}
