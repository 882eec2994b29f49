package dev.brainscan.core;

import dev.brainscan.core.image.BrainCropper;
import dev.brainscan.core.image.ExifOrientation;
import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.image.MriPlausibility;
import dev.brainscan.core.image.PatternCheck;
import dev.brainscan.core.image.PreprocessingV2;
import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.image.dicom.DicomImage;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.Prediction;
import dev.brainscan.core.model.ScanModel;
import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.DicomInfo;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.Notice;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.core.result.StageTimer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole pipeline for one scan, shared by the CLI, the local server and the Lambda
 * handlers: decode, crop, resize and normalise, infer, and build the result record.
 * Thread-safe; bad input becomes an error record, never an exception.
 */
public final class ScanClassifier implements Classifier, AutoCloseable {
    public static final String STEP_GREY = "grey";
    public static final String STEP_EXIF = "exif-orientation";
    public static final String INTERNAL_MESSAGE = "The scan could not be classified because of an internal error.";

    private final ScanModel model;
    private final ImageDecoder decoder;
    private final BrainCropper cropper;
    /** Null for a v1 model (the v1 crop and colour input, unchanged). */
    private final PreprocessingV2 v2;
    private final MriPlausibility plausibility = new MriPlausibility(MriPlausibility.Thresholds.DEFAULT);
    private final PatternCheck patterns = new PatternCheck(PatternCheck.Thresholds.DEFAULT);
    private final ScanResult.ModelIdentity identity;
    private final String notice;

    public ScanClassifier(ScanModel model, Limits limits) {
        this.model = model;
        this.decoder = new ImageDecoder(limits);
        this.cropper = new BrainCropper(model.manifest().cropParameters());
        this.v2 = model.manifest().preprocessingVersion() == 2
                ? new PreprocessingV2(model.manifest().cropParameters(), model.manifest().v2Parameters()) : null;
        this.identity = model.manifest().identity();
        this.notice = model.manifest().notice() != null ? model.manifest().notice() : Notice.TEXT;
    }

    public ModelManifest manifest() {
        return model.manifest();
    }

    public ScanModel model() {
        return model;
    }

    public Limits limits() {
        return decoder.limits();
    }

    /** Draws the heatmap from the crop and the model's activation map; {@link Heatmap#png} outside tests. */
    @FunctionalInterface
    interface HeatmapRenderer {
        byte[] render(RgbImage crop, Prediction prediction);
    }

    public ScanResult classify(byte[] bytes, String scanId, Map<String, String> source) {
        return run(bytes, scanId, source).result();
    }

    /** Every record for one input: one per frame of a multi-frame DICOM file, else one. */
    public List<ScanResult> classifyAll(byte[] bytes, String scanId, Map<String, String> source) {
        List<ScanResult> out = new ArrayList<>();
        for (Classification c : runAll(bytes, scanId, source)) {
            out.add(c.result());
        }
        return out;
    }

    /**
     * The outcome for one input, with the heatmap PNG when {@code heatmap}; of a multi-frame
     * DICOM file, only its first frame is classified.
     */
    @Override
    public Classification run(byte[] bytes, String scanId, Map<String, String> source, boolean heatmap) {
        return run(bytes, scanId, source, heatmap ? Heatmap::png : null);
    }

    /** {@link #run(byte[], String, Map, boolean)} with the heatmap drawn by {@code renderer} (null: none). */
    Classification run(byte[] bytes, String scanId, Map<String, String> source, HeatmapRenderer renderer) {
        if (ImageDecoder.sniff(bytes) == ImageDecoder.Format.DICOM) {
            return runDicom(bytes, scanId, source, 1, renderer, WorkBudget.forInput(limits())).get(0);
        }
        StageTimer timer = new StageTimer();
        RgbImage image = null;
        try {
            image = decoder.decode(bytes);
            timer.lap("decode");
        } catch (ScanException e) {
            return Classification.of(failure(scanId, source, null, null, timer, e.code(), e.getMessage(), null));
        } catch (Exception | Error e) {
            return new Classification(failure(scanId, source, null, null, timer, ErrorCode.INTERNAL, INTERNAL_MESSAGE,
                    null), null, e);
        }
        boolean turned = "jpeg".equals(image.format()) && ExifOrientation.of(bytes) != 1;
        return classifyImage(image, null, scanId, source, timer, turned, renderer);
    }

    /**
     * Every outcome for one input: one per frame of a DICOM file (frame n of a multi-frame file
     * is {@code scanId#frame=n}), else one.
     */
    @Override
    public List<Classification> runAll(byte[] bytes, String scanId, Map<String, String> source, boolean heatmap) {
        return runAll(bytes, scanId, source, heatmap, WorkBudget.forInput(limits()));
    }

