package dev.brainscan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.brainscan.config.Config;
import dev.brainscan.serve.LocalServer;
import dev.brainscan.testing.Prerequisites;
import dev.brainscan.testing.TestModels;
import dev.brainscan.testing.TestPaths;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's sign-in (template ApiAuth=JWT) in Chromium: {@code serve} with SIGN_IN_URL pointing
 * at a stand-in for the Cognito hosted UI, which checks what Cognito checks of a public client
 * (client id, redirect URI, the S256 PKCE verifier against the challenge) before it hands out a
 * token; the script then checks the API calls carry it. Needs /usr/bin/chromium, node and
 * playwright-core in function/src/test/e2e/node_modules (else skipped, as WebPageE2EIT).
 */
class SignInE2EIT {
    static final String CLIENT = "e2e-client";
    static final String TOKEN = "e2e-access-token";

    @TempDir
    Path tmp;

    final List<String> problems = new CopyOnWriteArrayList<>();
    volatile Map<String, String> authorize;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void page_signsInWithPkceAndSendsTheTokenToTheApi() throws Exception {
        Path e2e = TestPaths.repoRoot().resolve("function/src/test/e2e");
        Path chromium = Path.of(System.getenv().getOrDefault("BRAINSCAN_CHROMIUM", "/usr/bin/chromium"));
        Optional<Path> node = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "node")).filter(Files::isExecutable).findFirst();
        Prerequisites.require(Files.isExecutable(chromium), "Debian's chromium (" + chromium + ")");
        Prerequisites.require(node.isPresent(), "node");
        Prerequisites.require(Files.isDirectory(e2e.resolve("node_modules/playwright-core")),
                "playwright-core in function/src/test/e2e/node_modules (npm ci --prefix src/test/e2e)");

        HttpServer oauth = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        oauth.createContext("/oauth2/authorize", this::authorize);
        oauth.createContext("/oauth2/token", this::token);
        oauth.start();
        String signInUrl = "http://127.0.0.1:" + oauth.getAddress().getPort();
        try (LocalServer server = LocalServer.start(TestModels.classifier(),
                Config.fromEnv(Map.of("SIGN_IN_URL", signInUrl, "SIGN_IN_CLIENT_ID", CLIENT)), 0,
                tmp.resolve("store"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), 1)) {
            String page = "http://127.0.0.1:" + server.port() + "/";
            Process p = new ProcessBuilder(node.get().toString(), "signin.e2e.mjs", page, TOKEN)
                    .directory(e2e.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            boolean finished = p.waitFor(75, TimeUnit.SECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.print(log);
            assertTrue(finished, log);
            assertEquals(List.of(), problems, log);
            assertEquals(0, p.exitValue(), log);
            assertTrue(log.contains("PASS signin.e2e"), log);
            assertNotNull(authorize, "the page never went to /oauth2/authorize");
            assertEquals(page, authorize.get("redirect_uri"));
            assertEquals("code", authorize.get("response_type"));
        } finally {
            oauth.stop(0);
        }
    }

    static Map<String, String> form(String query) {
        Map<String, String> m = new LinkedHashMap<>();
        if (query == null) {
            return m;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            m.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    /** The hosted UI: the user is signed in at once and sent back with a code. */
    private void authorize(HttpExchange ex) throws IOException {
        Map<String, String> q = form(ex.getRequestURI().getRawQuery());
        authorize = q;
        if (!CLIENT.equals(q.get("client_id")) || !"S256".equals(q.get("code_challenge_method"))
                || q.getOrDefault("code_challenge", "").length() < 43) {
            problems.add("authorize: " + q);
        }
        ex.getResponseHeaders().add("Location", q.get("redirect_uri") + "?code=e2e-code&state="
                + java.net.URLEncoder.encode(q.getOrDefault("state", ""), StandardCharsets.UTF_8));
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    /** The token endpoint: the verifier must hash to the challenge, as Cognito checks it. */
    private void token(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Access-Control-Allow-Origin", "*");
        if ("OPTIONS".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().add("Access-Control-Allow-Headers", "content-type");
            ex.sendResponseHeaders(204, -1);
            ex.close();
            return;
        }
        Map<String, String> f = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String challenge;
        try {
            challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(f.getOrDefault("code_verifier", "").getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> a = authorize;
        boolean ok = a != null && "authorization_code".equals(f.get("grant_type")) && CLIENT.equals(f.get("client_id"))
                && "e2e-code".equals(f.get("code")) && a.get("redirect_uri").equals(f.get("redirect_uri"))
                && challenge.equals(a.get("code_challenge"));
        if (!ok) {
            problems.add("token: " + f);
        }
        byte[] body = (ok ? "{\"access_token\": \"" + TOKEN + "\", \"id_token\": \"x\", \"token_type\": \"Bearer\","
                + " \"expires_in\": 3600}" : "{\"error\": \"invalid_grant\"}").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(ok ? 200 : 400, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }
}
