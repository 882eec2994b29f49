package dev.brainscan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.brainscan.log.ScanLog;
import dev.brainscan.http.HttpApi;
import dev.brainscan.testing.TestModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * GET / serves the web page under its Content-Security-Policy, and the page keeps the rules that
 * let it run there: one self-contained file (nothing fetched from elsewhere) whose script never
 * turns data into HTML. The page's behaviour in a browser is WebPageE2EIT's.
 */
class WebPageTest {
    private static final String NOTICE = "Research use only. Not a medical device; not for diagnosis.";

    private static APIGatewayV2HTTPResponse get(String path) {
        HttpApi api = new HttpApi(TestModels.classifier(), null, null, new HttpApi.Settings("", "scans/", "results/",
                4_000_000), new ScanLog(new PrintStream(OutputStream.nullOutputStream()), false));
        return api.handle(APIGatewayV2HTTPEvent.builder().withRawPath(path)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("page-test")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath(path)
                                .build()).build()).build());
    }

    @Test
    void getRootAndIndexHtml_serveThePageWithItsCsp() {
        for (String path : new String[] {"/", "/index.html"}) {
            APIGatewayV2HTTPResponse r = get(path);
            assertEquals(200, r.getStatusCode(), path);
            assertEquals("text/html; charset=utf-8", r.getHeaders().get("content-type"));
            assertTrue(r.getHeaders().get("content-security-policy").startsWith("default-src 'self'"));
            assertTrue(r.getBody().replaceAll("<[^>]+>", "").contains(NOTICE), "the notice is in the page itself");
        }
    }

    @Test
    void page_isOneSelfContainedFile() {
        String html = get("/").getBody();
        assertFalse(Pattern.compile("<script[^>]*\\ssrc=|<link\\b|<iframe\\b|@import", Pattern.CASE_INSENSITIVE)
                .matcher(html).find(), "no external scripts, styles or frames");
        Matcher url = Pattern.compile("(src|href|action)\\s*=\\s*[\"']?(https?:)?//|url\\(\\s*['\"]?(https?:)?//",
                Pattern.CASE_INSENSITIVE).matcher(html);
        assertFalse(url.find(), () -> "the page refers to another host: " + url.group());
    }

    @Test
    void pageScript_neverWritesHtml() {
        String html = get("/").getBody();
        String script = html.substring(html.indexOf("<script>"), html.lastIndexOf("</script>"));
        for (String sink : new String[] {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
            "new Function"}) {
            assertFalse(script.contains(sink), "the script uses " + sink);
        }
    }
}
