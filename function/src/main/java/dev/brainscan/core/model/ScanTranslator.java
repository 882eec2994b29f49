package dev.brainscan.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * The ONNX model's two ends: a preprocessed CHW tensor (the core's {@code Preprocessor} builds
 * it) goes in as {@code image}; {@code probability}, {@code cam} and (model v2)
 * {@code tumor_type} come back as a {@link Prediction}. The engine does no arithmetic here (ONNX Runtime's NDArray
 * supports creation and readout only), so both directions are plain Java on float arrays.
 */
public final class ScanTranslator implements NoBatchifyTranslator<float[], Prediction> {
    private final int height;
    private final int width;

    public ScanTranslator(ModelManifest.Input input) {
        this.height = input.height();
        this.width = input.width();
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] data) {
        if (data.length != 3 * height * width) {
            throw new IllegalArgumentException("tensor must hold 3x" + height + "x" + width + " values");
        }
        NDArray array = ctx.getNDManager().create(data, new Shape(1, 3, height, width));
        array.setName("image");
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
