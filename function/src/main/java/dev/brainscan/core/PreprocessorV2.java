package dev.brainscan.core;

import dev.brainscan.core.image.BrainCropper;
import dev.brainscan.core.image.MriPlausibility;
import dev.brainscan.core.image.PatternCheck;
import dev.brainscan.core.image.PreprocessingV2;
import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ScanException;
import java.util.ArrayList;
import java.util.List;

/**
 * Preprocessing v2 ({@link PreprocessingV2}): the frame finder, the adaptive threshold, the
 * grey model input and the percentile stretch; the gate reads the frame and the cast-free chroma,
 * and {@link PatternCheck} the grey crop the model would read (rings, spirals, textures: not a scan).
 */
final class PreprocessorV2 implements Preprocessor {
    /** The step a tinted scan records: the model reads it as grey. */
    static final String STEP_GREY = "grey";

    private final PreprocessingV2 v2;
    private final MriPlausibility plausibility = new MriPlausibility(MriPlausibility.Thresholds.DEFAULT);
    private final PatternCheck patterns = new PatternCheck(PatternCheck.Thresholds.DEFAULT);
    private final ModelManifest.Input input;

    PreprocessorV2(ModelManifest manifest) {
        this.v2 = new PreprocessingV2(manifest.cropParameters(), manifest.v2Parameters());
        this.input = manifest.input();
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    public Crop crop(RgbImage image) throws ScanException, Refused {
        BrainCropper.Luma luma = BrainCropper.luma(image);
        // A tint (photographed film, sepia) is not colour content: the gate sees the chroma
        // left after each channel's affine fit against the grey; the model sees grey.
        // a chroma of 0 means every pixel has r = g = b: nothing to fit, nothing left over
        double chroma = luma.chroma() == 0 ? 0 : MriPlausibility.castFreeChroma(image, luma.grey());
        Gate.reject(plausibility.colourImplausibility(chroma));
        PreprocessingV2.Result pre = v2.atStep(image.step()).run(luma.grey(), image.width(), image.height());
        CropBox box = pre.box();
        PreprocessingV2.Rect frame = pre.frame();
        int fw = frame == null ? image.width() : frame.width();
        int fh = frame == null ? image.height() : frame.height();
        Gate.reject(plausibility.implausibility(MriPlausibility.features(fw, fh,
                PreprocessingV2.framed(luma.grey(), image.width(), frame), pre.region(), chroma)), box);
        Gate.reject(patterns.implausibility(pre.crop(), pre.cropWidth(), pre.cropHeight()), box);
        List<String> steps = new ArrayList<>(pre.steps());
        if (luma.chroma() > MriPlausibility.TINTED) {
            steps.add(STEP_GREY);
        }
        List<String> done = List.copyOf(steps);
        return new Crop() {
            @Override
            public CropBox box() {
                return box;
            }

            @Override
            public List<String> steps() {
                return done;
            }

            @Override
            public RgbImage canvas() {
                // The model reads the tensor; the RGB crop is only the heatmap's canvas.
                return image.crop(box);
            }

            @Override
            public float[] tensor() {
                return PreprocessingV2.tensor(pre, input.height(), input.width(), input.mean(), input.std());
            }
        };
    }
}
