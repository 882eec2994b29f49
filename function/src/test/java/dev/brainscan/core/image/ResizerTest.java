package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The Java resize equals the training code's (models/training/preprocess.py resize_bilinear_aa). */
class ResizerTest {
    /** 7x5 image, pixel (x, y, c) = (37x + 11y + 5c) mod 256. */
    static RgbImage pattern() {
        int w = 7, h = 5;
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[(y * w + x) * 3 + c] = (byte) ((x * 37 + y * 11 + c * 5) % 256);
                }
            }
        }
        return new RgbImage("test", w, h, rgb);
    }

    // Printed by: resize_bilinear_aa(pattern, 3, 4).transpose(2, 0, 1).ravel() (training code, numpy float32)
    static final float[] PYTHON_3X4 = {24.095240f, 81.674286f, 149.754288f, 207.333344f, 41.380955f, 98.960007f,
        167.040009f, 224.619080f, 58.666676f, 116.245720f, 184.325714f, 165.278915f, 29.095240f, 86.674294f,
        154.754288f, 212.333344f, 46.380955f, 103.959999f, 172.040009f, 199.820129f, 63.666672f, 121.245720f,
        189.325714f, 112.809532f, 34.095238f, 91.674286f, 159.754288f, 217.333344f, 51.380955f, 108.959999f,
        177.040024f, 204.820129f, 68.666672f, 126.245728f, 194.325714f, 117.809540f};

    // First row of channel 0 of resize_bilinear_aa(pattern, 9, 11) (upscaling).
    static final float[] PYTHON_9X11_ROW0 = {0.000000f, 16.818182f, 40.363636f, 63.909092f, 87.454544f,
        111.000000f, 134.545456f, 158.090912f, 181.636368f, 205.181824f, 222.000000f};

    @Test
    void downscale_matchesTheTrainingResize() {
        float[] out = new float[3 * 3 * 4];
        Resizer.resize(pattern(), 3, 4, out);
        assertArrayEquals(PYTHON_3X4, out, 1e-3f);
    }

    @Test
    void upscale_matchesTheTrainingResize() {
        float[] out = new float[3 * 9 * 11];
        Resizer.resize(pattern(), 9, 11, out);
        assertArrayEquals(PYTHON_9X11_ROW0, Arrays.copyOf(out, 11), 1e-3f);
    }

    @Test
    void constantImage_staysConstantAtAnySize() {
        byte[] rgb = new byte[31 * 17 * 3];
        Arrays.fill(rgb, (byte) 77);
        float[] out = new float[3 * 128 * 128];
        Resizer.resize(new RgbImage("test", 31, 17, rgb), 128, 128, out);
        for (float v : out) {
            assertEquals(77f, v, 1e-3f);
        }
    }

    @Test
    void taps_areNormalised() {
        Resizer.Taps taps = Resizer.taps(630, 128);
        for (float[] w : taps.weights()) {
            float sum = 0;
            for (float v : w) {
                sum += v;
            }
            assertEquals(1f, sum, 1e-5f);
        }
    }

    @Test
    void greyscaleFastPath_isBitIdenticalToTheThreeChannelResize() {
        java.util.Random r = new java.util.Random(5);
        byte[] rgb = new byte[57 * 43 * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = rgb[i + 1] = rgb[i + 2] = (byte) r.nextInt(256);
        }
        RgbImage grey = new RgbImage("test", 57, 43, rgb);
        assertTrue(Resizer.isGreyscale(rgb));
        float[] fast = new float[3 * 32 * 32];
        Resizer.resize(grey, 32, 32, fast);
        float[] general = new float[3 * 32 * 32];
        Resizer.resizeInterleaved(grey, 32, 32, general);
        assertArrayEquals(general, fast, 0f);
    }
}
