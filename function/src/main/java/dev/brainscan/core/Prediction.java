package dev.brainscan.core;

/**
 * The model's outputs for one scan: the calibrated tumour probability and the
 * class-activation map (row-major, {@code camHeight x camWidth}, calibrated logit units).
 */
public record Prediction(float probability, float[] cam, int camHeight, int camWidth) {
}
