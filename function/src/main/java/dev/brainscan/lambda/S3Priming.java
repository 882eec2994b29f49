package dev.brainscan.lambda;

import java.io.ByteArrayInputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * SnapStart priming of the S3 path without a network: while {@link #run} runs on a thread,
 * the S3 client's requests on that thread are marshalled, endpoint-resolved, checksummed and
 * signed as usual (with fixed priming credentials, so the real credential chain is never
 * resolved into the snapshot), and then answered here, before anything leaves the process:
 * a GET with the given object bytes, any other request with an empty 200. The response is
 * unmarshalled by the SDK as a real one. On every other thread, and on this one outside
 * {@link #run}, requests go to the real HTTP client untouched.
 */
final class S3Priming {
    private static final ThreadLocal<byte[]> OBJECT = new ThreadLocal<>();
    private static final AtomicInteger ANSWERED = new AtomicInteger();
    private static final AwsCredentials PRIMING_CREDENTIALS =
            AwsBasicCredentials.create("AKIDSNAPSTARTPRIMING", "snapstart-priming-not-a-secret");

    private S3Priming() {
    }

    /** Runs {@code work} with this thread's S3 requests answered locally; a GET returns {@code object}. */
    static <T> T run(byte[] object, Supplier<T> work) {
        OBJECT.set(object);
        try {
            return work.get();
        } finally {
            OBJECT.remove();
        }
    }

    static boolean active() {
        return OBJECT.get() != null;
    }

    /** Requests answered locally so far (tests check that priming reached the HTTP layer). */
    static int answered() {
        return ANSWERED.get();
    }

    /** {@code real}, except that requests made inside {@link #run} are answered locally. */
    static SdkHttpClient httpClient(SdkHttpClient real) {
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                byte[] object = OBJECT.get();
                if (object == null) {
                    return real.prepareRequest(request);
                }
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() {
                        ANSWERED.incrementAndGet();
                        // Read the request body as the real client would (checksums are computed while streaming).
                        request.contentStreamProvider().ifPresent(p -> {
                            try (var in = p.newStream()) {
                                in.transferTo(java.io.OutputStream.nullOutputStream());
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
                        boolean get = request.httpRequest().method() == SdkHttpMethod.GET;
                        byte[] body = get ? object : new byte[0];
                        SdkHttpResponse response = SdkHttpResponse.builder().statusCode(200)
                                .putHeader("Content-Length", Integer.toString(body.length))
                                .putHeader("ETag", "\"00000000000000000000000000000000\"")
                                .putHeader("Content-Type", get ? "image/jpeg" : "application/xml")
                                .putHeader("x-amz-request-id", "SNAPSTARTPRIMING")
                                .build();
                        return HttpExecuteResponse.builder().response(response)
                                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body))).build();
                    }

                    @Override
                    public void abort() {
                    }
                };
            }

            @Override
            public String clientName() {
                return real.clientName();
            }

            @Override
            public void close() {
                real.close();
            }
        };
    }

    /** {@code real} (resolved lazily, on the first real request), fixed credentials inside {@link #run}. */
    static AwsCredentialsProvider credentials(AwsCredentialsProvider real) {
        return () -> active() ? PRIMING_CREDENTIALS : real.resolveCredentials();
    }
}
