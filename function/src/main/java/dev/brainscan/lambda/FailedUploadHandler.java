package dev.brainscan.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.brainscan.config.Config;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.result.Json;
import dev.brainscan.flow.FailedUploads;
import dev.brainscan.log.Invocations;
import dev.brainscan.log.ScanLog;
import dev.brainscan.store.S3ObjectStore;
import dev.brainscan.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The failure queue's consumer: every S3 event that exhausted the upload function's retries
 * (a crash, an out-of-memory kill, a timeout) gets its {@code INTERNAL} error result, unless a
 * result exists. Loads no model (only its manifest, for the result's model block). A message
 * that hit a transient storage failure is reported back for redelivery; one that is not an
 * S3 event is logged and dropped (it can never succeed).
 */
public final class FailedUploadHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private static FailedUploads shared;

    private final FailedUploads failed;

    public FailedUploadHandler() {
        this(shared());
    }

    public FailedUploadHandler(FailedUploads failed) {
        this.failed = failed;
    }

    private static synchronized FailedUploads shared() {
        if (shared == null) {
            Map<String, String> env = System.getenv();
            Config config = Config.fromEnv(env);
            LogKey.install(config, env);
            ModelSource model = config.modelDir().map(ModelSource::directory).orElseGet(ModelSource::bundled);
            ScanLog log = new ScanLog(System.out, config.logObjectKeys());
            shared = new FailedUploads(new S3ObjectStore(S3Clients.client(env, config.s3Timeouts())), config.inputPrefix(),
                    config.resultPrefix(), ModelManifest.parse(model.manifestJson()), log);
        }
        return shared;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Invocations.started();
        List<SQSBatchResponse.BatchItemFailure> retry = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return new SQSBatchResponse(retry);
        }
        String requestId = context != null ? context.getAwsRequestId() : null;
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            try {
                failed.process(message.getBody() == null ? "" : message.getBody(), requestId);
            } catch (StoreException e) {
                retry.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            } catch (IllegalArgumentException e) {
                System.out.println(Json.write(Map.of("event", "failure-queue", "outcome", "unreadable-message",
                        "messageId", String.valueOf(message.getMessageId()), "detail", e.getMessage())));
            }
        }
        return new SQSBatchResponse(retry);
    }
}
