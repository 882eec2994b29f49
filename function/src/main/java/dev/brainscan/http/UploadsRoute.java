package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.log.ScanLog;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /uploads}: a presigned URL to PUT one scan under the input prefix (the S3 flow
 * then classifies it), and the path its result will appear at.
 */
final class UploadsRoute implements Route {
    private static final Map<String, String> UPLOAD_TYPES = Map.of(
            "image/jpeg", ".jpg", "image/png", ".png", "image/webp", ".webp", "image/bmp", ".bmp", "image/gif", ".gif",
            "application/dicom", ".dcm", "application/zip", ".zip");
    private static final String BODY_SHAPE = "The body must be a JSON object such as {\"contentType\": \"image/png\"}.";

    /** The answer: where to PUT the scan, how, until when, and where its result will be. */
    @JsonPropertyOrder({"uploadUrl", "key", "resultPath", "method", "headers", "expiresAt"})
    record Ticket(String uploadUrl, String key, String resultPath, String method, Map<String, String> headers,
                  String expiresAt) {
    }

    private final UploadUrls uploads;
    private final boolean configured;
    private final String inputPrefix;
    private final ScanLog log;

    UploadsRoute(UploadUrls uploads, boolean configured, String inputPrefix, ScanLog log) {
        this.uploads = uploads;
        this.configured = configured;
        this.inputPrefix = inputPrefix;
        this.log = log;
    }

    @Override
    public APIGatewayV2HTTPResponse handle(HttpRequest request) throws ScanException {
        if (!configured) {
            throw new ScanException(ErrorCode.NOT_FOUND, "Uploads are not configured on this deployment.");
        }
        String contentType = contentType(request.body());
        String extension = UPLOAD_TYPES.get(contentType);
        if (extension == null) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                    "contentType must be one of image/jpeg, image/png, image/webp, image/bmp, image/gif, "
                            + "application/dicom or application/zip (a zip of one DICOM series).");
        }
        String id = UUID.randomUUID() + extension;
        String key = inputPrefix + id;
        UploadUrls.Upload upload = uploads.create(key, contentType);
        log.event("http", request.requestId(), key, "upload-url", null);
        return Responses.json(201, new Ticket(upload.url(), key, "/results/" + id, "PUT", upload.headers(),
                upload.expiresAt().toString()), request.requestId());
    }

    /** The body's {@code contentType}, lower case; {@code image/jpeg} for an empty body or none given. */
    private static String contentType(byte[] body) throws ScanException {
        if (body.length == 0) {
            return "image/jpeg";
        }
        try {
            JsonNode req = Json.mapper().readTree(body);
            if (req == null || !req.isObject()) {
                throw new ScanException(ErrorCode.BAD_REQUEST, BODY_SHAPE);
            }
            return req.hasNonNull("contentType") ? req.get("contentType").asText().toLowerCase(Locale.ROOT).trim()
                    : "image/jpeg";
        } catch (IOException e) {
            throw new ScanException(ErrorCode.BAD_REQUEST, BODY_SHAPE);
        }
    }
}
