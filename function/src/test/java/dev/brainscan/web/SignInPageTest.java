package dev.brainscan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.brainscan.config.Config;
import dev.brainscan.http.HttpApi;
import dev.brainscan.log.ScanLog;
import dev.brainscan.testing.TestModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ApiAuth=JWT: the API function knows its Cognito hosted UI and client (SIGN_IN_URL,
 * SIGN_IN_CLIENT_ID) and the page it serves is told where to sign in.
 */
class SignInPageTest {
    static final String URL = "https://brainscan-1234.auth.eu-west-1.amazoncognito.com";

    static String page(Config config) {
        HttpApi api = new HttpApi(TestModels.classifier(), null, null, new HttpApi.Settings("", "scans/", "results/",
                4_000_000, false, config.signIn().url(), config.signIn().clientId()),
                new ScanLog(new PrintStream(OutputStream.nullOutputStream()), false));
        return api.handle(APIGatewayV2HTTPEvent.builder().withRawPath("/")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("page-test")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath("/")
                                .build()).build()).build()).getBody();
    }

    @Test
    void withSignIn_thePageNamesTheHostedUiAndTheClientInItsHead() {
        String html = page(Config.fromEnv(Map.of("SIGN_IN_URL", URL, "SIGN_IN_CLIENT_ID", "4abc5def6ghi")));
        String meta = "<meta name=\"brainscan-sign-in\" content=\"" + URL + " 4abc5def6ghi\">";
        assertTrue(html.contains(meta), "no sign-in meta");
        assertTrue(html.indexOf(meta) < html.indexOf("</head>"), "in the head");
        assertTrue(html.contains("oauth2/authorize") && html.contains("code_challenge_method: 'S256'"),
                "the page signs in with PKCE");
    }

    @Test
    void withoutSignIn_thePageHasNoSignInMeta() {
        String html = page(Config.fromEnv(Map.of()));
        assertFalse(html.substring(0, html.indexOf("</head>")).contains("brainscan-sign-in"));
    }

    @Test
    void signInSettings_comeTogetherAndAreChecked() {
        assertEquals(Config.SignIn.NONE, Config.fromEnv(Map.of()).signIn());
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("SIGN_IN_URL", URL)));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of("SIGN_IN_CLIENT_ID", "abc")));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of(
                "SIGN_IN_URL", "http://evil.example", "SIGN_IN_CLIENT_ID", "abc")), "plain http only on loopback");
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of(
                "SIGN_IN_URL", URL + "/\"><script>", "SIGN_IN_CLIENT_ID", "abc")));
        assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of(
                "SIGN_IN_URL", URL, "SIGN_IN_CLIENT_ID", "a b")));
        assertTrue(Config.fromEnv(Map.of("SIGN_IN_URL", "http://127.0.0.1:8089", "SIGN_IN_CLIENT_ID", "t"))
                .signIn().enabled());
    }
}
