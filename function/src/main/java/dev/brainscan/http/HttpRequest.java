package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One API Gateway payload-2.0 event as the routes read it: the request id, method, path
 * (without a named stage), body, headers and query parameters. Malformed parts become
 * {@link ScanException}s with {@code BAD_REQUEST}, never a trace.
 */
public final class HttpRequest {
    private final APIGatewayV2HTTPEvent event;
    private final String requestId;

    HttpRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
        this.requestId = requestId(event);
    }

    /** API Gateway's request id (at most 100 characters), or a fresh UUID where there is none. */
    public String requestId() {
        return requestId;
    }

    /** The route key API Gateway matched ({@code POST /classify}), or {@code $default}/null. */
    String routeKey() {
        return event.getRouteKey();
    }

    private static String requestId(APIGatewayV2HTTPEvent event) {
        if (event.getRequestContext() != null && event.getRequestContext().getRequestId() != null
                && !event.getRequestContext().getRequestId().isBlank()) {
            String id = event.getRequestContext().getRequestId();
            return id.length() > 100 ? id.substring(0, 100) : id;
        }
        return UUID.randomUUID().toString();
    }

    /** The method in upper case: the request context's, else the route key's. */
    String method() throws ScanException {
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
    String path() {
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

    /** The body's bytes (empty when there is none). */
    byte[] body() throws ScanException {
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

    /** A header's value by case-insensitive name, or null. */
    String header(String name) {
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

    /** A query parameter's value, or null. */
    String query(String name) {
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

    /** A caller's string shortened for an error message. */
    static String truncate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
