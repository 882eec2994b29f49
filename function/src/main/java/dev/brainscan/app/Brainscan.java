package dev.brainscan.app;

import dev.brainscan.config.Config;
import dev.brainscan.core.Classifier;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.model.ModelSource;
import dev.brainscan.core.model.ScanModel;
import dev.brainscan.log.KeyHash;
import dev.brainscan.log.ScanLog;
import dev.brainscan.flow.UploadProcessor;
import dev.brainscan.http.HttpApi;
import dev.brainscan.http.UploadUrls;
import dev.brainscan.store.ObjectStore;

/**
 * The one composition root: everything the Lambda handlers, {@code serve} and the CLI run is
 * built here from the whole {@link Config}. What differs between them is only what they hand
 * in: the store (S3 or a local folder), the upload URLs (presigned or local), the log.
 */
public final class Brainscan {
    private Brainscan() {
    }

    /**
     * The classifier over the configured model ({@code MODEL_DIR}, else the bundled one) with
     * the configured limits. Loading the model first switches DJL's and ONNX Runtime's
     * telemetry and downloads off ({@code OfflineRuntime}, in {@link ScanModel#load}).
     */
    public static ScanClassifier classifier(Config config) {
        ModelSource source = config.modelDir().map(ModelSource::directory).orElseGet(ModelSource::bundled);
        return new ScanClassifier(ScanModel.load(source, config.intraOpThreads()), config.limits());
    }

    /**
     * Object keys in log lines are hashed under {@code BRAINSCAN_LOG_KEY} from now on, when it is
     * set; otherwise under a random key made once per process. Call it before the first request.
     */
    public static void installLogKey(Config config) {
        config.logKey().ifPresent(key -> KeyHash.install(key.value()));
    }

    /** The two ways a scan comes in: the S3 upload flow and the HTTP API, over one classifier, store and log. */
    public record Channels(UploadProcessor uploads, HttpApi http) {
    }

    /**
     * The S3 flow ({@code INPUT_PREFIX} to {@code RESULT_PREFIX}, heatmaps when
     * {@code WRITE_HEATMAPS}, DICOM SRs when {@code WRITE_DICOM_SR}) and the HTTP API (uploads and results in {@code BUCKET},
     * {@code SYNC_MAX_BYTES}).
     */
    public static Channels channels(Config config, Classifier classifier, ObjectStore store, UploadUrls uploadUrls,
                                    ScanLog log) {
        UploadProcessor uploads = new UploadProcessor(classifier, store, config.inputPrefix(), config.resultPrefix(),
                log, config.writeHeatmaps()).withDicomSr(config.writeDicomSr());
        HttpApi http = new HttpApi(classifier, store, uploadUrls,
                new HttpApi.Settings(config.bucket(), config.inputPrefix(), config.resultPrefix(), config.syncMaxBytes(),
                        config.publicApi(), config.signIn().url(), config.signIn().clientId()),
                log);
        return new Channels(uploads, http);
    }
}
