package dev.brainscan.testing;

import dev.brainscan.lambda.S3Clients;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 clients for a test server built by the production factory ({@link S3Clients}) from the
 * same environment variables a deployment sets (AWS_ENDPOINT_URL_S3, AWS_REGION).
 */
public final class S3Env {
    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";

    static {
        // The SDK's default credential chain reads these system properties before env and profiles.
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
    }

    private S3Env() {
    }

    public static Map<String, String> env(URI endpoint) {
        return Map.of("AWS_ENDPOINT_URL_S3", endpoint.toString(), "AWS_REGION", "us-east-1");
    }

    public static S3Client client(URI endpoint) {
        return S3Clients.client(env(endpoint));
    }
}
