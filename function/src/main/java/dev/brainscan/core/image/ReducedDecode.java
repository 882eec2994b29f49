package dev.brainscan.core.image;

import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;

/**
 * The working resolution: an image whose longer side is over {@value #WORKING_SIDE} px is
 * decoded as every n-th pixel in each direction (n the smallest step that brings the longer
 * side to {@value #WORKING_SIDE} or under), and everything after the decoder (the brain search,
 * the gates, the model's 128 px input) reads that image. The model reads 128 px; the brain
 * search's blur and morphology are in pixels and were made on the dataset's sizes (98.9 % of
 * its images are at most 700 px); and the per-scan cost then stops growing with the input's
 * pixels (issue 30). The record keeps the source's size, and its crop box is mapped back onto
 * the source's pixels ({@link RgbImage#toSource}), so it is exact to within n px.
 *
 * <p>JPEG, PNG, BMP and GIF are subsampled by their ImageIO reader (the same pixels as a whole
 * decode followed by keeping every n-th: the reader subsamples after its colour conversion);
 * WebP and DICOM frames are decoded whole and then subsampled. The Python twin
 * ({@code models/training/preprocess.py}, {@code working_resolution}) keeps the same pixels.
 */
final class ReducedDecode {
    /** The longest side the pipeline works on. */
    static final int WORKING_SIDE = 700;

    private ReducedDecode() {
    }

    /** The subsampling step for an image of this size (1: full resolution). */
    static int step(int width, int height) {
        int side = Math.max(width, height);
        return side <= WORKING_SIDE ? 1 : (side + WORKING_SIDE - 1) / WORKING_SIDE;
    }

    /** The reader's default parameters, subsampled by {@code step}. */
    static ImageReadParam param(ImageReader reader, int step) {
        ImageReadParam param = reader.getDefaultReadParam();
        if (step > 1) {
            param.setSourceSubsampling(step, step, 0, 0);
        }
        return param;
    }

    /** A decoded image at the working resolution (itself when small enough). */
    static RgbImage toWorkingResolution(RgbImage image) {
        return image.subsampled(step(image.width(), image.height()));
    }
}
