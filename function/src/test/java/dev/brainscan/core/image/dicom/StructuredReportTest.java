package dev.brainscan.core.image.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.DicomWriter;
import dev.brainscan.testing.Prerequisites;
import dev.brainscan.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DICOM out: the Basic Text SR of a classified DICOM slice (and of a frame of a multi-frame
 * file) passes dicom3tools' dciodvfy without errors, reads in dcmtk's dsrdump and in pydicom
 * (tools installed by .ci/run), references its source, carries the verdict, the model and
 * the notice, and copies none of the made-up patient data of its source.
 */
class StructuredReportTest {
    static final ScanClassifier CLASSIFIER = TestModels.classifier();
    static final String ENHANCED_MR = "1.2.840.10008.5.1.4.1.1.4.1";

    @TempDir
    Path dir;

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        return rc + "\n" + out;
    }

    static byte[] multiFrame() {
        return multiFrame(DicomWriter.MR_STORAGE);
    }

    static byte[] multiFrame(String sopClass) {
        byte[] frames = new byte[2 * 180 * 200];
        for (int f = 0; f < 2; f++) {
            var img = Phantom.generate(60 + f, 180, 200, f == 0).image();
            for (int y = 0; y < 200; y++) {
                for (int x = 0; x < 180; x++) {
                    frames[f * 180 * 200 + y * 180 + x] = (byte) img.getRaster().getSample(x, y, 0);
                }
            }
        }
        return DicomWriter.mr(180, 200, 8, frames, "7").set(0x00280008, "IS", "2").set(0x00080016, "UI", sopClass)
                .bytes();
    }

    @Test
    void basicTextSr_passesDciodvfyDsrdumpAndPydicom_referencesItsSource_copiesNoPatientDatum() throws Exception {
        Prerequisites.require(Files.isExecutable(Path.of("/usr/bin/dciodvfy")), "dicom3tools (dciodvfy)");
        Prerequisites.require(Files.isExecutable(Path.of("/usr/bin/dsrdump")), "dcmtk (dsrdump)");
        byte[] slice = DicomWriter.slice(71, true, 3, DicomWriter.SERIES_UID).bytes();
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {slice, CLASSIFIER.classify(slice, "slice", Map.of())});
        // Frames of a multi-frame file: MR Image Storage (the frame named in the text only) and
        // Enhanced MR (also the IMAGE item's Referenced Frame Number).
        byte[] multi = multiFrame();
        cases.add(new Object[] {multi, CLASSIFIER.classifyAll(multi, "multi", Map.of()).get(1)});
        byte[] enhanced = multiFrame(ENHANCED_MR);
        cases.add(new Object[] {enhanced, CLASSIFIER.classifyAll(enhanced, "enhanced", Map.of()).get(1)});
        for (Object[] c : cases) {
            byte[] source = (byte[]) c[0];
            ScanResult r = (ScanResult) c[1];
            assertFalse(r.failed());
            byte[] sr = StructuredReport.of(r, source);
            assertNotNull(sr);
            Path file = Files.write(dir.resolve("sr-" + r.scanId().replaceAll("[^a-z0-9]", "_") + ".dcm"), sr);
            String verify = run("dciodvfy", file.toString());
            assertTrue(verify.contains("BasicTextSR"), verify);
            assertFalse(verify.contains("Error"), verify);
            String dump = run("dsrdump", "+Pl", file.toString()); // +Pl: long text values in full
            assertTrue(dump.startsWith("0\n"), dump);
            assertTrue(dump.contains("Basic Text SR Document") && dump.contains(r.model().sha256())
                    && dump.contains(String.format(java.util.Locale.ROOT, "%.6f", r.score()))
                    && dump.contains(r.riskTier()) && dump.contains("Research use only"), dump);
            String py = run("/usr/bin/python3", "-c", String.join("\n",
                    "import pydicom, sys",
                    "d = pydicom.dcmread(sys.argv[1])",
                    "ref = d.CurrentRequestedProcedureEvidenceSequence[0]",
                    "img = [i for i in d.ContentSequence if i.ValueType == 'IMAGE'][0].ReferencedSOPSequence[0]",
                    "print(d.SOPClassUID, d.Modality, d.StudyInstanceUID, ref.StudyInstanceUID,",
                    "      ref.ReferencedSeriesSequence[0].SeriesInstanceUID,",
                    "      img.ReferencedSOPInstanceUID, img.get('ReferencedFrameNumber', '-'),",
                    "      repr(str(d.PatientName)), repr(d.PatientID))"), file.toString());
            String frame = source == enhanced ? Integer.toString(r.dicom().frame()) : "-";
            assertEquals("0\n" + String.join(" ", StructuredReport.BASIC_TEXT_SR, "SR", r.dicom().studyInstanceUid(),
                    r.dicom().studyInstanceUid(), r.dicom().seriesInstanceUid(), r.dicom().sopInstanceUid(), frame,
                    "''", "''"), py.strip());
            String text = new String(sr, StandardCharsets.ISO_8859_1);
            for (String secret : DicomWriter.privateStrings()) {
                assertFalse(text.toLowerCase().contains(secret.toLowerCase()), "copied: " + secret);
            }
            assertFalse(text.contains("19330217"));
            // The same input and model give the same report (re-delivery writes the same object).
            assertEquals(new String(sr, StandardCharsets.ISO_8859_1),
                    new String(StructuredReport.of(r, source), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void noReport_forAFailureOrANonDicomScan() {
        ScanResult ct = CLASSIFIER.classify(DicomWriter.slice(72, false, 1, DicomWriter.SERIES_UID)
                .set(0x00080060, "CS", "CT").bytes(), "ct", Map.of());
        assertTrue(ct.failed());
        assertNull(StructuredReport.of(ct, null));
        ScanResult jpeg = CLASSIFIER.classify(Phantom.jpeg(3, 200, 200, false), "j", Map.of());
        assertNull(StructuredReport.of(jpeg, null));
    }
}
