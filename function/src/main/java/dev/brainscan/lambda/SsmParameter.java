package dev.brainscan.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.brainscan.core.result.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * One SSM {@code GetParameter} call (a SecureString, decrypted), signed with the SDK's SigV4
 * signer and sent over the SDK's URL-connection client: the SSM client module would add about
 * 6 MB to the zip for this one call at start-up. The value is returned, never logged; an error
 * names the parameter and the HTTP status only.
 */
final class SsmParameter {
    private static final long MAX_RESPONSE_BYTES = 64 * 1024;

    private SsmParameter() {
    }

    /** SSM's endpoint: {@code AWS_ENDPOINT_URL_SSM}, then {@code AWS_ENDPOINT_URL}, else the region's. */
    static URI endpoint(Map<String, String> env, String region) {
        for (String name : new String[] {"AWS_ENDPOINT_URL_SSM", "AWS_ENDPOINT_URL"}) {
            String e = env.get(name);
            if (e != null && !e.isBlank()) {
                return URI.create(e.trim());
            }
        }
        return URI.create("https://ssm." + region + ".amazonaws.com" + (region.startsWith("cn-") ? ".cn" : ""));
    }

    static String secureString(String name, Map<String, String> env, AwsCredentialsProvider credentials) {
        try (SdkHttpClient http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5)).build()) {
            return secureString(name, S3Clients.region(env).id(), endpoint(env, S3Clients.region(env).id()),
                    credentials, http);
        }
    }

    static String secureString(String name, String region, URI endpoint, AwsCredentialsProvider credentials,
                               SdkHttpClient http) {
        byte[] body = Json.writeBytes(Map.of("Name", name, "WithDecryption", true));
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AmazonSSM.GetParameter")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveCredentials())
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null)).build()).call();
            byte[] bytes;
            try (InputStream in = response.responseBody().orElse(null)) {
                bytes = in == null ? new byte[0] : in.readNBytes((int) MAX_RESPONSE_BYTES);
            }
            int status = response.httpResponse().statusCode();
            if (status != 200) {
                String type = "";
                try {
                    JsonNode error = Json.mapper().readTree(bytes);
                    type = error == null ? "" : error.path("__type").asText("");
                } catch (IOException ignored) {
                    // no JSON error body: the status says enough
                }
                throw new IllegalStateException("SSM GetParameter " + name + " answered HTTP " + status
                        + (type.isEmpty() ? "" : " " + type.substring(type.indexOf('#') + 1)));
            }
            JsonNode value = Json.mapper().readTree(new String(bytes, StandardCharsets.UTF_8)).path("Parameter").path("Value");
            if (!value.isTextual()) {
                throw new IllegalStateException("SSM GetParameter " + name + " returned no value");
            }
            return value.asText();
        } catch (IOException e) {
            throw new IllegalStateException("SSM GetParameter " + name + " failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
