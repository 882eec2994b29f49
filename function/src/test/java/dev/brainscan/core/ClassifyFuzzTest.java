package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.testing.TestModels;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Coverage-guided fuzzing of decode + crop + classify with Jazzer. Whatever the bytes, the
 * pipeline returns a result or one of the documented client errors: no exception escapes,
 * no INTERNAL error (an unexpected exception inside) and no input takes over 2 seconds of CPU
 * on the calling thread (where the readers decode) or 10 seconds of wall clock (a stall).
 * CPU, not wall clock, for the 2 s rule: on a shared machine (2 cores under a training run
 * and other builds) a 0.3 s-CPU JPEG measured 2.6 s of wall clock; and the thread's, not the
 * process's: in a run's first seconds the JIT's compiler threads made a 0.16 s GIF cost
 * 2.3 s of process CPU. Memory is the heap's (-Xmx512m) and the Error rule's.
 *
 * <p>In the normal test run this replays the seed corpus in
 * {@code src/test/resources/dev/brainscan/core/ClassifyFuzzTestInputs/} (a short regression
 * run, with one seed directory per target); {@code JAZZER_FUZZ=1} fuzzes one target for real,
 * for up to ten minutes (docs/security.md, "Fuzzing"): {@code classify} takes any bytes, the family
 * targets ({@code jpeg}, {@code png}, {@code webp}, {@code bmp}, {@code gif}, {@code dicom},
 * {@code jpeg2000}, {@code jpegls})
 * force their container so the time goes into one decoder.
 */
class ClassifyFuzzTest {
    static final Set<ErrorCode> DOCUMENTED_CODES = EnumSet.of(ErrorCode.UNSUPPORTED_FORMAT, ErrorCode.CORRUPT_IMAGE,
            ErrorCode.NO_BRAIN_REGION, ErrorCode.NOT_A_BRAIN_MRI, ErrorCode.IMAGE_TOO_LARGE);
    static final Set<String> DOCUMENTED = DOCUMENTED_CODES.stream().map(Enum::name).collect(Collectors.toSet());

    private static final java.lang.management.ThreadMXBean THREAD =
            java.lang.management.ManagementFactory.getThreadMXBean();

    @FuzzTest(maxDuration = "10m")
    void classify(byte[] input) {
        check(input);
    }

    // One target per decoder family: the fuzzer's bytes are forced into that family's
    // container (magic, sizes, CRCs fixed up) so that its time goes into that decoder rather
    // than into being refused by the sniffer. Seeds: ClassifyFuzzTestInputs/<method>/.

    /** JPEG: SOI, then the fuzzer's segments. */
    @FuzzTest(maxDuration = "10m")
    void jpeg(byte[] input) {
        check(FamilyInputs.jpeg(input));
    }

    /** PNG: the signature, then the fuzzer's chunks, each with its CRC recomputed. */
    @FuzzTest(maxDuration = "10m")
    void png(byte[] input) {
        check(FamilyInputs.png(input));
    }

    /** WebP: RIFF/WEBP with the RIFF size fixed up, then the fuzzer's chunks. */
    @FuzzTest(maxDuration = "10m")
    void webp(byte[] input) {
        check(FamilyInputs.webp(input));
    }

    /** BMP: "BM", the file size fixed up, a known DIB header size, one plane, a real bit depth. */
    @FuzzTest(maxDuration = "10m")
    void bmp(byte[] input) {
        check(FamilyInputs.bmp(input));
    }

    /** GIF: the GIF87a/GIF89a signature, then the fuzzer's bytes. */
    @FuzzTest(maxDuration = "10m")
    void gif(byte[] input) {
        check(FamilyInputs.gif(input));
    }

    /** DICOM: the 128-byte preamble and "DICM", then the fuzzer's elements. */
    @FuzzTest(maxDuration = "10m")
    void dicom(byte[] input) {
        check(FamilyInputs.dicom(input));
    }

    /** JPEG 2000 (JJ2000): the fuzzer's code stream in an MR file whose size is the stream's (FamilyInputs). */
    @FuzzTest(maxDuration = "10m")
    void jpeg2000(byte[] input) {
        check(FamilyInputs.jpeg2000(input));
    }

    /** JPEG-LS (our T.87 decoder): the fuzzer's code stream in an MR file whose size is the stream's. */
    @FuzzTest(maxDuration = "10m")
    void jpegls(byte[] input) {
        check(FamilyInputs.jpegls(input));
    }

    /**
     * Multi-frame DICOM: as {@link #dicom}, but every frame is classified (the other targets
     * classify the first), so the fuzzer's time goes into many frames of one file and the
     * per-input work budget (issue 27); seeds are multi-frame JPEG and RLE files.
     */
    @FuzzTest(maxDuration = "10m")
    void dicomFrames(byte[] input) {
        checkAll(FamilyInputs.dicom(input));
    }

