package dev.brainscan.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /} (and {@code /index.html}): the web page, under a content security policy
 * that lets it load nothing from elsewhere but call the API wherever it is served. Where the
 * API needs sign-in (template {@code ApiAuth=JWT}), the page gets
 * {@code <meta name="brainscan-sign-in" content="URL CLIENT_ID">}: the OAuth 2.0 server (the
 * Cognito hosted UI) and the public client it signs in as.
 */
final class PageRoute implements Route {
    static final String CSP = "default-src 'self'; img-src 'self' data: blob:; "
            + "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; connect-src *";

    private final String signInMeta;

    PageRoute() {
        this("", "");
    }

    /** {@code signInUrl} empty: no sign-in. Both values are checked by Config (an https origin, a client id). */
    PageRoute(String signInUrl, String signInClientId) {
        this.signInMeta = signInUrl.isEmpty() ? ""
                : "<meta name=\"brainscan-sign-in\" content=\"" + attribute(signInUrl + " " + signInClientId) + "\">\n";
    }

    private static String attribute(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public APIGatewayV2HTTPResponse handle(HttpRequest request) {
        try (InputStream in = PageRoute.class.getResourceAsStream("/web/index.html")) {
            if (in == null) {
                return Responses.noRoute("GET", "/", request.requestId());
            }
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!signInMeta.isEmpty()) {
                html = html.replaceFirst("</head>", java.util.regex.Matcher.quoteReplacement(signInMeta) + "</head>");
            }
            APIGatewayV2HTTPResponse r = Responses.response(200, "text/html; charset=utf-8", html, request.requestId());
            r.getHeaders().put("content-security-policy", CSP);
            r.getHeaders().put("cache-control", "no-cache");
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
