package dev.brainscan.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.brainscan.core.image.Resizer;
import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.result.StageTimer;

/**
 * Pre- and post-processing around the ONNX model: the cropped scan is resized and
 * normalised into the {@code image} tensor; {@code probability}, {@code cam} and (model v2)
 * {@code tumor_type} come back as a {@link Prediction}. The engine does no arithmetic here (ONNX Runtime's NDArray
 * supports creation and readout only), so both directions are plain Java on float arrays.
 */
public final class ScanTranslator implements NoBatchifyTranslator<ScanTranslator.Input, Prediction> {

    /**
     * A cropped scan, or an already normalised CHW tensor (parity checks, benchmarks), and
     * the timer its resize time is recorded in.
     */
    public record Input(RgbImage crop, float[] tensor, StageTimer timer) {
        public static Input of(RgbImage crop, StageTimer timer) {
            return new Input(crop, null, timer);
        }

        public static Input ofTensor(float[] tensor) {
            return new Input(null, tensor, new StageTimer());
        }
    }

    private final int height;
    private final int width;
    private final float[] mean;
    private final float[] std;

    public ScanTranslator(ModelManifest.Input input) {
        this.height = input.height();
        this.width = input.width();
        this.mean = input.mean().clone();
        this.std = input.std().clone();
    }

    /** Resize then normalise: {@code (v/255 - mean[c]) / std[c]}, CHW, as in training. */
    public float[] tensor(RgbImage crop) {
        float[] buf = new float[3 * height * width];
        Resizer.resize(crop, height, width, buf);
        int plane = height * width;
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float s = std[c];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                buf[i] = (buf[i] / 255f - m) / s;
            }
        }
        return buf;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Input input) {
        float[] data = input.tensor() != null ? input.tensor() : tensor(input.crop());
        if (data.length != 3 * height * width) {
            throw new IllegalArgumentException("tensor must hold 3x" + height + "x" + width + " values");
        }
        NDArray array = ctx.getNDManager().create(data, new Shape(1, 3, height, width));
        array.setName("image");
        input.timer().lap("resize");
        return new NDList(array);
    }

    @Override
    public Prediction processOutput(TranslatorContext ctx, NDList list) {
        NDArray probability = list.get("probability");
        NDArray cam = list.get("cam");
        if (probability == null || cam == null) {
            throw new IllegalStateException("model outputs must be named probability and cam");
        }
        Shape camShape = cam.getShape();
        if (probability.size() != 1 || camShape.dimension() != 3 || camShape.get(0) != 1) {
            throw new IllegalStateException("unexpected output shapes " + probability.getShape() + ", " + camShape);
        }
        NDArray type = list.get("tumor_type");
        float[] types = null;
        if (type != null) {
            if (type.getShape().dimension() != 2 || type.getShape().get(0) != 1) {
                throw new IllegalStateException("unexpected tumor_type shape " + type.getShape());
            }
            types = type.toFloatArray();
        }
        return new Prediction(probability.toFloatArray()[0], cam.toFloatArray(),
                (int) camShape.get(1), (int) camShape.get(2), types);
    }
}
