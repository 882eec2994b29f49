package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * {@code POST /uploads}: a presigned URL to PUT one scan under the input prefix (the S3 flow
 * then classifies it), and the path its result will appear at. The id is a random UUID (122
 * random bits), so a result path cannot be guessed. A declared {@code size} (required on a
 * public API) must be at most the image limit and is signed into the URL: S3 then refuses a
 * body of any other length.
 */
final class UploadsRoute implements Route {
    private static final Map<String, String> UPLOAD_TYPES = Map.of(
            "image/jpeg", ".jpg", "image/png", ".png", "image/webp", ".webp", "image/bmp", ".bmp", "image/gif", ".gif",
            "application/dicom", ".dcm", "application/zip", ".zip");
    private static final String BODY_SHAPE =
            "The body must be a JSON object such as {\"contentType\": \"image/png\", \"size\": 123456}.";

    /** The answer: where to PUT the scan, how, until when, and where its result will be. */
    @JsonPropertyOrder({"uploadUrl", "key", "resultPath", "method", "headers", "expiresAt"})
    record Ticket(String uploadUrl, String key, String resultPath, String method, Map<String, String> headers,
                  String expiresAt) {
    }

    private final UploadUrls uploads;
    private final boolean configured;
    private final String inputPrefix;
    private final long maxBytes;
    private final boolean sizeRequired;
    private final ScanLog log;

    /** What the body asks for. */
    private record Asked(String contentType, OptionalLong size) {
    }

    UploadsRoute(UploadUrls uploads, boolean configured, String inputPrefix, long maxBytes, boolean sizeRequired,
                 ScanLog log) {
        this.uploads = uploads;
        this.configured = configured;
        this.inputPrefix = inputPrefix;
        this.maxBytes = maxBytes;
        this.sizeRequired = sizeRequired;
        this.log = log;
    }

    @Override
    public APIGatewayV2HTTPResponse handle(HttpRequest request) throws ScanException {
        if (!configured) {
            throw new ScanException(ErrorCode.NOT_FOUND, "Uploads are not configured on this deployment.");
        }
        Asked asked = asked(request.body());
        String contentType = asked.contentType();
        String extension = UPLOAD_TYPES.get(contentType);
        if (extension == null) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                    "contentType must be one of image/jpeg, image/png, image/webp, image/bmp, image/gif, "
                            + "application/dicom or application/zip (a zip of one DICOM series).");
        }
        if (asked.size().isEmpty() && sizeRequired) {
            throw new ScanException(ErrorCode.BAD_REQUEST,
                    "This API is public: give the file's size in bytes, e.g. {\"contentType\": \"image/png\", \"size\": 123456}.");
        }
        if (asked.size().isPresent() && asked.size().getAsLong() > maxBytes) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE,
                    String.format("The file is %d bytes; the limit is %d bytes.", asked.size().getAsLong(), maxBytes));
        }
        String id = UUID.randomUUID() + extension;
        String key = inputPrefix + id;
        UploadUrls.Upload upload = uploads.create(key, contentType, asked.size());
        log.event(Channel.HTTP, request.requestId(), key, "upload-url", null);
        return Responses.json(201, new Ticket(upload.url(), key, "/results/" + id, "PUT", upload.headers(),
                upload.expiresAt().toString()), request.requestId());
    }

    /**
     * The body's {@code contentType}, lower case ({@code image/jpeg} for an empty body or none
     * given) and its {@code size} in bytes, if given (a whole number of at least 1).
     */
    private static Asked asked(byte[] body) throws ScanException {
        if (body.length == 0) {
            return new Asked("image/jpeg", OptionalLong.empty());
        }
        JsonNode req;
        try {
            req = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new ScanException(ErrorCode.BAD_REQUEST, BODY_SHAPE);
        }
        if (req == null || !req.isObject()) {
            throw new ScanException(ErrorCode.BAD_REQUEST, BODY_SHAPE);
        }
        String contentType = req.hasNonNull("contentType")
                ? req.get("contentType").asText().toLowerCase(Locale.ROOT).trim() : "image/jpeg";
        if (!req.hasNonNull("size")) {
            return new Asked(contentType, OptionalLong.empty());
        }
        JsonNode size = req.get("size");
        if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 1) {
            throw new ScanException(ErrorCode.BAD_REQUEST, "size must be the file's length in bytes, a whole number of at least 1.");
        }
        return new Asked(contentType, OptionalLong.of(size.asLong()));
    }
}
