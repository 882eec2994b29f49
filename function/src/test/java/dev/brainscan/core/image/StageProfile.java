package dev.brainscan.core.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: per-step CPU time of preprocessing v2 and the gate on the given images (thread
 * CPU time, medians over rounds), to see which step grows with the pixels. Arguments: images.
 */
public final class StageProfile {
    public static void main(String[] args) throws Exception {
        ImageDecoder decoder = new ImageDecoder(Limits.DEFAULT);
        List<RgbImage> images = new ArrayList<>();
        for (String a : args) {
            images.add(decoder.decode(Files.readAllBytes(Path.of(a))));
        }
        PreprocessingV2 v2 = new PreprocessingV2(BrainCropper.Parameters.DEFAULT, PreprocessingV2.Parameters.DEFAULT);
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        String[] names = {"luma", "blur+mask", "castfree", "frame-comp", "not+morph", "largest", "run", "features", "tensor"};
        int rounds = Integer.getInteger("rounds", 15);
        long[][] t = new long[names.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (RgbImage im : images) {
                int w = im.width();
                int h = im.height();
                long a = mx.getCurrentThreadCpuTime();
                BrainCropper.Luma luma = BrainCropper.luma(im);
                long b = mx.getCurrentThreadCpuTime();
                // the blur and its mask in one pass, as v2 runs them ("pack": the castFree chroma)
                BitMask dark = BrainCropper.blurredMask(luma.grey(), w, h, 45, 0, 90).mask();
                long c = mx.getCurrentThreadCpuTime();
                if (luma.chroma() != 0) {
                    MriPlausibility.castFreeChroma(im, luma.grey());
                }
                long d = mx.getCurrentThreadCpuTime();
                PreprocessingV2.components(dark, 0.005 * w * h);
                long e = mx.getCurrentThreadCpuTime();
                BitMask m = dark.not().morph(2, true).morph(2, false);
                long f = mx.getCurrentThreadCpuTime();
                BrainCropper.largestRegion(m);
                long g = mx.getCurrentThreadCpuTime();
                PreprocessingV2.Result pre = v2.run(luma.grey(), w, h);
                long i = mx.getCurrentThreadCpuTime();
                MriPlausibility.features(w, h, luma.grey(), pre.region(), 0);
                long j = mx.getCurrentThreadCpuTime();
                PreprocessingV2.tensor(pre, 128, 128, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.2f, 0.2f, 0.2f});
                long k = mx.getCurrentThreadCpuTime();
                long[] v = {b - a, c - b, d - c, e - d, f - e, g - f, i - g, j - i, k - j};
                for (int s = 0; s < v.length; s++) {
                    t[s][r] += v[s];
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d images, %d rounds, ms per image (median of rounds; first third dropped)%n",
                images.size(), rounds);
        for (int s = 0; s < names.length; s++) {
            long[] x = Arrays.copyOfRange(t[s], rounds / 3, rounds);
            Arrays.sort(x);
            System.out.printf(Locale.ROOT, "  %-10s %8.3f%n", names[s], x[x.length / 2] / 1e6 / images.size());
        }
    }
}