    /**
     * {@link #runAll(byte[], String, Map, boolean)} within {@code budget}, shared by every file
     * of one input (a zip's entries): past it, frames and files are answered without decoding.
     */
    @Override
    public List<Classification> runAll(byte[] bytes, String scanId, Map<String, String> source, boolean heatmap,
                                       WorkBudget budget) {
        HeatmapRenderer renderer = heatmap ? Heatmap::png : null;
        if (ImageDecoder.sniff(bytes) == ImageDecoder.Format.DICOM) {
            return runDicom(bytes, scanId, source, Integer.MAX_VALUE, renderer, budget);
        }
        if (budget.spent()) {
            return List.of(Classification.of(failure(scanId, source, ErrorCode.IMAGE_TOO_LARGE,
                    "The input's earlier files used its whole work budget; this file was not decoded.")));
        }
        Classification c = run(bytes, scanId, source, renderer);
        ScanResult.ImageInfo image = c.result().image();
        budget.chargeImage(image == null ? 0 : (long) image.width() * image.height());
        return List.of(c);
    }

    private List<Classification> runDicom(byte[] bytes, String scanId, Map<String, String> source, int maxFrames,
                                          HeatmapRenderer renderer, WorkBudget budget) {
        StageTimer timer = new StageTimer();
        DicomImage dicom;
        try {
            dicom = decoder.dicom(bytes);
        } catch (ScanException e) {
            return List.of(Classification.of(failure(scanId, source, null, null, timer, e.code(), e.getMessage(),
                    null)));
        } catch (Exception | Error e) {
            return List.of(new Classification(failure(scanId, source, null, null, timer, ErrorCode.INTERNAL,
                    INTERNAL_MESSAGE, null), null, e));
        }
        if (dicom.refusal() != null) {
            ScanException e = dicom.refusal();
            return List.of(Classification.of(failure(scanId, source, null, null, timer, e.code(), e.getMessage(),
                    dicom.info())));
        }
        int frames = Math.min(dicom.frames(), maxFrames);
        ScanException over = budget.takeFrames(frames);
        if (over != null) {
            return List.of(Classification.of(failure(scanId, source, null, null, timer, over.code(),
                    over.getMessage(), dicom.info())));
        }
        List<Classification> out = new ArrayList<>(frames);
        int damaged = 0;
        for (int i = 0; i < frames; i++) {
            String id = dicom.frames() > 1 ? scanId + "#frame=" + (i + 1) : scanId;
            if (i > 0) {
                timer = new StageTimer();
            }
            ScanException skip = damaged >= WorkBudget.MAX_DAMAGED_FRAMES ? new ScanException(ErrorCode.CORRUPT_IMAGE,
                    "Not decoded: " + damaged + " earlier frames of this file are damaged.")
                    : budget.takePixels((long) dicom.width() * dicom.height());
            if (skip != null) {
                out.add(Classification.of(failure(id, source, null, null, timer, skip.code(), skip.getMessage(),
                        frameInfo(dicom, i))));
                continue;
            }
            DicomImage.Frame frame;
            try {
                frame = dicom.frame(i);
                timer.lap("decode");
            } catch (ScanException e) {
                damaged++;
                out.add(Classification.of(failure(id, source, null, null, timer, e.code(), e.getMessage(),
                        frameInfo(dicom, i))));
                continue;
            } catch (Exception | Error e) {
                damaged++;
                out.add(new Classification(failure(id, source, null, null, timer, ErrorCode.INTERNAL, INTERNAL_MESSAGE,
                        frameInfo(dicom, i)), null, e));
                continue;
            }
            out.add(classifyImage(ImageDecoder.image(frame), frame.info(), id, source, timer, false, renderer));
        }
        return out;
    }

    private static DicomInfo frameInfo(DicomImage dicom, int index) {
        return dicom.frames() > 1 ? dicom.info().withFrame(index + 1, null) : dicom.info().withFrame(1, null);
    }

