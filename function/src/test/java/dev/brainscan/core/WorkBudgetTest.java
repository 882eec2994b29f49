package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.core.image.Limits;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.testing.BudgetCorpus;
import dev.brainscan.testing.BudgetCorpus.FrameKind;
import dev.brainscan.testing.DicomWriter;
import dev.brainscan.testing.TestModels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Issue 27, rows 1-2 and 10-12: work bounded per input, whatever its frames, segments or
 * headers claim. CPU is the calling thread's (where every decoder runs), so a shared machine
 * does not make the bounds flaky.
 */
class WorkBudgetTest {
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    private static double cpuSeconds(Runnable r) {
        long start = THREAD.getCurrentThreadCpuTime();
        r.run();
        return (THREAD.getCurrentThreadCpuTime() - start) / 1e9;
    }

    @ParameterizedTest
    @EnumSource(FrameKind.class)
    void thousandFramesWhoseCodeStreamsDeclare6320_refusedFromTheirHeaders_threeDecodedAtMost(FrameKind kind) {
        ScanClassifier classifier = TestModels.classifier();
        byte[] dicom = BudgetCorpus.dicomLyingJpegFrames(1000, 32, 6320, kind);
        List<ScanResult>[] out = new List[1];
        double cpu = cpuSeconds(() -> out[0] = classifier.classifyAll(dicom, "bomb", Map.of()));
        assertEquals(1000, out[0].size());
        for (ScanResult r : out[0]) {
            assertEquals(ErrorCode.CORRUPT_IMAGE, r.error().code(), r.error().message());
        }
        assertTrue(out[0].get(0).error().message().contains("code stream declares 6320x6320"),
                out[0].get(0).error().message());
        assertTrue(out[0].get(999).error().message().startsWith("Not decoded: 3 earlier frames"),
                out[0].get(999).error().message());
        // was 26-208 s of CPU: every frame decoded in full before its size was compared
        assertTrue(cpu < 2.0, "took " + cpu + " s of CPU");
    }

    @Test
    void damagedFrames_theRestOfTheFileIsNotDecoded_butAGoodFileIsDecodedWhole() {
        ScanClassifier classifier = TestModels.classifier();
        List<ScanResult> good = classifier.classifyAll(BudgetCorpus.dicomRleFrames(20, 64, 0, "1"), "ok", Map.of());
        assertEquals(20, good.size());
        assertTrue(good.stream().noneMatch(r -> r.failed() && r.error().message().startsWith("Not decoded")),
                "a readable file is decoded frame by frame");
    }

