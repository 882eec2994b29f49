package dev.brainscan.http;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

/** Makes the URL a client PUTs a large scan to: presigned S3 in the cloud, the local server on a laptop. */
public interface UploadUrls {

    record Upload(String url, Instant expiresAt, Map<String, String> headers) {
    }

    /**
     * An upload URL for one key. With a {@code size}, the URL admits a body of exactly that many
     * bytes (S3: the Content-Length is part of the signature; another length gets 403).
     */
    Upload create(String key, String contentType, OptionalLong size);
}
