package dev.brainscan.store;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link ObjectStore} on the AWS SDK v2 S3 client; SDK failures become {@link StoreException}s. */
public final class S3ObjectStore implements ObjectStore {
    private final S3Client s3;

    public S3ObjectStore(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public StoredObject get(String bucket, String key, long maxBytes) throws StoreException {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            GetObjectResponse meta = in.response();
            Long length = meta.contentLength();
            if (length != null && length > maxBytes) {
                in.abort(); // do not download the rest
                throw new StoreException(StoreException.Kind.TOO_LARGE, "object is " + length + " bytes", null, length);
            }
            byte[] bytes = readAtMost(in, maxBytes);
            return new StoredObject(bytes, meta.versionId(), meta.eTag());
        } catch (IOException e) {
            throw new StoreException(StoreException.Kind.TRANSIENT, "reading the object failed", e);
        } catch (SdkException e) {
            throw classify(e, "get");
        }
    }

    @Override
    public void put(String bucket, String key, byte[] bytes, String contentType) throws StoreException {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw classify(e, "put");
        }
    }

    /**
     * HEAD first (an existing object is left alone), then a conditional PUT with
     * {@code If-None-Match: *}, which S3 refuses with 412 should another writer have created
     * the object in between.
     */
    @Override
    public boolean putIfAbsent(String bucket, String key, byte[] bytes, String contentType) throws StoreException {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return false;
        } catch (NoSuchKeyException e) {
            // absent: write it below
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw classify(e, "head");
            }
        } catch (SdkException e) {
            throw classify(e, "head");
        }
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).ifNoneMatch("*"),
                    RequestBody.fromBytes(bytes));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false; // created meanwhile (412), or a concurrent conditional write in flight (409)
            }
            throw classify(e, "put");
        } catch (SdkException e) {
            throw classify(e, "put");
        }
    }

    private static byte[] readAtMost(InputStream in, long maxBytes) throws IOException, StoreException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new StoreException(StoreException.Kind.TOO_LARGE, "object is over " + maxBytes + " bytes", null,
                    bytes.length);
        }
        return bytes;
    }

    static StoreException classify(SdkException e, String op) {
        if (e instanceof NoSuchKeyException) {
            return new StoreException(StoreException.Kind.NOT_FOUND, op + ": no such key", e);
        }
        if (e instanceof S3Exception s3e) {
            int status = s3e.statusCode();
            if (status == 404) {
                return new StoreException(StoreException.Kind.NOT_FOUND, op + ": not found", e);
            }
            if (status == 403 || status == 401 || status == 400 && !e.retryable()) {
                return new StoreException(StoreException.Kind.DENIED, op + ": " + status + " "
                        + (s3e.awsErrorDetails() != null ? s3e.awsErrorDetails().errorCode() : ""), e);
            }
            return new StoreException(StoreException.Kind.TRANSIENT, op + ": " + status, e);
        }
        if (e instanceof SdkClientException) {
            return new StoreException(StoreException.Kind.TRANSIENT, op + ": client/network failure", e);
        }
        return new StoreException(StoreException.Kind.TRANSIENT, op + ": " + e.getClass().getSimpleName(), e);
    }
}