    private Classification classifyImage(RgbImage image, DicomInfo dicom, String scanId, Map<String, String> source,
                                         StageTimer timer, boolean exifTurned, HeatmapRenderer renderer) {
        CropBox box = null;
        try {
            List<String> steps = new ArrayList<>(4);
            BrainCropper.Luma luma = BrainCropper.luma(image);
            RgbImage crop;
            Prediction prediction;
            if (v2 == null) {
                rejectIfImplausible(plausibility.colourImplausibility(luma.chroma()));
                BrainCropper.Region region = cropper.find(luma.grey(), image.width(), image.height());
                box = region.box();
                rejectIfImplausible(plausibility.implausibility(
                        MriPlausibility.features(image.width(), image.height(), luma.grey(), region, luma.chroma())));
                crop = image.crop(box);
                timer.lap("crop");
                prediction = model.predict(crop, timer);
            } else {
                // A tint (photographed film, sepia) is not colour content: the gate sees the chroma
                // left after each channel's affine fit against the grey; the model sees grey.
                // a chroma of 0 means every pixel has r = g = b: nothing to fit, nothing left over
                double chroma = luma.chroma() == 0 ? 0 : MriPlausibility.castFreeChroma(image, luma.grey());
                rejectIfImplausible(plausibility.colourImplausibility(chroma));
                if (luma.chroma() > MriPlausibility.TINTED) {
                    steps.add(STEP_GREY);
                }
                PreprocessingV2.Result pre = v2.run(luma.grey(), image.width(), image.height());
                box = pre.box();
                PreprocessingV2.Rect frame = pre.frame();
                int fw = frame == null ? image.width() : frame.width();
                int fh = frame == null ? image.height() : frame.height();
                rejectIfImplausible(plausibility.implausibility(MriPlausibility.features(fw, fh,
                        PreprocessingV2.framed(luma.grey(), image.width(), frame), pre.region(), chroma)));
                rejectIfImplausible(patterns.implausibility(pre.crop(), pre.cropWidth(), pre.cropHeight()));
                steps.addAll(0, pre.steps());
                // The model reads the tensor; the RGB crop is only the heatmap's canvas.
                crop = renderer != null ? image.crop(box) : null;
                timer.lap("crop");
                ModelManifest.Input in = model.manifest().input();
                prediction = model.predictTensor(
                        PreprocessingV2.tensor(pre, in.height(), in.width(), in.mean(), in.std()), timer);
            }
            if (exifTurned) {
                steps.add(STEP_EXIF);
            }
            double score = prediction.probability();
            ModelManifest m = model.manifest();
            ScanResult.PreprocessingInfo preprocessing = steps.isEmpty() ? null
                    : new ScanResult.PreprocessingInfo(m.preprocessingVersion(), List.copyOf(steps));
            ScanResult result = new ScanResult(ScanResult.SCHEMA_VERSION, scanId,
                    score >= m.decisionThreshold() ? ScanResult.TUMOR : ScanResult.NO_TUMOR,
                    shownScore(score), m.riskTier(score), tumorType(m, prediction), m.decisionThreshold(), identity,
                    source, info(image), box, timings(timer), now(), notice, null, null, dicom, null, null,
                    preprocessing);
            // Drawn after the record, so its timings are the classification's alone.
            return new Classification(result, renderer == null ? null : renderer.render(crop, prediction), null);
        } catch (ScanException e) {
            return Classification.of(failure(scanId, source, image, box, timer, e.code(), e.getMessage(), dicom));
        } catch (Exception | Error e) {
            return new Classification(failure(scanId, source, image, box, timer, ErrorCode.INTERNAL, INTERNAL_MESSAGE,
                    dicom), null, e);
        }
    }

    private static void rejectIfImplausible(String reason) throws ScanException {
        if (reason != null) {
            throw new ScanException(ErrorCode.NOT_A_BRAIN_MRI, "This does not look like a brain MR slice: " + reason + ".");
        }
    }

    /** An error record for a scan that never reached the pipeline (e.g. too large to fetch). */
    public ScanResult failure(String scanId, Map<String, String> source, ErrorCode code, String message) {
        return failure(scanId, source, null, null, new StageTimer(), code, message, null);
    }

    private ScanResult failure(String scanId, Map<String, String> source, RgbImage image, CropBox box,
                               StageTimer timer, ErrorCode code, String message, DicomInfo dicom) {
        return new ScanResult(ScanResult.SCHEMA_VERSION, scanId, null, null, null, null, null, identity, source,
                image == null ? null : info(image), box, timings(timer), now(), notice,
                new ScanResult.ErrorBody(code.name(), message), null, dicom, null, null);
    }

    /**
     * The score as the record states it: 6 decimals, and never exactly 0 or 1. A float32
     * sigmoid saturates for large logits, but no calibrated probability is certainty.
     */
    static double shownScore(double score) {
        return Math.min(Math.max(round(score, 6), 0.000001), 0.999999);
    }

    /** The type head's answer in the manifest's order, or null for a model without it. */
    static ScanResult.TumorType tumorType(ModelManifest m, Prediction prediction) {
        float[] p = prediction.tumorType();
        if (p == null || !m.typed() || p.length != m.tumorTypes().size()) {
            return null;
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        int best = 0;
        for (int i = 0; i < p.length; i++) {
            probabilities.put(m.tumorTypes().get(i), round(p[i], 4));
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return new ScanResult.TumorType(m.tumorTypes().get(best), probabilities);
    }

    private static ScanResult.ImageInfo info(RgbImage image) {
        return new ScanResult.ImageInfo(image.format(), image.width(), image.height());
    }

    private static Map<String, Double> timings(StageTimer timer) {
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, Double> stages = timer.stages();
        for (String stage : new String[] {"decode", "crop", "resize"}) {
            if (stages.containsKey(stage)) {
                out.put(stage, round(stages.get(stage), 2));
            }
        }
        if (stages.containsKey("crop")) {
            out.put("preprocess", round(stages.get("crop") + stages.getOrDefault("resize", 0.0), 2));
        }
        if (stages.containsKey("inference")) {
            out.put("inference", round(stages.get("inference"), 2));
        }
        out.put("total", round(timer.totalMillis(), 2));
        return out;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    @Override
    public void close() {
        model.close();
    }
}
