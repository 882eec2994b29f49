package dev.brainscan.serve;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The Lambda's {@link APIGatewayV2HTTPResponse} written as Jetty's response, with the headers every answer carries. */
final class ResponseWriter {
    private ResponseWriter() {
    }

    static void send(Request request, Response response, Callback callback, APIGatewayV2HTTPResponse r) {
        byte[] body = r.getBody() == null ? new byte[0]
                : r.getIsBase64Encoded() ? Base64.getDecoder().decode(r.getBody())
                : r.getBody().getBytes(StandardCharsets.UTF_8);
        HttpFields.Mutable headers = response.getHeaders();
        if (r.getHeaders() != null) {
            r.getHeaders().forEach(headers::put);
        }
        securityHeaders(headers);
        response.setStatus(r.getStatusCode());
        boolean head = request.getMethod().equalsIgnoreCase("HEAD");
        if (!head) {
            headers.put("content-length", Integer.toString(body.length));
        }
        response.write(true, head || body.length == 0 ? null : ByteBuffer.wrap(body), callback);
    }

    /** An empty 200, as S3 answers a PUT. */
    static void ok(Response response, Callback callback) {
        securityHeaders(response.getHeaders());
        response.setStatus(200);
        response.write(true, null, callback);
    }

    /** The headers every answer carries; the page keeps its own content-security policy. */
    static void securityHeaders(HttpFields.Mutable h) {
        h.put("x-content-type-options", "nosniff");
        h.put("x-frame-options", "DENY");
        h.put("referrer-policy", "no-referrer");
        h.put("cross-origin-resource-policy", "same-origin");
        if (!h.contains("content-security-policy")) {
            h.put("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
        }
        if (!h.contains("cache-control")) {
            h.put("cache-control", "no-store");
        }
    }
}