    @Test
    void framesOverTheInputsBudget_refusedWithoutDecoding_andAZipsEntriesShareIt() {
        ScanClassifier classifier = TestModels.classifier();
        WorkBudget budget = new WorkBudget(50, Limits.DEFAULT.maxPixels());
        List<Classification> first = classifier.runAll(BudgetCorpus.dicomRleFrames(40, 32, 0, "1"), "a", Map.of(),
                false, budget);
        assertEquals(40, first.size());
        List<Classification> second = classifier.runAll(BudgetCorpus.dicomRleFrames(40, 32, 0, "2"), "b", Map.of(),
                false, budget);
        assertEquals(1, second.size(), "the whole file answered in one record");
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, second.get(0).result().error().code());
        assertTrue(second.get(0).result().error().message().contains("more than 50 frames in all"));
        assertNotNull(second.get(0).result().dicom(), "still names the file's identifiers");
    }

    @Test
    void pixelsOverTheInputsBudget_laterFramesNotDecoded() {
        ScanClassifier classifier = TestModels.classifier();
        WorkBudget budget = new WorkBudget(1000, 10L * 64 * 64);
        List<ScanResult> out = classifier.runAll(BudgetCorpus.dicomRleFrames(15, 64, 0, "1"), "a", Map.of(), false,
                budget).stream().map(Classification::result).toList();
        assertEquals(15, out.size());
        assertTrue(out.subList(0, 10).stream().noneMatch(r -> r.failed() && r.error().code() == ErrorCode.IMAGE_TOO_LARGE));
        for (ScanResult r : out.subList(10, 15)) {
            assertEquals(ErrorCode.IMAGE_TOO_LARGE, r.error().code());
            assertTrue(r.error().message().contains("pixels in all"), r.error().message());
        }
    }

    @Test
    void budgetIsSizedFromTheHeap_withinOneAndTenImagesAtTheLimit() {
        assertEquals(256L << 20, WorkBudget.forHeap(Limits.DEFAULT, 512L << 20).maxPixels());
        assertEquals(Limits.DEFAULT.maxPixels(), WorkBudget.forHeap(Limits.DEFAULT, 16L << 20).maxPixels());
        assertEquals(10 * Limits.DEFAULT.maxPixels(), WorkBudget.forHeap(Limits.DEFAULT, 64L << 30).maxPixels());
        assertEquals(1000, WorkBudget.forInput(Limits.DEFAULT).maxFrames());
    }

    @Test
    void jpegWith45000TableSegments_refusedBeforeDecode() {
        ScanClassifier classifier = TestModels.classifier();
        ScanResult[] r = new ScanResult[1];
        double cpu = cpuSeconds(() -> r[0] = classifier.classify(BudgetCorpus.jpegDhtFlood(45_000), "dht", Map.of()));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, r[0].error().code(), r[0].error().message());
        assertTrue(r[0].error().message().contains("markers"), r[0].error().message());
        assertTrue(cpu < 1.0, "took " + cpu + " s of CPU");
    }

    @Test
    void jpegWithARestartIntervalFlood_refusedBeforeDecode() {
        ScanResult r = TestModels.classifier().classify(BudgetCorpus.jpegDriFlood(100_000), "dri", Map.of());
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, r.error().code(), r.error().message());
    }

    @Test
    void pngOfOneByteIdatChunks_refusedPastTheChunkCap_aFewHundredChunksStillRead() {
        ScanResult flood = TestModels.classifier().classify(BudgetCorpus.pngChunkFlood(100_000), "png", Map.of());
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, flood.error().code(), flood.error().message());
        ScanResult some = TestModels.classifier().classify(BudgetCorpus.pngChunkFlood(500), "png", Map.of());
        assertFalse(some.failed() && some.error().code() == ErrorCode.IMAGE_TOO_LARGE,
                "500 chunks are within the cap: " + (some.failed() ? some.error().message() : "classified"));
    }

    @Test
    void headersPromisingPixelsWithNoDataBehindThem_areCorrupt() {
        ScanClassifier classifier = TestModels.classifier();
        for (byte[] input : List.of(BudgetCorpus.losslessJpegWithoutData(6320), BudgetCorpus.gifWithoutData(6320, 6320))) {
            ScanResult[] r = new ScanResult[1];
            double cpu = cpuSeconds(() -> r[0] = classifier.classify(input, "empty", Map.of()));
            assertEquals(ErrorCode.CORRUPT_IMAGE, r[0].error().code(), r[0].error().message());
            assertTrue(r[0].error().message().contains("promises more pixels than its data can hold"));
            assertNull(r[0].image(), "nothing was decoded");
            assertTrue(cpu < 0.5, "took " + cpu + " s of CPU");
        }
        assertTrue(BudgetCorpus.gifWithoutData(6320, 6320).length <= 35);
    }

    @Test
    void photometricInterpretationNotADefinedTerm_isDescribedNotQuoted() {
        ScanResult r = TestModels.classifier().classify(BudgetCorpus.dicomPhotometric("ZYXWVPATIENT"), "pi", Map.of());
        assertEquals(ErrorCode.UNSUPPORTED_FORMAT, r.error().code());
        assertFalse(r.error().message().contains("ZYXWV"), r.error().message());
        assertTrue(r.error().message().contains("not a DICOM defined term"), r.error().message());
        ScanResult known = TestModels.classifier().classify(BudgetCorpus.dicomPhotometric("PALETTE COLOR"), "pi",
                Map.of());
        assertTrue(known.error().message().contains("PALETTE COLOR"), "a defined term is named: "
                + known.error().message());
    }

    @Test
    void unknownTransferSyntaxUid_isDescribedNotQuoted() {
        byte[] dicom = DicomWriter.mr8(dev.brainscan.phantom.Phantom.generate(31, 96, 96, false).image())
                .transferSyntax("1.2.19330217.7733").bytes();
        ScanResult r = TestModels.classifier().classify(dicom, "ts", Map.of());
        assertEquals(ErrorCode.UNSUPPORTED_FORMAT, r.error().code());
        assertFalse(r.error().message().contains("19330217"), r.error().message());
    }

    @Test
    void codeStreamAgreeingWithTheHeader_passesTheFrameCheck() throws Exception {
        byte[] jpeg = dev.brainscan.phantom.Phantom.greyJpeg(3, 96, 96, false);
        dev.brainscan.core.image.dicom.FrameHeader.check(jpeg, 96, 96, 1);
        assertEquals(new dev.brainscan.core.image.dicom.FrameHeader.Declared(96, 96, 1),
                dev.brainscan.core.image.dicom.FrameHeader.of(jpeg));
        assertEquals(ErrorCode.CORRUPT_IMAGE, org.junit.jupiter.api.Assertions.assertThrows(
                dev.brainscan.core.result.ScanException.class,
                () -> dev.brainscan.core.image.dicom.FrameHeader.check(jpeg, 96, 97, 1)).code());
    }
}
