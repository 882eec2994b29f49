package dev.brainscan.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3BatchEventV2;
import com.amazonaws.services.lambda.runtime.events.S3BatchResponse;
import com.amazonaws.services.lambda.runtime.events.S3BatchResponse.ResultCode;
import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.log.Channel;
import dev.brainscan.log.Invocations;
import dev.brainscan.store.StoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * S3 Batch Operations (invocation schema 2.0) over objects already in the bucket: each task
 * runs the upload flow and gets its result code (docs/contracts.md, section 4):
 * {@code Succeeded} when a result or an error result was written, {@code TemporaryFailure}
 * for a transient storage failure (Batch Operations retries the task), {@code PermanentFailure}
 * only where nothing can be written (a key outside the input prefix, a permanent write failure,
 * a schema 1.0 task without a bucket name). The result strings go into the job's completion
 * report: they hold an outcome and an error code, never a key or an internal message.
 */
public final class BackfillHandler implements RequestHandler<S3BatchEventV2, S3BatchResponse> {
    private final UploadProcessor processor;

    public BackfillHandler() {
        this(LambdaApp.instance().uploads());
    }

    public BackfillHandler(UploadProcessor processor) {
        this.processor = processor.forChannel(Channel.BATCH);
    }

    @Override
    public S3BatchResponse handleRequest(S3BatchEventV2 event, Context context) {
        Invocations.started();
        String requestId = context != null ? context.getAwsRequestId() : null;
        List<S3BatchResponse.Result> results = new ArrayList<>();
        if (event != null && event.getTasks() != null) {
            for (S3BatchEventV2.Task task : event.getTasks()) {
                if (task != null) {
                    results.add(run(task, requestId));
                }
            }
        }
        return S3BatchResponse.builder()
                .withInvocationSchemaVersion(event != null && event.getInvocationSchemaVersion() != null
                        ? event.getInvocationSchemaVersion() : "2.0")
                .withInvocationId(event != null ? event.getInvocationId() : null)
                // Every task gets a result; one missing by mistake must not count as done.
                .withTreatMissingKeysAs(ResultCode.TemporaryFailure)
                .withResults(results)
                .build();
    }

    private S3BatchResponse.Result run(S3BatchEventV2.Task task, String requestId) {
        if (task.getS3Bucket() == null || task.getS3Bucket().isBlank() || task.getS3Key() == null) {
            return result(task, ResultCode.PermanentFailure,
                    "no bucket name or key in the task: create the job with InvocationSchemaVersion 2.0");
        }
        // Batch Operations passes keys URL-encoded, as in its CSV manifests and inventory reports.
        String key = UploadProcessor.decodeKey(task.getS3Key());
        try {
            UploadProcessor.Outcome outcome = processor.process(task.getS3Bucket(), key, requestId);
            return switch (outcome) {
                case CLASSIFIED -> result(task, ResultCode.Succeeded, "classified");
                case REJECTED -> result(task, ResultCode.Succeeded, "error result written (bad input)");
                case FAILED -> result(task, ResultCode.Succeeded, "error result written (INTERNAL)");
                case NOT_WRITTEN -> result(task, ResultCode.PermanentFailure,
                        "the result could not be written (permanent storage failure)");
                case IGNORED -> result(task, ResultCode.PermanentFailure, "outside the input prefix: not a scan");
            };
        } catch (StoreException e) {
            return result(task, ResultCode.TemporaryFailure, "transient storage failure; Batch Operations retries");
        }
    }

    private static S3BatchResponse.Result result(S3BatchEventV2.Task task, ResultCode code, String text) {
        return S3BatchResponse.Result.builder().withTaskId(task.getTaskId()).withResultCode(code)
                .withResultString(text).build();
    }
}
