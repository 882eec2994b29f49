package dev.brainscan.serve;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * A Jetty request as API Gateway would hand it to the Lambda: the payload-2.0
 * {@link APIGatewayV2HTTPEvent} (headers lower-cased and joined, the query decoded, the body
 * base64), and the body reads that come before it, each bounded.
 */
final class RequestAdapter {
    private RequestAdapter() {
    }

    static APIGatewayV2HTTPEvent toEvent(Request request, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (HttpField h : request.getHeaders()) {
            headers.merge(h.getName().toLowerCase(Locale.ROOT), h.getValue(), (x, y) -> x + "," + y);
        }
        String rawQuery = request.getHttpURI().getQuery();
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    query.merge(k, v, (a, b) -> a + "," + b);
                } catch (IllegalArgumentException ignored) {
                    // malformed escape: API Gateway would pass it raw; leave it out
                }
            }
        }
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String path = request.getHttpURI().getPath();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("$default")
                .withRawPath(path)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withHeaders(headers)
                .withQueryStringParameters(query.isEmpty() ? null : query)
                .withIsBase64Encoded(true)
                .withBody(Base64.getEncoder().encodeToString(body))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(UUID.randomUUID().toString())
                        .withStage("$default")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(path)
                                .withProtocol(request.getConnectionMetaData().getProtocol())
                                .withSourceIp(Request.getRemoteAddr(request))
                                .withUserAgent(headers.get("user-agent"))
                                .build())
                        .build())
                .build();
    }

    /** Whether the request declares a body (a length over 0, or chunked). */
    static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains("Transfer-Encoding");
    }

    /** The body's declared length, or {@code max} when none is declared (chunked). */
    static long declaredLength(Request request, long max) {
        long declared = request.getLength();
        return declared < 0 ? max : Math.min(declared, max + 1);
    }

    /**
     * The whole body, or null when it is over {@code max} bytes (the rest is not read). A body of
     * a declared length within {@code max} is read into one array of that size (no growing
     * copies: the request's garbage is what the GC pauses every other request for).
     */
    static byte[] readAtMost(Request request, long max) throws IOException {
        InputStream in = Content.Source.asInputStream(request);
        long declared = request.getLength();
        if (declared >= 0 && declared <= max) {
            byte[] bytes = new byte[(int) declared];
            int n = in.readNBytes(bytes, 0, bytes.length);
            if (n < bytes.length) {
                throw new IOException("the body ended after " + n + " of its " + declared + " bytes");
            }
            return in.read() < 0 ? bytes : null;
        }
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        return bytes.length > max ? null : bytes;
    }

    /** Reads and drops at most {@code max} bytes of the body. */
    static void discardAtMost(Request request, long max) throws IOException {
        InputStream in = Content.Source.asInputStream(request);
        byte[] chunk = new byte[64 * 1024];
        long seen = 0;
        int n;
        while (seen <= max && (n = in.read(chunk)) > 0) {
            seen += n;
        }
    }
}
