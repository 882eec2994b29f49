package dev.brainscan.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.brainscan.app.Brainscan;
import dev.brainscan.config.Config;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.log.ScanLog;
import dev.brainscan.log.ScanMetrics;
import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.http.HttpApi;
import dev.brainscan.http.S3UploadUrls;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.phantom.PhantomDicom;
import dev.brainscan.store.ObjectStore;
import dev.brainscan.store.S3ObjectStore;
import dev.brainscan.store.StoreException;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What one Lambda execution environment holds: the configuration, read once; the model,
 * loaded once; the S3 client; the two flows the handlers adapt. Built during init (and so
 * inside the SnapStart snapshot); an init failure is rethrown so Lambda retries the start.
 *
 * <p>SnapStart priming: before the snapshot, generated scans (JPEGs and a DICOM MR slice) run
 * through the whole HTTP path (decode, crop, resize, inference, heatmap, JSON) and through the S3 flow with the
 * real S3 client (request marshalling, endpoint resolution, checksums, signing, response
 * parsing), whose requests {@link S3Priming} answers inside the process, and the SDK's
 * URL-connection HTTP client through one PUT to a one-shot server on a loopback socket in
 * this process. So the restored environment starts with those classes loaded and that code
 * compiled. Priming reaches no network beyond that loopback socket (closed before it
 * returns, no connection kept), creates no random id and resolves no real credentials, so
 * nothing unique to one environment is captured; after restore there is nothing to refresh.
 * It writes no metric line.
 */
public final class LambdaApp implements Resource {
    private static LambdaApp instance;

    private final Config config;
    private final ScanClassifier classifier;
    private final UploadProcessor uploads;
    private final HttpApi http;
    private final ScanMetrics metrics;

    LambdaApp(Config config, ScanClassifier classifier, ObjectStore store, S3UploadUrls uploadUrls) {
        this.config = config;
        this.classifier = classifier;
        this.metrics = ScanMetrics.emf(System.out);
        Brainscan.Channels channels = Brainscan.channels(config, classifier, store, uploadUrls,
                new ScanLog(System.out, config.logObjectKeys(), metrics));
        this.uploads = channels.uploads();
        this.http = channels.http();
    }

    /** The execution environment's one instance, built on first use (during the Lambda init phase). */
    public static synchronized LambdaApp instance() {
        if (instance == null) {
            instance = create(System.getenv());
            Core.getGlobalContext().register(instance);
        }
        return instance;
    }

    /** Builds everything from environment variables; a bad variable fails here, by name. */
    static LambdaApp create(Map<String, String> env) {
        Config config = Config.fromEnv(env);
        LogKey.install(config, env);
        ScanClassifier classifier = Brainscan.classifier(config);
        S3Client s3 = S3Clients.client(env, config.s3Timeouts());
        return new LambdaApp(config, classifier, new S3ObjectStore(s3),
                new S3UploadUrls(S3Clients.presigner(env), config.bucket(),
                        Duration.ofSeconds(config.uploadUrlTtlSeconds())));
    }

    public Config config() {
        return config;
    }

    public UploadProcessor uploads() {
        return uploads;
    }

    public HttpApi http() {
        return http;
    }

    /** Releases the model. A Lambda environment keeps its instance for life; tests build and close their own. */
    void close() {
        classifier.close();
    }

    /** Runs generated scans end to end through the HTTP path, without S3; they are not traffic, so no metrics. */
    void prime() {
        metrics.muted(() -> {
            primeHttp();
            primeS3();
        });
        warmClassifier();
    }

    /**
     * Classifies generated scans {@value #WARM_SCANS} times (colour and single-channel JPEGs, a
     * DICOM slice, at two sizes), so that the per-pixel methods are compiled before the
     * snapshot: a method that runs once per scan is compiled only after about a hundred calls,
     * and until then every call starts in the interpreter. A few seconds at snapshot time; the
     * first request after a restore then classifies at the warm speed.
     */
    private void warmClassifier() {
        byte[][] scans = {Phantom.jpeg(11, 256, 256, true), Phantom.greyJpeg(12, 256, 256, true),
                Phantom.jpeg(13, 320, 384, false), PhantomDicom.mr16(14, 256, 256, true)};
        for (int i = 0; i < WARM_SCANS; i++) {
            if (classifier.run(scans[i % scans.length], "snapstart-priming", Map.of()).result().failed()) {
                throw new IllegalStateException("priming classification failed (scan " + i % scans.length + ")");
            }
        }
    }

    static final int WARM_SCANS = 240;

    /** The HTTP path only: how priming was before the S3 path was added (kept to measure the difference). */
    void primeHttpOnly() {
        metrics.muted(this::primeHttp);
    }

    /** Generated scans through the S3 flow and the real S3 client, answered by {@link S3Priming}. */
    private void primeS3() {
        S3Priming.exerciseHttpClient();
        for (int i = 0; i < 3; i++) {
            byte[] scan = i == 1 ? Phantom.greyJpeg(i, 256, 256, true) : Phantom.jpeg(i, 256, 256, i % 2 == 0);
            String key = config.inputPrefix() + "snapstart-priming/scan-" + i + ".jpg";
            String sequencer = "0065A1B2C3D4E5F6" + i;
            UploadProcessor.Outcome outcome = S3Priming.run(scan, () -> {
                try {
                    // a sequencer, as S3 events carry one: the ordering check's GET of the result runs too
                    return uploads.process("snapstart-priming", key, "snapstart-priming", null, sequencer);
                } catch (StoreException e) {
                    throw new IllegalStateException("priming the S3 path failed", e);
                }
            });
            if (outcome != UploadProcessor.Outcome.CLASSIFIED) {
                throw new IllegalStateException("priming the S3 path gave " + outcome);
            }
        }
    }

    private void primeHttp() {
        for (int i = 0; i < 4; i++) {
            // three JPEGs with heatmaps (colour, single-channel, colour: both decode paths), then a
            // DICOM MR slice (12-bit, windowed from its pixels)
            boolean dicom = i == 3;
            byte[] scan = dicom ? PhantomDicom.mr16(i, 256, 256, true)
                    : i == 1 ? Phantom.greyJpeg(i, 256, 256, false) : Phantom.jpeg(i, 256, 256, i % 2 == 0);
            APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                    .withRawPath("/classify")
                    .withHeaders(Map.of("content-type", dicom ? "application/dicom" : "image/jpeg"))
                    .withQueryStringParameters(dicom ? null : Map.of("heatmap", "true"))
                    .withIsBase64Encoded(true)
                    .withBody(Base64.getEncoder().encodeToString(scan))
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withRequestId("snapstart-priming")
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST").build())
                            .build())
                    .build();
            if (http.handle(event).getStatusCode() != 200) {
                throw new IllegalStateException("priming classification failed" + (dicom ? " (DICOM)" : ""));
            }
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing captured needs refreshing: see the class comment.
    }
}
