package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /} (and {@code /index.html}): the web page, under a content security policy
 * that lets it load nothing from elsewhere but call the API wherever it is served.
 */
final class PageRoute implements Route {
    static final String CSP = "default-src 'self'; img-src 'self' data: blob:; "
            + "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src *";

    @Override
    public APIGatewayV2HTTPResponse handle(HttpRequest request) {
        try (InputStream in = PageRoute.class.getResourceAsStream("/web/index.html")) {
            if (in == null) {
                return Responses.noRoute("GET", "/", request.requestId());
            }
            APIGatewayV2HTTPResponse r = Responses.response(200, "text/html; charset=utf-8",
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), request.requestId());
            r.getHeaders().put("content-security-policy", CSP);
            r.getHeaders().put("cache-control", "no-cache");
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
