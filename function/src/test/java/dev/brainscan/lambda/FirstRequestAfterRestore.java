package dev.brainscan.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.brainscan.testing.DicomWriter;
import dev.brainscan.testing.Events;
import dev.brainscan.testing.S3Env;
import dev.brainscan.testing.TestPaths;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * One simulated SnapStart restore per request kind, in a fresh JVM: build the app as the init
 * phase does, prime it as {@code beforeCheckpoint} does, then time the first request of one
 * kind and the same request again (warm). Kinds: {@code s3} (an upload event, the result
 * written to the S3 server named in the arguments), {@code http} (POST /classify, a JPEG),
 * {@code heatmap} (the same with {@code ?heatmap=true}), {@code dicom} (POST /classify, a 16-bit
 * DICOM MR slice with made-up patient data). Prints {@code FIRST_MS <ms> SECOND_MS <ms>}. Run by {@link PrimingLatencyIT}.
 */
public final class FirstRequestAfterRestore {
    private FirstRequestAfterRestore() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        Map<String, String> env = S3Env.env(java.net.URI.create(args[1]));
        LambdaApp app = LambdaApp.create(env);
        app.prime();
        Runnable request = switch (kind) {
            case "s3" -> {
                var event = Events.s3("s3-put.json");
                ClassifyUploadHandler handler = new ClassifyUploadHandler(app.uploads());
                yield () -> handler.handleRequest(event, null);
            }
            case "http", "heatmap" -> http(app, "image/jpeg",
                    Files.readAllBytes(TestPaths.events().resolve("scans/phantom-001-lesion.jpg")), kind.equals("heatmap"));
            case "dicom" -> http(app, "application/dicom", mr16(), false);
            default -> throw new IllegalArgumentException(kind);
        };
        System.out.println("FIRST_REQUEST_START");
        System.out.flush();
        long t0 = System.nanoTime();
        request.run();
        long t1 = System.nanoTime();
        System.out.println("FIRST_REQUEST_END");
        System.out.flush();
        request.run();
        long t2 = System.nanoTime();
        // formatted first, printed in one write, so a class-load log line cannot split it
        String times = String.format(Locale.ROOT, "FIRST_MS %.1f SECOND_MS %.1f", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        System.err.println(times);
        app.close();
    }

    /** A 16-bit MR slice as real exports are, with the made-up patient data of every test preset. */
    private static byte[] mr16() {
        var img = dev.brainscan.phantom.Phantom.generate(7, 256, 240, true).image();
        byte[] px = new byte[256 * 240 * 2];
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 256; x++) {
                int v = img.getRaster().getSample(x, y, 0) * 9 + 40;
                px[(y * 256 + x) * 2] = (byte) v;
                px[(y * 256 + x) * 2 + 1] = (byte) (v >> 8);
            }
        }
        return DicomWriter.mr(256, 240, 16, px, "1").bytes();
    }

    private static Runnable http(LambdaApp app, String contentType, byte[] body, boolean heatmap) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("POST /classify")
                .withRawPath("/classify")
                .withHeaders(Map.of("content-type", contentType))
                .withQueryStringParameters(heatmap ? Map.of("heatmap", "true") : null)
                .withIsBase64Encoded(true)
                .withBody(Base64.getEncoder().encodeToString(body))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("first-request")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST")
                                .withPath("/classify").build())
                        .build())
                .build();
        return () -> {
            int status = new ServeApiRequestHandler(app.http()).handleRequest(event, null).getStatusCode();
            if (status != 200) {
                throw new IllegalStateException("HTTP " + status);
            }
        };
    }
}
