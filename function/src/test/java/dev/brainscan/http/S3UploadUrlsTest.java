package dev.brainscan.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The SDK's presigned PUT, as the API function makes it: offline, with fixed credentials. */
class S3UploadUrlsTest {
    final S3Presigner presigner = S3Presigner.builder().region(Region.EU_WEST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
            .build();
    final S3UploadUrls urls = new S3UploadUrls(presigner, "brainscan-test", Duration.ofSeconds(300));

    @AfterEach
    void close() {
        presigner.close();
    }

    static List<String> signedHeaders(String url) {
        String query = URI.create(url).getRawQuery();
        for (String pair : query.split("&")) {
            if (pair.startsWith("X-Amz-SignedHeaders=")) {
                return Arrays.asList(URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8)
                        .split(";"));
            }
        }
        throw new AssertionError("no X-Amz-SignedHeaders in " + url);
    }

    /** S3 checks every signed header: a body of another length than the declared one gets 403. */
    @Test
    void aDeclaredSize_isSignedAsTheContentLength() {
        UploadUrls.Upload upload = urls.create("scans/a.png", "image/png", OptionalLong.of(123_456));
        assertTrue(signedHeaders(upload.url()).contains("content-length"), upload.url());
        assertTrue(signedHeaders(upload.url()).contains("content-type"), upload.url());
        assertTrue(upload.url().contains("/scans/a.png"), upload.url());
        assertEquals("image/png", upload.headers().get("Content-Type"));
    }

    @Test
    void withoutASize_theLengthIsFree() {
        UploadUrls.Upload upload = urls.create("scans/a.png", "image/png", OptionalLong.empty());
        assertFalse(signedHeaders(upload.url()).contains("content-length"), upload.url());
    }
}
