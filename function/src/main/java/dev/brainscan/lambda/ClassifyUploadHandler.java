package dev.brainscan.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.log.Invocations;
import dev.brainscan.store.StoreException;

/**
 * S3 uploads under the input prefix: each record of the event is classified and gets its
 * result object. A transient failure on any record fails the invocation after the others
 * are done (Lambda retries the event; records already written are simply rewritten).
 */
public final class ClassifyUploadHandler implements RequestHandler<S3Event, Void> {
    private final UploadProcessor processor;

    public ClassifyUploadHandler() {
        this(LambdaApp.instance().uploads());
    }

    public ClassifyUploadHandler(UploadProcessor processor) {
        this.processor = processor;
    }

    /** Raised so that Lambda retries the event; its message holds no key or bucket. */
    public static final class TransientFailure extends RuntimeException {
        TransientFailure(int records, Throwable cause) {
            super(records + " record(s) hit a transient storage failure; retrying the event", cause);
        }
    }

    @Override
    public Void handleRequest(S3Event event, Context context) {
        Invocations.started();
        if (event == null || event.getRecords() == null) {
            return null;
        }
        String requestId = context != null ? context.getAwsRequestId() : null;
        int transientFailures = 0;
        StoreException last = null;
        for (S3EventNotificationRecord record : event.getRecords()) {
            if (record == null || record.getS3() == null || record.getS3().getObject() == null
                    || record.getS3().getBucket() == null) {
                continue;
            }
            String bucket = record.getS3().getBucket().getName();
            String key = UploadProcessor.decodeKey(record.getS3().getObject().getKey());
            try {
                processor.process(bucket, key, requestId, record.getS3().getObject().getVersionId(),
                        record.getS3().getObject().getSequencer());
            } catch (StoreException e) {
                transientFailures++;
                last = e;
            }
        }
        if (transientFailures > 0) {
            throw new TransientFailure(transientFailures, last);
        }
        return null;
    }
}