    /**
     * Zip: the fuzzer's bytes as a series zip through the S3 flow (entries read with the
     * archive's limits, every entry's frames under one work budget); bytes that are not a zip
     * become one with up to four DICOM entries. The flow must write a result every time.
     */
    @FuzzTest(maxDuration = "10m")
    void zip(byte[] input) {
        checkZip(FamilyInputs.zip(input));
    }

    /** Every frame of the input: documented codes only, no Error, under 2 s of the thread's CPU in all. */
    static void checkAll(byte[] input) {
        ScanClassifier classifier = TestModels.classifier();
        long errorsBefore = ImageDecoder.decoderErrors();
        long cpuStart = THREAD.getCurrentThreadCpuTime();
        java.util.List<Classification> all = classifier.runAll(input, "fuzz", Map.of(), false);
        double cpuSeconds = (THREAD.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        assertEquals(errorsBefore, ImageDecoder.decoderErrors(), "a decoder threw an Error on this input");
        assertTrue(!all.isEmpty() && all.size() <= dev.brainscan.core.image.dicom.DicomImage.MAX_FRAMES);
        for (Classification c : all) {
            assertNull(c.internalError(), () -> "unexpected exception inside the pipeline: " + c.internalError());
            if (c.result().failed()) {
                assertTrue(DOCUMENTED_CODES.contains(c.result().error().code()), c.result().error().code().name());
            }
        }
        assertTrue(cpuSeconds < 2.0, "input took " + cpuSeconds + " s of CPU on the calling thread");
    }

    /** The S3 flow on a zip: a result written, within the read cap, documented codes only, under 3 s of CPU. */
    static void checkZip(byte[] zip) {
        ScanClassifier classifier = TestModels.classifier();
        dev.brainscan.testing.MemoryStore store = new dev.brainscan.testing.MemoryStore().with("scans/s.zip", zip);
        dev.brainscan.flow.UploadProcessor flow = new dev.brainscan.flow.UploadProcessor(classifier, store, "scans/",
                "results/", new dev.brainscan.log.ScanLog(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                        false), false);
        long cpuStart = THREAD.getCurrentThreadCpuTime();
        dev.brainscan.flow.UploadProcessor.Outcome outcome;
        try {
            outcome = flow.process("bucket", "scans/s.zip", "fuzz");
        } catch (dev.brainscan.store.StoreException e) {
            throw new AssertionError(e);
        }
        double cpuSeconds = (THREAD.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        assertTrue(outcome == dev.brainscan.flow.UploadProcessor.Outcome.CLASSIFIED
                || outcome == dev.brainscan.flow.UploadProcessor.Outcome.REJECTED, outcome.toString());
        byte[] result = store.object("results/s.zip.json");
        assertTrue(result.length <= dev.brainscan.flow.ResultBound.MAX_RESULT_BYTES, result.length + " bytes");
        try {
            com.fasterxml.jackson.databind.JsonNode r = dev.brainscan.core.result.Json.mapper().readTree(result);
            if (r.has("error")) {
                assertTrue(DOCUMENTED.contains(r.path("error").path("code").asText()), r.path("error").toString());
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(cpuSeconds < 3.0, "zip took " + cpuSeconds + " s of CPU on the calling thread");
    }

    /**
     * The generated seeds: every attack class of the hostile corpus (issue 15's included)
     * through the same oracle, in the fuzzing JVM's heap (-Xmx512m, the Lambda's class).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("seeds")
    void hostileSeeds_holdTheFuzzOracle(dev.brainscan.testing.HostileCorpus.Case seed) {
        check(seed.bytes());
    }

    static java.util.stream.Stream<dev.brainscan.testing.HostileCorpus.Case> seeds() {
        return java.util.stream.Stream.concat(dev.brainscan.testing.HostileCorpus.all().stream(),
                dev.brainscan.testing.HostileCorpus.tolerated().stream());
    }

    /**
     * No Error or exception escapes or hides inside (INTERNAL), no decoder throws an Error
     * (even one the decoder turns into the input's code), only documented codes, under 2 s of
     * the thread's CPU and 10 s of wall clock.
     */
    static void check(byte[] input) {
        ScanClassifier classifier = TestModels.classifier(); // loaded once, not timed
        long errorsBefore = ImageDecoder.decoderErrors();
        long cpuStart = THREAD.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        Classification c = classifier.run(input, "fuzz", Map.of());
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (THREAD.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        assertEquals(errorsBefore, ImageDecoder.decoderErrors(),
                "a decoder threw an Error (OutOfMemoryError, StackOverflowError, ...) on this input");
        assertNotNull(c.result());
        assertNull(c.internalError(), () -> "unexpected exception inside the pipeline: " + c.internalError());
        if (c.result().failed()) {
            assertTrue(DOCUMENTED_CODES.contains(c.result().error().code()), c.result().error().code().name());
        } else {
            assertTrue(c.result().score() >= 0 && c.result().score() <= 1);
        }
        assertTrue(cpuSeconds < 2.0, "input took " + cpuSeconds + " s of CPU on the calling thread (" + seconds + " s wall)");
        assertTrue(seconds < 10.0, "input took " + seconds + " s of wall clock (" + cpuSeconds + " s of CPU)");
    }
}
