package dev.brainscan.core.model;

/**
 * The model's outputs for one scan: the calibrated tumour probability, the
 * class-activation map (row-major, {@code camHeight x camWidth}, calibrated logit units) and,
 * for a model v2, the tumour-type probabilities in the manifest's {@code tumorTypes} order
 * (null for a model without that output).
 */
public record Prediction(float probability, float[] cam, int camHeight, int camWidth, float[] tumorType) {
    public Prediction(float probability, float[] cam, int camHeight, int camWidth) {
        this(probability, cam, camHeight, camWidth, null);
    }
}
