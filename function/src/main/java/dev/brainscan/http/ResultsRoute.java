package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import dev.brainscan.store.ObjectStore;
import dev.brainscan.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * {@code GET /results/{id+}}: the stored result JSON of an upload, as stored. On a public API
 * only the ids POST /uploads hands out (a random UUID and the type's extension) are served:
 * the result of a scan uploaded to the bucket under its own name ({@code ward7/p12.jpg}) is
 * answered as missing, so no one can fetch results by guessing names.
 */
final class ResultsRoute implements Route {
    static final String PREFIX = "/results/";
    /** The ids UploadsRoute makes: a version-4 UUID (lower case, as UUID.toString writes it) and an extension. */
    static final Pattern UPLOAD_ID = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.(jpg|png|webp|bmp|gif|dcm|zip)");
    private static final long MAX_RESULT_BYTES = 2_000_000;
    private static final String NOT_YET =
            "There is no result for this id yet; it appears once the scan has been classified.";

    private final ObjectStore store;
    private final String bucket;
    private final String resultPrefix;
    private final boolean uploadIdsOnly;
    private final ScanLog log;

    /** {@code store} null or {@code bucket} empty: results are not stored on this deployment. */
    ResultsRoute(ObjectStore store, String bucket, String resultPrefix, boolean uploadIdsOnly, ScanLog log) {
        this.store = store;
        this.bucket = bucket;
        this.resultPrefix = resultPrefix;
        this.uploadIdsOnly = uploadIdsOnly;
        this.log = log;
    }

    @Override
    public APIGatewayV2HTTPResponse handle(HttpRequest request) throws ScanException {
        if (store == null || bucket.isEmpty()) {
            throw new ScanException(ErrorCode.NOT_FOUND, "Results are not stored on this deployment.");
        }
        String path = request.path();
        String id = HttpRequest.percentDecode(path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : "");
        if (id != null && (resultPrefix + id + ".json").getBytes(StandardCharsets.UTF_8).length > 1024) {
            // S3 keys are at most 1024 bytes: no upload can have a result under this id.
            throw new ScanException(ErrorCode.NOT_FOUND, "There is no result for this id: it is longer than any key.");
        }
        if (id == null || id.isEmpty() || id.startsWith("/") || id.contains("..")
                || id.contains("//") || id.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new ScanException(ErrorCode.BAD_REQUEST, "The result id is not valid.");
        }
        if (uploadIdsOnly && !UPLOAD_ID.matcher(id).matches()) {
            // The same answer as a result not written yet: nothing tells a guess from a miss.
            throw new ScanException(ErrorCode.NOT_FOUND, NOT_YET);
        }
        try {
            byte[] json = store.get(bucket, resultPrefix + id + ".json", MAX_RESULT_BYTES).bytes();
            return Responses.response(200, "application/json; charset=utf-8", new String(json, StandardCharsets.UTF_8),
                    request.requestId());
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.NOT_FOUND) {
                throw new ScanException(ErrorCode.NOT_FOUND, NOT_YET);
            }
            if (e.kind() == StoreException.Kind.TOO_LARGE) {
                // written before results were bounded (flow.ResultBound): permanent, not "try again"
                log.event(Channel.HTTP, request.requestId(), id, "result-too-large", e.kind() + ": " + e.getMessage());
                throw new ScanException(ErrorCode.INTERNAL, "The result is larger than this route serves ("
                        + MAX_RESULT_BYTES + " bytes); read it from the results bucket.");
            }
            log.event(Channel.HTTP, request.requestId(), id, "result-unreadable", e.kind() + ": " + e.getMessage());
            throw new ScanException(ErrorCode.INTERNAL, "The result could not be read; try again shortly.");
        }
    }
}
