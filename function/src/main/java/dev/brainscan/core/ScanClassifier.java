package dev.brainscan.core;

import dev.brainscan.core.image.ExifOrientation;
import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.image.dicom.DicomImage;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.model.Prediction;
import dev.brainscan.core.model.ScanModel;
import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.DicomInfo;
import dev.brainscan.core.result.ErrorCode;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.core.result.ScanResult;
import dev.brainscan.core.result.StageTimer;
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
    public static final String STEP_EXIF = "exif-orientation";
    /** The step of an image read at the working resolution (every n-th pixel of a large source). */
    public static final String STEP_REDUCED = "reduced";
    public static final String INTERNAL_MESSAGE = "The scan could not be classified because of an internal error.";

    private final ScanModel model;
    private final ImageDecoder decoder;
    /** Chosen once, from the manifest's preprocessing version. */
    private final Preprocessor preprocessor;
    private final Verdict verdict;
    private final ScanResult.Stamp stamp;

    public ScanClassifier(ScanModel model, Limits limits) {
        this.model = model;
        this.decoder = new ImageDecoder(limits);
        this.preprocessor = Preprocessor.of(model.manifest());
        this.verdict = new Verdict(model.manifest());
        this.stamp = model.manifest().stamp();
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
        return run(bytes, ImageDecoder.sniff(bytes), scanId, source, renderer);
    }

    /** One input whose format was sniffed once, here or by the caller. */
    private Classification run(byte[] bytes, ImageDecoder.Format format, String scanId, Map<String, String> source,
                               HeatmapRenderer renderer) {
        if (format == ImageDecoder.Format.DICOM) {
            return runDicom(bytes, scanId, source, 1, renderer, WorkBudget.forInput(limits())).get(0);
        }
        StageTimer timer = new StageTimer();
        RgbImage image = null;
        try {
            image = decoder.decode(bytes, format);
            timer.lap("decode");
        } catch (ScanException e) {
            return Classification.of(undecoded(scanId, source, timer, e.code(), e.getMessage(), null));
        } catch (Exception | Error e) {
            return new Classification(undecoded(scanId, source, timer, ErrorCode.INTERNAL, INTERNAL_MESSAGE,
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
        ImageDecoder.Format format = ImageDecoder.sniff(bytes);
        if (format == ImageDecoder.Format.DICOM) {
            return runDicom(bytes, scanId, source, Integer.MAX_VALUE, renderer, budget);
        }
        if (budget.spent()) {
            return List.of(Classification.of(failure(scanId, source, ErrorCode.IMAGE_TOO_LARGE,
                    "The input's earlier files used its whole work budget; this file was not decoded.")));
        }
        Classification c = run(bytes, format, scanId, source, renderer);
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
        } catch (ScanException e) { // damaged, or refused with the file's identifiers
            return List.of(Classification.of(undecoded(scanId, source, timer, e.code(), e.getMessage(),
                    e.dicom())));
        } catch (Exception | Error e) {
            return List.of(new Classification(undecoded(scanId, source, timer, ErrorCode.INTERNAL,
                    INTERNAL_MESSAGE, null), null, e));
        }
        int frames = Math.min(dicom.frames(), maxFrames);
        ScanException over = budget.takeFrames(frames);
        if (over != null) {
            return List.of(Classification.of(undecoded(scanId, source, timer, over.code(),
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
                out.add(Classification.of(undecoded(id, source, timer, skip.code(), skip.getMessage(),
                        frameInfo(dicom, i))));
                continue;
            }
            DicomImage.Frame frame;
            try {
                frame = dicom.frame(i);
                timer.lap("decode");
            } catch (ScanException e) {
                damaged++;
                out.add(Classification.of(undecoded(id, source, timer, e.code(), e.getMessage(),
                        frameInfo(dicom, i))));
                continue;
            } catch (Exception | Error e) {
                damaged++;
                out.add(new Classification(undecoded(id, source, timer, ErrorCode.INTERNAL, INTERNAL_MESSAGE,
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
            Preprocessor.Crop crop = preprocessor.crop(image);
            box = image.toSource(crop.box());
            RgbImage canvas = renderer != null ? crop.canvas() : null;
            timer.lap("crop");
            float[] tensor = crop.tensor();
            timer.lap("resize");
            Prediction prediction = model.predict(tensor);
            timer.lap("inference");
            List<String> steps = new ArrayList<>(crop.steps());
            if (image.step() > 1) {
                steps.add(0, STEP_REDUCED);
            }
            if (exifTurned) {
                steps.add(STEP_EXIF);
            }
            ScanResult.PreprocessingInfo preprocessing = steps.isEmpty() ? null
                    : new ScanResult.PreprocessingInfo(preprocessor.version(), List.copyOf(steps));
            ScanResult result = ScanResult.classified(stamp, scanId, source, verdict.decide(prediction), info(image),
                    box, dicom, preprocessing, timings(timer));
            // Drawn after the record, so its timings are the classification's alone.
            return new Classification(result, renderer == null ? null : renderer.render(canvas, prediction), null);
        } catch (ScanException e) {
            return Classification.of(failure(scanId, source, image, box, timer, e.code(), e.getMessage(), dicom));
        } catch (Preprocessor.Refused e) {
            return Classification.of(failure(scanId, source, image, image.toSource(e.box()), timer, e.reason().code(),
                    e.reason().getMessage(), dicom));
        } catch (Exception | Error e) {
            return new Classification(failure(scanId, source, image, box, timer, ErrorCode.INTERNAL, INTERNAL_MESSAGE,
                    dicom), null, e);
        }
    }

    /** An error record for a scan that never reached the pipeline (e.g. too large to fetch). */
    public ScanResult failure(String scanId, Map<String, String> source, ErrorCode code, String message) {
        return undecoded(scanId, source, new StageTimer(), code, message, null);
    }

    /** A failure before any pixel was decoded: no image, no crop; the DICOM identifiers where read. */
    private ScanResult undecoded(String scanId, Map<String, String> source, StageTimer timer, ErrorCode code,
                                 String message, DicomInfo dicom) {
        return ScanResult.failed(stamp, scanId, source, code, message, timings(timer)).withInput(null, null, dicom);
    }

    private ScanResult failure(String scanId, Map<String, String> source, RgbImage image, CropBox box,
                               StageTimer timer, ErrorCode code, String message, DicomInfo dicom) {
        return ScanResult.failed(stamp, scanId, source, code, message, timings(timer))
                .withInput(image == null ? null : info(image), box, dicom);
    }

    private static ScanResult.ImageInfo info(RgbImage image) {
        return new ScanResult.ImageInfo(image.format(), image.sourceWidth(), image.sourceHeight());
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

    private static double round(double v, int digits) {
        return Verdict.round(v, digits);
    }

    @Override
    public void close() {
        model.close();
    }
}
