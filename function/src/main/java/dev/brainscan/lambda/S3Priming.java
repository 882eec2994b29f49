package dev.brainscan.lambda;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * SnapStart priming of the S3 path without a network: while {@link #run} runs on a thread,
 * the S3 client's requests on that thread are marshalled, endpoint-resolved, checksummed and
 * signed as usual (with fixed priming credentials, so the real credential chain is never
 * resolved into the snapshot), and then answered here, before anything leaves the process:
 * a GET of a result ({@code .json}) with S3's 404 NoSuchKey, any other GET with the given
 * object bytes, any other request with an empty 200. The response is
 * unmarshalled by the SDK as a real one. On every other thread, and on this one outside
 * {@link #run}, requests go to the real HTTP client untouched.
 */
final class S3Priming {
    private static final ThreadLocal<byte[]> OBJECT = new ThreadLocal<>();
    private static final String PRIMING_DATE = "Thu, 01 Jan 2026 00:00:00 GMT";
    private static final byte[] NO_SUCH_KEY = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
            + "<Message>The specified key does not exist.</Message><RequestId>SNAPSTARTPRIMING</RequestId>"
            + "<HostId>SNAPSTARTPRIMING</HostId></Error>").getBytes(StandardCharsets.UTF_8);
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
                        // the flow's GET of an existing result (the ordering check) meets S3's
                        // 404 NoSuchKey on a first event: its XML error body is parsed then too
                        boolean missing = get && request.httpRequest().encodedPath().endsWith(".json");
                        byte[] body = missing ? NO_SUCH_KEY : get ? object : new byte[0];
                        SdkHttpResponse response = SdkHttpResponse.builder().statusCode(missing ? 404 : 200)
                                .putHeader("Content-Length", Integer.toString(body.length))
                                .putHeader("ETag", "\"00000000000000000000000000000000\"")
                                .putHeader("Content-Type", get && !missing ? "image/jpeg" : "application/xml")
                                .putHeader("x-amz-request-id", "SNAPSTARTPRIMING")
                                // the headers a real S3 answer carries (fixed values: nothing unique)
                                .putHeader("x-amz-id-2", "SNAPSTARTPRIMING")
                                .putHeader("Date", PRIMING_DATE)
                                .putHeader("Last-Modified", PRIMING_DATE)
                                .putHeader("Accept-Ranges", "bytes")
                                .putHeader("Server", "AmazonS3")
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

    /**
     * The real HTTP client's own code (the JDK's HttpURLConnection under the SDK's URL-connection
     * client), which the answers above bypass: one PUT with a small body to a one-shot server on a
     * loopback socket inside this process, answered 200 with {@code Connection: close} so no
     * connection is kept. A throwaway client of the same kind; both sockets are closed before
     * this returns, so nothing open reaches the snapshot. Best effort: false when it could not
     * run (the snapshot is then taken without this warm-up, never refused for it).
     */
    static boolean exerciseHttpClient() {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SdkHttpClient client = UrlConnectionHttpClient.builder().build()) {
            Thread answer = Thread.ofPlatform().name("snapstart-priming-http").daemon().start(() -> answerOnce(server));
            byte[] body = new byte[64];
            SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                    .method(SdkHttpMethod.PUT)
                    .uri(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/snapstart-priming"))
                    .putHeader("Content-Length", Integer.toString(body.length))
                    .putHeader("Content-Type", "application/octet-stream")
                    .contentStreamProvider(() -> new ByteArrayInputStream(body))
                    .build();
            HttpExecuteResponse response = client.prepareRequest(HttpExecuteRequest.builder().request(request)
                    .contentStreamProvider(request.contentStreamProvider().orElseThrow()).build()).call();
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
            answer.join(5000);
            return response.httpResponse().statusCode() == 200;
        } catch (IOException | RuntimeException e) {
            // a warm-up only: an environment without loopback sockets still gets its snapshot
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void answerOnce(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            // the request head, then the Content-Length body the client sends (64 bytes)
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            in.readNBytes(64);
            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n"
                    + "x-amz-request-id: SNAPSTARTPRIMING\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        } catch (IOException ignored) {
            // the client side reports what went wrong
        }
    }

    /** {@code real} (resolved lazily, on the first real request), fixed credentials inside {@link #run}. */
    static AwsCredentialsProvider credentials(AwsCredentialsProvider real) {
        return () -> active() ? PRIMING_CREDENTIALS : real.resolveCredentials();
    }
}
