package dev.brainscan.http;

import static dev.brainscan.http.Responses.error;
import static dev.brainscan.http.Responses.json;
import static dev.brainscan.http.Responses.response;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Json;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.flow.ScanLog;
import dev.brainscan.store.ObjectStore;
import dev.brainscan.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The HTTP API of docs/contracts.md section 5 over API Gateway's payload 2.0 event. The Lambda
 * handler and the local {@code serve} command both call {@link #handle}, so local and
 * deployed behaviour cannot drift. Every error is the error JSON with its status; no stack
 * trace or internal message ever reaches a caller.
 */
public final class HttpApi {
    private static final long MAX_RESULT_BYTES = 2_000_000;
    private static final Map<String, String> UPLOAD_TYPES = Map.of(
            "image/jpeg", ".jpg", "image/png", ".png", "image/webp", ".webp", "image/bmp", ".bmp", "image/gif", ".gif",
            "application/dicom", ".dcm", "application/zip", ".zip");

    /** Where uploads go and results come from, and the synchronous size limit. */
    public record Settings(String bucket, String inputPrefix, String resultPrefix, long syncMaxBytes) {
    }

    private final Classifier classifier;
    private final ObjectStore store;
    private final UploadUrls uploads;
    private final Settings settings;
    private final ScanLog log;

    public HttpApi(Classifier classifier, ObjectStore store, UploadUrls uploads, Settings settings, ScanLog log) {
        this.classifier = classifier;
        this.store = store;
        this.uploads = uploads;
        this.settings = settings;
        this.log = log;
    }

    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        String requestId = requestId(event);
        APIGatewayV2HTTPResponse r;
        boolean head = false;
        try {
            String method = method(event);
            head = method.equals("HEAD");
            r = route(event, head ? "GET" : method, path(event), requestId);
        } catch (ScanException e) {
            r = error(e.code(), e.getMessage(), requestId);
        } catch (RuntimeException | Error e) {
            r = Responses.internalError(log, "http", requestId, e);
        }
        if (head) {
            r.setBody(null); // HEAD: the GET's status and headers, no body
            r.setIsBase64Encoded(false);
        }
        return r;
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent event, String method, String path, String requestId) throws ScanException {
        if (path.equals("/classify")) {
            return method.equals("POST") ? classify(event, requestId) : wrongMethod(method, path, "POST", requestId);
        }
        if (path.equals("/uploads")) {
            return method.equals("POST") ? upload(event, requestId) : wrongMethod(method, path, "POST", requestId);
        }
        if (path.startsWith("/results/")) {
            return method.equals("GET") ? result(path.substring("/results/".length()), requestId)
                    : wrongMethod(method, path, "GET, HEAD", requestId);
        }
        switch (path) {
            case "/model", "/health", "/", "/index.html" -> {
                if (!method.equals("GET")) {
                    return wrongMethod(method, path, "GET, HEAD", requestId);
                }
                return switch (path) {
                    case "/model" -> json(200, modelInfo(), requestId);
                    case "/health" -> json(200, new Health("ok", classifier.manifest().identity()),
                            requestId);
                    default -> page(requestId);
                };
            }
            default -> {
                return noRoute(method, path, requestId);
            }
        }
    }

    private APIGatewayV2HTTPResponse wrongMethod(String method, String path, String allowed, String requestId) {
        APIGatewayV2HTTPResponse r = error(ErrorCode.METHOD_NOT_ALLOWED, truncate(path) + " does not take "
                + truncate(method) + "; it takes " + allowed + ".", requestId);
        r.getHeaders().put("allow", allowed);
        return r;
    }

    private APIGatewayV2HTTPResponse classify(APIGatewayV2HTTPEvent event, String requestId) throws ScanException {
        byte[] body = body(event);
        String contentType = header(event, "content-type");
        String boundary = Multipart.boundary(contentType);
        if (boundary != null) {
            body = Multipart.part(body, boundary, "file");
            if (body == null) {
                throw new ScanException(ErrorCode.BAD_REQUEST, "The multipart form has no part named \"file\".");
            }
        } else if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            throw new ScanException(ErrorCode.BAD_REQUEST, "The multipart content type has no boundary.");
        }
        if (body.length == 0) {
            throw new ScanException(ErrorCode.BAD_REQUEST,
                    "The request has no image: send its bytes as the body, or a multipart form with a part named \"file\".");
        }
        if (body.length > settings.syncMaxBytes()) {
            throw new ScanException(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "The image is %d bytes; POST /classify takes at most %d. Use POST /uploads for larger scans.",
                    body.length, settings.syncMaxBytes()));
        }
        Map<String, String> source = new LinkedHashMap<>();
        source.put("channel", "http");
        source.put("requestId", requestId);
        List<ScanClassifier.Classification> all = classifier.runAll(body, requestId, source,
                "true".equalsIgnoreCase(query(event, "heatmap")));
        for (ScanClassifier.Classification each : all) {
            if (each.internalError() != null) {
                log.internalError("http", requestId, null, each.internalError());
            }
        }
        ScanClassifier.Classification c = all.get(0);
        ScanResult result = c.result();
        if (all.size() > 1) {
            // A multi-frame DICOM file: one series record holding the per-frame records.
            result = classifier.series(all.stream().map(ScanClassifier.Classification::result).toList(), requestId,
                    source, true);
        } else if (!result.failed() && c.heatmapPng() != null) {
            result = result.withHeatmap(Base64.getEncoder().encodeToString(c.heatmapPng()));
        }
        log.scan("http", requestId, null, result);
        return json(Responses.status(result), result, requestId);
    }

    private APIGatewayV2HTTPResponse upload(APIGatewayV2HTTPEvent event, String requestId) throws ScanException {
        if (uploads == null || store == null || settings.bucket().isEmpty()) {
            throw new ScanException(ErrorCode.NOT_FOUND, "Uploads are not configured on this deployment.");
        }
        String contentType = "image/jpeg";
        byte[] body = body(event);
        if (body.length > 0) {
            try {
                JsonNode req = Json.MAPPER.readTree(body);
                if (req == null || !req.isObject()) {
                    throw new ScanException(ErrorCode.BAD_REQUEST, "The body must be a JSON object such as {\"contentType\": \"image/png\"}.");
                }
                if (req.hasNonNull("contentType")) {
                    contentType = req.get("contentType").asText().toLowerCase(Locale.ROOT).trim();
                }
            } catch (IOException e) {
                throw new ScanException(ErrorCode.BAD_REQUEST, "The body must be a JSON object such as {\"contentType\": \"image/png\"}.");
            }
        }
        String extension = UPLOAD_TYPES.get(contentType);
        if (extension == null) {
            throw new ScanException(ErrorCode.UNSUPPORTED_FORMAT,
                    "contentType must be one of image/jpeg, image/png, image/webp, image/bmp, image/gif, "
                            + "application/dicom or application/zip (a zip of one DICOM series).");
        }
        String id = UUID.randomUUID() + extension;
        String key = settings.inputPrefix() + id;
        UploadUrls.Upload upload = uploads.create(key, contentType);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("uploadUrl", upload.url());
        out.put("key", key);
        out.put("resultPath", "/results/" + id);
        out.put("method", "PUT");
        out.put("headers", upload.headers());
        out.put("expiresAt", upload.expiresAt().toString());
        log.event("http", requestId, key, "upload-url", null);
        return json(201, out, requestId);
    }

    private APIGatewayV2HTTPResponse result(String rawId, String requestId) throws ScanException {
        if (store == null || settings.bucket().isEmpty()) {
            throw new ScanException(ErrorCode.NOT_FOUND, "Results are not stored on this deployment.");
        }
        String id = percentDecode(rawId);
        if (id != null && (settings.resultPrefix() + id + ".json").getBytes(StandardCharsets.UTF_8).length > 1024) {
            // S3 keys are at most 1024 bytes: no upload can have a result under this id.
            throw new ScanException(ErrorCode.NOT_FOUND, "There is no result for this id: it is longer than any key.");
        }
        if (id == null || id.isEmpty() || id.startsWith("/") || id.contains("..")
                || id.contains("//") || id.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new ScanException(ErrorCode.BAD_REQUEST, "The result id is not valid.");
        }
        try {
            byte[] json = store.get(settings.bucket(), settings.resultPrefix() + id + ".json", MAX_RESULT_BYTES).bytes();
            return response(200, "application/json; charset=utf-8", new String(json, StandardCharsets.UTF_8), requestId);
        } catch (StoreException e) {
            if (e.kind() == StoreException.Kind.NOT_FOUND) {
                throw new ScanException(ErrorCode.NOT_FOUND,
                        "There is no result for this id yet; it appears once the scan has been classified.");
            }
            log.event("http", requestId, id, "result-unreadable", e.kind() + ": " + e.getMessage());
            throw new ScanException(ErrorCode.INTERNAL, "The result could not be read; try again shortly.");
        }
    }

    // Records, not Map.of: Map.of's iteration order changes from one JVM to the next, and so would the JSON's.
    private record Health(String status, ScanResult.ModelIdentity model) {
    }

    private record InputSize(int height, int width, int channels) {
    }

    private record LimitsInfo(long maxBytes, long maxPixels, int minSide, long syncMaxBytes) {
    }

    private Map<String, Object> modelInfo() {
        ModelManifest m = classifier.manifest();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", m.name());
        out.put("version", m.version());
        out.put("sha256", m.sha256());
        out.put("input", new InputSize(m.input().height(), m.input().width(), 3));
        out.put("decisionThreshold", m.decisionThreshold());
        out.put("riskTiers", m.riskTiers());
        if (m.typed()) {
            out.put("tumorTypes", m.tumorTypes());
        }
        if (m.metrics() != null) {
            out.put("metrics", m.metrics());
        }
        if (m.architecture() != null) {
            out.put("architecture", m.architecture());
        }
        out.put("limits", new LimitsInfo(classifier.limits().maxBytes(), classifier.limits().maxPixels(),
                classifier.limits().minSide(), settings.syncMaxBytes()));
        out.put("notice", m.notice());
        return out;
    }

    private APIGatewayV2HTTPResponse page(String requestId) {
        try (InputStream in = HttpApi.class.getResourceAsStream("/web/index.html")) {
            if (in == null) {
                return noRoute("GET", "/", requestId);
            }
            APIGatewayV2HTTPResponse r = response(200, "text/html; charset=utf-8",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), requestId);
            r.getHeaders().put("content-security-policy", "default-src 'self'; img-src 'self' data: blob:; "
                    + "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src *");
            r.getHeaders().put("cache-control", "no-cache");
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private APIGatewayV2HTTPResponse noRoute(String method, String path, String requestId) {
        return error(ErrorCode.NOT_FOUND, "There is no route " + method + " " + truncate(path)
                + ". Routes: POST /classify, POST /uploads, GET /results/{id}, GET /model, GET /health.", requestId);
    }

    private static String requestId(APIGatewayV2HTTPEvent event) {
        if (event.getRequestContext() != null && event.getRequestContext().getRequestId() != null
                && !event.getRequestContext().getRequestId().isBlank()) {
            String id = event.getRequestContext().getRequestId();
            return id.length() > 100 ? id.substring(0, 100) : id;
        }
        return UUID.randomUUID().toString();
    }

    private static String method(APIGatewayV2HTTPEvent event) throws ScanException {
        if (event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                && event.getRequestContext().getHttp().getMethod() != null) {
            return event.getRequestContext().getHttp().getMethod().toUpperCase(Locale.ROOT);
        }
        String routeKey = event.getRouteKey();
        if (routeKey != null && routeKey.contains(" ")) {
            return routeKey.substring(0, routeKey.indexOf(' ')).toUpperCase(Locale.ROOT);
        }
        throw new ScanException(ErrorCode.BAD_REQUEST, "The request has no method.");
    }

    /** The path without a named stage prefix (the $default stage has none). */
    private static String path(APIGatewayV2HTTPEvent event) {
        String path = event.getRawPath();
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        String stage = event.getRequestContext() != null ? event.getRequestContext().getStage() : null;
        if (stage != null && !stage.equals("$default") && path.startsWith("/" + stage + "/")) {
            path = path.substring(stage.length() + 1);
        }
        return path;
    }

    private static byte[] body(APIGatewayV2HTTPEvent event) throws ScanException {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (event.getIsBase64Encoded()) {
            try {
                return Base64.getMimeDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new ScanException(ErrorCode.BAD_REQUEST, "The body is marked base64 but is not valid base64.");
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(APIGatewayV2HTTPEvent event, String name) {
        if (event.getHeaders() == null) {
            return null;
        }
        for (Map.Entry<String, String> h : event.getHeaders().entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    private static String query(APIGatewayV2HTTPEvent event, String name) {
        return event.getQueryStringParameters() == null ? null : event.getQueryStringParameters().get(name);
    }

    /** RFC 3986 percent-decoding of a path ('+' stays '+'); null when malformed. */
    public static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            int ch = s.codePointAt(i);
            if (ch == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = Character.toString(ch).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(ch) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String truncate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
