package dev.brainscan.core.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.result.StageTimer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
    private final ConcurrentLinkedQueue<Predictor<ScanTranslator.Input, Prediction>> predictors =
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
            Prediction p = predict(new RgbImage("self-check", w, h, new byte[w * h * 3]), new StageTimer());
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

    public ScanTranslator translator() {
        return translator;
    }

    /** Resize, normalise and run the model on a cropped scan; records "resize" and "inference". */
    public Prediction predict(RgbImage crop, StageTimer timer) throws TranslateException {
        Prediction prediction = run(ScanTranslator.Input.of(crop, timer));
        timer.lap("inference");
        return prediction;
    }

    /** Runs the model on a tensor preprocessing v2 built; records "resize" (since the last lap) and "inference". */
    public Prediction predictTensor(float[] chw, StageTimer timer) throws TranslateException {
        Prediction prediction = run(new ScanTranslator.Input(null, chw, timer));
        timer.lap("inference");
        return prediction;
    }

    /** Runs the model on an already normalised CHW tensor of the input size. */
    public Prediction predictTensor(float[] chw) throws TranslateException {
        return run(ScanTranslator.Input.ofTensor(chw));
    }

    private Prediction run(ScanTranslator.Input input) throws TranslateException {
        Predictor<ScanTranslator.Input, Prediction> predictor = predictors.poll();
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
