package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.log.Channel;
import dev.brainscan.log.ScanLog;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every HTTP response the API and the local server send is built here, and this is the one
 * place an {@link ErrorCode} or {@link HttpOnlyCode} becomes an HTTP status (docs/contracts.md section 3.3). An
 * internal failure is logged with its stack trace and answered without any of it.
 */
public final class Responses {
    public static final String INTERNAL_MESSAGE = "The request could not be served because of an internal error.";

    private Responses() {
    }

    public static int status(ErrorCode code) {
        return switch (code) {
            case UNSUPPORTED_FORMAT -> 415;
            case CORRUPT_IMAGE, NO_BRAIN_REGION, NOT_A_BRAIN_MRI -> 422;
            case IMAGE_TOO_LARGE -> 413;
            case BAD_REQUEST -> 400;
            case NOT_FOUND -> 404;
            case INTERNAL -> 500;
        };
    }

    public static int status(HttpOnlyCode code) {
        return switch (code) {
            case FORBIDDEN -> 403;
            case METHOD_NOT_ALLOWED -> 405;
            case BUSY -> 503;
        };
    }

    /** 503 {@code BUSY} with {@code retry-after}: the server is at its limit; the request was not read. */
    public static APIGatewayV2HTTPResponse busy(String message, int retryAfterSeconds, String requestId) {
        APIGatewayV2HTTPResponse r = error(HttpOnlyCode.BUSY, message, requestId);
        r.getHeaders().put("retry-after", Integer.toString(retryAfterSeconds));
        return r;
    }

    /** 200 for a classified scan, else its error code's status. */
    public static int status(ScanResult result) {
        return result.failed() ? status(result.errorCode()) : 200;
    }

    /** {@code {"error": {"code", "message"}}} with the code's status. */
    public static APIGatewayV2HTTPResponse error(ErrorCode code, String message, String requestId) {
        return json(status(code), Map.of("error", new ScanResult.ErrorBody(code, message)), requestId);
    }

    /** {@code {"error": {"code", "message"}}} with an HTTP-only code's status. */
    public static APIGatewayV2HTTPResponse error(HttpOnlyCode code, String message, String requestId) {
        return json(status(code), Map.of("error", new RequestError(code.name(), message)), requestId);
    }

    /** The {@code error} body of an HTTP-only code, shaped as a record's. */
    record RequestError(String code, String message) {
    }

    /** 404: no route for this method and path; names the routes there are. */
    public static APIGatewayV2HTTPResponse noRoute(String method, String path, String requestId) {
        return error(ErrorCode.NOT_FOUND, "There is no route " + method + " " + HttpRequest.truncate(path)
                + ". Routes: POST /classify, POST /uploads, GET /results/{id}, GET /model, GET /health.", requestId);
    }

    /** 405 with {@code allow}: the path exists, but not for this method. */
    public static APIGatewayV2HTTPResponse wrongMethod(String method, String path, String allowed, String requestId) {
        APIGatewayV2HTTPResponse r = error(HttpOnlyCode.METHOD_NOT_ALLOWED, HttpRequest.truncate(path) + " does not take "
                + HttpRequest.truncate(method) + "; it takes " + allowed + ".", requestId);
        r.getHeaders().put("allow", allowed);
        return r;
    }

    /** Logs {@code e} with its stack trace and answers 500 with a message that reveals nothing of it. */
    public static APIGatewayV2HTTPResponse internalError(ScanLog log, Channel channel, String requestId, Throwable e) {
        log.internalError(channel, requestId, null, e);
        return error(ErrorCode.INTERNAL, INTERNAL_MESSAGE, requestId);
    }

    public static APIGatewayV2HTTPResponse json(int status, Object body, String requestId) {
        return response(status, "application/json; charset=utf-8", Json.write(body), requestId);
    }

    public static APIGatewayV2HTTPResponse response(int status, String contentType, String body, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", contentType);
        headers.put("cache-control", "no-store");
        headers.put("x-content-type-options", "nosniff");
        headers.put("x-request-id", requestId);
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(headers).withBody(body)
                .withIsBase64Encoded(false).build();
    }
}
