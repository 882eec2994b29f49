package dev.brainscan.http;

import java.time.Instant;
import java.util.Map;

/** Makes the URL a client PUTs a large scan to: presigned S3 in the cloud, the local server on a laptop. */
public interface UploadUrls {

    record Upload(String url, Instant expiresAt, Map<String, String> headers) {
    }

    Upload create(String key, String contentType);
}
