package dev.brainscan.core.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The ONNX model on DJL's ONNX Runtime engine, loaded once and shared: its bytes are checked
 * against the manifest's sha256 before ONNX Runtime sees them. DJL predictors are not
 * thread-safe, so each concurrent caller borrows one from a pool; the ORT session behind
 * them is shared.
 */
public final class ScanModel implements AutoCloseable {
    private final ModelManifest manifest;
    private final Model model;
    private final ScanTranslator translator;
    private final ConcurrentLinkedQueue<Predictor<float[], Prediction>> predictors =
            new ConcurrentLinkedQueue<>();
    private LoadTimings loadTimings;

    /** Where load time went: DJL's engine (and ONNX Runtime's natives), the session, the self-check inference. */
    public record LoadTimings(double engineMs, double sessionMs, double firstInferenceMs) {
    }

    private ScanModel(ModelManifest manifest, Model model) {
        this.manifest = manifest;
        this.model = model;
        this.translator = new ScanTranslator(manifest.input());
    }

    /**
     * Loads and checks the model.
     *
     * @param intraOpThreads ONNX Runtime threads per inference (1 when scans run in parallel)
     */
    public static ScanModel load(ModelSource source, int intraOpThreads) {
        OfflineRuntime.apply();
        long t0 = System.nanoTime();
        Engine.getEngine("OnnxRuntime");
        long t1 = System.nanoTime();
        ModelManifest manifest = ModelManifest.parse(source.manifestJson());
        String actual = sha256(source.onnx());
        if (!actual.equals(manifest.sha256())) {
            throw new ModelLoadException("model file sha256 " + actual + " does not match the manifest's "
                    + manifest.sha256() + " (" + source.description() + ")");
        }
        Model model = Model.newInstance(manifest.name(), Device.cpu(), "OnnxRuntime");
        try {
            model.load(new ByteArrayInputStream(source.onnx()), Map.of(
                    "intraOpNumThreads", Integer.toString(intraOpThreads),
                    "interOpNumThreads", "1",
                    "executionMode", "SEQUENTIAL",
                    "optLevel", "ALL_OPT"));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelLoadException("ONNX Runtime cannot load the model (" + source.description() + ")", e);
        }
        long t2 = System.nanoTime();
        ScanModel loaded = new ScanModel(manifest, model);
        loaded.selfCheck();
        loaded.loadTimings = new LoadTimings((t1 - t0) / 1e6, (t2 - t1) / 1e6, (System.nanoTime() - t2) / 1e6);
        return loaded;
    }

    /** One inference on a blank image: the graph's outputs must have the contract's names and shapes. */
    private void selfCheck() {
        int h = manifest.input().height();
        int w = manifest.input().width();
        try {
            Prediction p = predict(blank(h, w));
            if (!(p.probability() >= 0 && p.probability() <= 1) || p.camHeight() <= 0 || p.camWidth() <= 0) {
                throw new ModelLoadException("model self-check: probability out of [0,1] or empty cam");
            }
        } catch (TranslateException | RuntimeException e) {
            close();
            throw new ModelLoadException("model self-check failed: the graph does not take `image` [N,3,"
                    + h + "," + w + "] or return `probability` [N,1] and `cam` [N,h,w]", e);
        }
    }

    public LoadTimings loadTimings() {
        return loadTimings;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** Runs the model on a preprocessed CHW tensor of the input size (the core's {@code Preprocessor} builds it). */
    public Prediction predict(float[] chw) throws TranslateException {
        return run(chw);
    }

    /** A black image's tensor: each channel at {@code (0 - mean) / std}. */
    private float[] blank(int h, int w) {
        float[] chw = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            Arrays.fill(chw, c * h * w, (c + 1) * h * w, (0f - manifest.input().mean()[c]) / manifest.input().std()[c]);
        }
        return chw;
    }

    private Prediction run(float[] input) throws TranslateException {
        Predictor<float[], Prediction> predictor = predictors.poll();
        if (predictor == null) {
            predictor = model.newPredictor(translator);
        }
        try {
            return predictor.predict(input);
        } finally {
            predictors.offer(predictor);
        }
    }

    @Override
    public void close() {
        Predictor<?, ?> p;
        while ((p = predictors.poll()) != null) {
            p.close();
        }
        model.close();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
