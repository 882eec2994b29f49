package dev.brainscan.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.amazonaws.services.lambda.runtime.events.S3BatchEventV2;
import com.amazonaws.services.lambda.runtime.events.S3BatchResponse.ResultCode;
import com.amazonaws.services.lambda.runtime.events.S3BatchResponse;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.log.ScanLog;
import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.store.StoreException;
import dev.brainscan.testing.FakeClassifier;
import dev.brainscan.testing.MemoryStore;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Result codes of the Batch Operations handler, on the flow with a fake classifier and an in-memory bucket. */
class BackfillHandlerTest {
    static final byte[] SCAN = {1, 2, 3};

    static BackfillHandler handler(FakeClassifier classifier, MemoryStore store) {
        return new BackfillHandler(new UploadProcessor(classifier, store, "scans/", "results/",
                new ScanLog(new PrintStream(OutputStream.nullOutputStream()), false), false));
    }

    static S3BatchEventV2 event(String... encodedKeys) {
        List<S3BatchEventV2.Task> tasks = new java.util.ArrayList<>();
        for (int i = 0; i < encodedKeys.length; i++) {
            tasks.add(S3BatchEventV2.Task.builder().withTaskId("t" + i).withS3Bucket("b").withS3Key(encodedKeys[i]).build());
        }
        return S3BatchEventV2.builder().withInvocationSchemaVersion("2.0").withInvocationId("inv").withTasks(tasks).build();
    }

    static List<ResultCode> codes(S3BatchResponse r) {
        return r.getResults().stream().map(S3BatchResponse.Result::getResultCode).toList();
    }

    @Test
    void classifiedAndRefusedScans_succeed_keysOutsideThePrefixFailPermanently() {
        MemoryStore store = new MemoryStore().with("scans/a b.jpg", SCAN);
        S3BatchResponse ok = handler(FakeClassifier.scoring(0.9), store).handleRequest(event("scans/a%20b.jpg", "other/x.jpg"), null);
        assertEquals(List.of(ResultCode.Succeeded, ResultCode.PermanentFailure), codes(ok));
        assertNotNull(store.object("results/a b.jpg.json"), "the task key was URL-decoded");

        S3BatchResponse refused = handler(FakeClassifier.refusing(ErrorCode.NOT_A_BRAIN_MRI), store)
                .handleRequest(event("scans/a+b.jpg"), null);
        assertEquals(List.of(ResultCode.Succeeded), codes(refused), "an error result is a result");
    }

    @Test
    void transientFailure_isTemporary_permanentWriteFailureIsPermanent() {
        MemoryStore flaky = new MemoryStore().with("scans/x.jpg", SCAN).failingGets(StoreException.Kind.TRANSIENT);
        assertEquals(List.of(ResultCode.TemporaryFailure),
                codes(handler(FakeClassifier.scoring(0.1), flaky).handleRequest(event("scans/x.jpg"), null)));

        MemoryStore denied = new MemoryStore().with("scans/x.jpg", SCAN).failingPuts(StoreException.Kind.DENIED);
        assertEquals(List.of(ResultCode.PermanentFailure),
                codes(handler(FakeClassifier.scoring(0.1), denied).handleRequest(event("scans/x.jpg"), null)));
    }

    @Test
    void emptyOrMissingTasks_answerWithNoResults() {
        S3BatchResponse r = handler(FakeClassifier.scoring(0.1), new MemoryStore()).handleRequest(new S3BatchEventV2(), null);
        assertEquals(List.of(), r.getResults());
        assertEquals("2.0", r.getInvocationSchemaVersion());
        assertEquals(ResultCode.TemporaryFailure, r.getTreatMissingKeysAs());
    }
}
