package dev.brainscan.flow;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.brainscan.log.ScanLog;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.store.StoreException;
import dev.brainscan.testing.GoldenJson;
import dev.brainscan.testing.HostileCorpus;
import dev.brainscan.testing.MemoryStore;
import dev.brainscan.testing.TestModels;
import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The result object the S3 flow writes, for a classified scan and for each error code a scan
 * can end in, against golden/ (docs/contracts.md sections 3 and 4): the real model and
 * decoder, an in-memory bucket. BAD_REQUEST cannot happen here; HttpGoldenTest covers it.
 */
class ResultGoldenTest {

    static byte[] input(String name) {
        if (name.equals("phantom")) {
            return Phantom.jpeg(11, 256, 256, true);
        }
        if (name.equals("not-mri")) {
            name = "not-mri-photo";
        }
        String wanted = name;
        return HostileCorpus.all().stream().filter(c -> c.name().equals(wanted)).findFirst().orElseThrow().bytes();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "phantom, s3-result-classified.json, ",
        "text, s3-result-UNSUPPORTED_FORMAT.json, ",
        "jpeg-truncated-half, s3-result-CORRUPT_IMAGE.json, ",
        "all-black, s3-result-NO_BRAIN_REGION.json, ",
        "not-mri, s3-result-NOT_A_BRAIN_MRI.json, ",
        "png-bomb-30000x30000, s3-result-IMAGE_TOO_LARGE.json, ",
        "phantom, s3-result-NOT_FOUND.json, NOT_FOUND",
        "phantom, s3-result-INTERNAL.json, DENIED"})
    void resultObject_matchesItsGoldenFile(String input, String golden, StoreException.Kind readFailure)
            throws Exception {
        String key = "scans/ward7/p12.jpg";
        MemoryStore store = new MemoryStore();
        if (readFailure == StoreException.Kind.DENIED) {
            store.with(key, input(input)).failingGets(StoreException.Kind.DENIED);
        } else if (readFailure == null) {
            store.with(key, input(input));
        }
        UploadProcessor processor = new UploadProcessor(TestModels.classifier(), store, "scans/", "results/",
                new ScanLog(new PrintStream(OutputStream.nullOutputStream()), false),
                false);

        processor.process("brainscan-bucket", key, "req-1");

        byte[] written = store.object("results/ward7/p12.jpg.json");
        assertNotNull(written, "no result written");
        GoldenJson.assertMatches(golden, new String(written, java.nio.charset.StandardCharsets.UTF_8));
    }

}
