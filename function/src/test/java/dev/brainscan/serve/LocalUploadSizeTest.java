package dev.brainscan.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.config.Config;
import dev.brainscan.core.result.Json;
import dev.brainscan.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve}'s stand-in for the presigned PUT behaves as S3 does with a signed Content-Length:
 * a size declared to POST /uploads admits a body of exactly that length and no other.
 */
class LocalUploadSizeTest {
    @TempDir
    Path tmp;

    LocalServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        server = LocalServer.start(TestModels.classifier(), Config.fromEnv(Map.of("PUBLIC_API", "true")), 0,
                tmp.resolve("store"), new PrintStream(new ByteArrayOutputStream()), 1);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    JsonNode ticket(String body) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/uploads")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body());
    }

    HttpResponse<String> put(String url, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyOfAnotherLengthThanDeclared_isRefusedAndTheUrlStaysUsable() throws Exception {
        String url = ticket("{\"contentType\": \"image/jpeg\", \"size\": 10}").get("uploadUrl").asText();

        HttpResponse<String> longer = put(url, new byte[11]);
        assertEquals(403, longer.statusCode(), longer.body());
        assertEquals("FORBIDDEN", Json.mapper().readTree(longer.body()).get("error").get("code").asText());
        assertEquals(403, put(url, new byte[9]).statusCode());

        assertEquals(200, put(url, new byte[10]).statusCode());
    }

    @Test
    void aPublicServer_wantsTheSize() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/uploads")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"contentType\": \"image/jpeg\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
    }
}
