package dev.brainscan.core;

import dev.brainscan.core.image.BrainCropper;
import dev.brainscan.core.image.MriPlausibility;
import dev.brainscan.core.image.Resizer;
import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ScanException;
import java.util.List;

/** Preprocessing v1: the threshold crop of the colour image, resized and normalised per channel. */
final class PreprocessorV1 implements Preprocessor {
    private final BrainCropper cropper;
    private final MriPlausibility plausibility = new MriPlausibility(MriPlausibility.Thresholds.DEFAULT);
    private final int height;
    private final int width;
    private final float[] mean;
    private final float[] std;

    PreprocessorV1(ModelManifest manifest) {
        this(manifest.cropParameters(), manifest.input());
    }

    PreprocessorV1(BrainCropper.Parameters parameters, ModelManifest.Input input) {
        this.cropper = new BrainCropper(parameters);
        this.height = input.height();
        this.width = input.width();
        this.mean = input.mean().clone();
        this.std = input.std().clone();
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Crop crop(RgbImage image) throws ScanException, Refused {
        BrainCropper.Luma luma = BrainCropper.luma(image);
        Gate.reject(plausibility.colourImplausibility(luma.chroma()));
        BrainCropper.Region region = cropper.atStep(image.step()).find(luma.grey(), image.width(), image.height());
        CropBox box = region.box();
        Gate.reject(plausibility.implausibility(
                MriPlausibility.features(image.width(), image.height(), luma.grey(), region, luma.chroma())), box);
        RgbImage crop = image.crop(box);
        return new Crop() {
            @Override
            public CropBox box() {
                return box;
            }

            @Override
            public List<String> steps() {
                return List.of();
            }

            @Override
            public RgbImage canvas() {
                return crop;
            }

            @Override
            public float[] tensor() {
                return PreprocessorV1.this.tensor(crop);
            }
        };
    }

    /** Resize then normalise: {@code (v/255 - mean[c]) / std[c]}, CHW, as in training. */
    float[] tensor(RgbImage crop) {
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
}
