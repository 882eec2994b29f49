package dev.brainscan.core;

import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ScanException;
import java.util.List;

/**
 * The preprocessing a model was trained with, from a decoded image to its input tensor: the
 * plausibility gate, the crop, then the resize and normalisation. Chosen once, when the model
 * loads, from the manifest's {@code preprocessing.version} (docs/preprocessing.md); the model
 * takes the tensor and nothing else.
 */
public sealed interface Preprocessor permits PreprocessorV1, PreprocessorV2 {

    /** {@code preprocessing.version} 1 (the v1 crop and colour input) or 2. */
    static Preprocessor of(ModelManifest manifest) {
        return manifest.preprocessingVersion() == 2 ? new PreprocessorV2(manifest) : new PreprocessorV1(manifest);
    }

    /** The manifest's preprocessing version this preprocessor implements. */
    int version();

    /**
     * The gate and the crop.
     *
     * @throws ScanException the scan is refused before a crop was found (a colour image,
     *     {@code NO_BRAIN_REGION})
     * @throws Refused the gate refused the crop that was found
     */
    Crop crop(RgbImage image) throws ScanException, Refused;

    /** One scan after the crop: where it is, what was done beyond the v1 crop, and the model's input. */
    interface Crop {
        /** The crop's box in the decoded image. */
        CropBox box();

        /** The steps beyond the v1 crop ({@code frame}, {@code adaptive-threshold}, {@code grey}), in order. */
        List<String> steps();

        /** The RGB crop, the heatmap's canvas. */
        RgbImage canvas();

        /** The crop resized and normalised: the model's {@code image} tensor, CHW. */
        float[] tensor();
    }

    /** The gate's refusal of a crop already found: its record still names the box. */
    final class Refused extends Exception {
        private final ScanException reason;
        private final transient CropBox box;

        Refused(ScanException reason, CropBox box) {
            super(reason.getMessage(), null, false, false);
            this.reason = reason;
            this.box = box;
        }

        public ScanException reason() {
            return reason;
        }

        public CropBox box() {
            return box;
        }
    }
}
