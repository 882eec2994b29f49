package dev.brainscan.lambda;

import dev.brainscan.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * S3 clients for the function. The SDK's standard endpoint settings ({@code AWS_ENDPOINT_URL_S3},
 * then {@code AWS_ENDPOINT_URL}) switch to path-style addressing and the checksums every
 * S3-compatible server accepts, so the same zip runs against LocalStack or S3Proxy.
 */
public final class S3Clients {
    private S3Clients() {
    }

    static Region region(Map<String, String> env) {
        String r = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
        return Region.of(r);
    }

    static URI endpoint(Map<String, String> env) {
        String e = env.get("AWS_ENDPOINT_URL_S3");
        if (e == null || e.isBlank()) {
            e = env.get("AWS_ENDPOINT_URL");
        }
        return e == null || e.isBlank() ? null : URI.create(e.trim());
    }

    public static S3Client client(Map<String, String> env) {
        return client(env, Config.fromEnv(env).s3Timeouts());
    }

    /**
     * The S3 client, each call bounded by {@code timeouts} (its retries included), so that a slow
     * S3 fails the call as a transient storage failure well before the function's own timeout.
     */
    public static S3Client client(Map<String, String> env, Config.S3Timeouts timeouts) {
        // Both wrapped for SnapStart priming (S3Priming); outside priming they are the SDK's own.
        var builder = S3Client.builder()
                .region(region(env))
                .overrideConfiguration(o -> o.apiCallTimeout(timeouts.call()).apiCallAttemptTimeout(timeouts.attempt()))
                .credentialsProvider(S3Priming.credentials(DefaultCredentialsProvider.builder().build()))
                .httpClient(S3Priming.httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(3))
                        .socketTimeout(Duration.ofSeconds(20))
                        .build()));
        URI endpoint = endpoint(env);
        if (endpoint != null) {
            builder.endpointOverride(endpoint)
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    public static S3Presigner presigner(Map<String, String> env) {
        var builder = S3Presigner.builder().region(region(env));
        URI endpoint = endpoint(env);
        if (endpoint != null) {
            builder.endpointOverride(endpoint)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
        }
        return builder.build();
    }
}
