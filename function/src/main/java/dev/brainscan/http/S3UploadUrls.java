package dev.brainscan.http;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.presigner.model.PresignedPutObjectRequest;

/**
 * Presigned S3 PUT URLs into the input prefix, valid for a short time. A declared size is
 * signed as the Content-Length (X-Amz-SignedHeaders names it), so S3 refuses any other length:
 * the size cap of a public API without presigned POST forms.
 */
public final class S3UploadUrls implements UploadUrls {
    private final S3Presigner presigner;
    private final String bucket;
    private final Duration ttl;

    public S3UploadUrls(S3Presigner presigner, String bucket, Duration ttl) {
        this.presigner = presigner;
        this.bucket = bucket;
        this.ttl = ttl;
    }

    @Override
    public Upload create(String key, String contentType, OptionalLong size) {
        PresignedPutObjectRequest req = presigner.presignPutObject(p -> p.signatureDuration(ttl)
                .putObjectRequest(o -> {
                    o.bucket(bucket).key(key).contentType(contentType);
                    size.ifPresent(o::contentLength);
                }));
        return new Upload(req.url().toString(), req.expiration(), Map.of("Content-Type", contentType));
    }
}
