package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.brainscan.core.image.BrainCropper;
import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.model.ModelManifest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Preprocessing v1's tensor: the crop resized, then each channel normalised with the manifest's mean and std. */
class PreprocessorV1Test {
    static final ModelManifest.Input INPUT = new ModelManifest.Input("image", 4, 4, 3, "NCHW",
            new float[] {0.5f, 0.25f, 0.0f}, new float[] {0.25f, 0.5f, 1.0f});

    @Test
    void tensor_normalisesEachChannelWithTheManifestsMeanAndStd() {
        byte[] rgb = new byte[2 * 2 * 3];
        for (int i = 0; i < 4; i++) {
            rgb[i * 3] = (byte) 255;      // r = 1.0
            rgb[i * 3 + 1] = (byte) 0;    // g = 0.0
            rgb[i * 3 + 2] = (byte) 51;   // b = 0.2
        }
        PreprocessorV1 v1 = new PreprocessorV1(new BrainCropper.Parameters(45, 2, 2, 0.05), INPUT);

        float[] tensor = v1.tensor(new RgbImage("test", 2, 2, rgb));

        float[] expected = new float[48];
        Arrays.fill(expected, 0, 16, (1.0f - 0.5f) / 0.25f);
        Arrays.fill(expected, 16, 32, (0.0f - 0.25f) / 0.5f);
        Arrays.fill(expected, 32, 48, 0.2f);
        assertArrayEquals(expected, tensor, 1e-5f);
    }
}
