package dev.brainscan.core.image;

import dev.brainscan.core.result.ScanException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Not a test: the per-scan CPU time (this thread's, not the wall clock, so other processes on a
 * loaded machine count less) of decode and of classify's v2 path before the model (grey and
 * chroma, the cast-free chroma, preprocessing v2, the gate's features, the tensor), per size
 * band. Arguments: one folder per band; {@code -Drounds=N} rounds, the first third dropped, each
 * round one scan of each band in turn; prints per band the median over rounds of the mean per scan.
 */
public final class BandCost {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("rounds", 20);
        ImageDecoder decoder = new ImageDecoder(Limits.DEFAULT);
        PreprocessingV2 v2 = new PreprocessingV2(BrainCropper.Parameters.DEFAULT, PreprocessingV2.Parameters.DEFAULT);
        float[] mean = {0.5f, 0.5f, 0.5f};
        float[] std = {0.25f, 0.25f, 0.25f};
        List<List<byte[]>> bands = new ArrayList<>();
        for (String a : args) {
            List<byte[]> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(Path.of(a))) {
                for (Path p : s.sorted().toList()) {
                    files.add(Files.readAllBytes(p));
                }
            }
            bands.add(files);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int nb = bands.size();
        double[][] decode = new double[nb][rounds];
        double[][] prep = new double[nb][rounds];
        int longest = bands.stream().mapToInt(List::size).max().orElse(0);
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < longest; i++) {
                for (int b = 0; b < nb; b++) {
                    List<byte[]> files = bands.get(b);
                    if (i >= files.size()) {
                        continue;
                    }
                    long t0 = mx.getCurrentThreadCpuTime();
                    RgbImage image = decoder.decode(files.get(i));
                    long t1 = mx.getCurrentThreadCpuTime();
                    BrainCropper.Luma luma = BrainCropper.luma(image);
                    double chroma = luma.chroma() == 0 ? 0 : MriPlausibility.castFreeChroma(image, luma.grey());
                    try {
                        PreprocessingV2.Result pre = v2.run(luma.grey(), image.width(), image.height());
                        PreprocessingV2.Rect frame = pre.frame();
                        int fw = frame == null ? image.width() : frame.width();
                        int fh = frame == null ? image.height() : frame.height();
                        MriPlausibility.Features f = MriPlausibility.features(fw, fh,
                                PreprocessingV2.framed(luma.grey(), image.width(), frame), pre.region(), chroma);
                        float[] t = PreprocessingV2.tensor(pre, 128, 128, mean, std);
                        sink += (long) f.edgeEnergy() + Float.floatToRawIntBits(t[77]);
                    } catch (ScanException e) {
                        sink++;
                    }
                    long t2 = mx.getCurrentThreadCpuTime();
                    decode[b][r] += (t1 - t0) / 1e6 / files.size();
                    prep[b][r] += (t2 - t1) / 1e6 / files.size();
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d rounds (first %d dropped), CPU ms per scan, medians of round means (%d)%n",
                rounds, rounds / 3, sink & 1);
        for (int b = 0; b < nb; b++) {
            System.out.printf(Locale.ROOT, "  %-28s scans %2d  decode %8.3f  preprocess+gate+tensor %8.3f%n",
                    Path.of(args[b]).getFileName(), bands.get(b).size(), median(decode[b], rounds / 3),
                    median(prep[b], rounds / 3));
        }
    }

    private static double median(double[] v, int drop) {
        double[] x = Arrays.copyOfRange(v, drop, v.length);
        Arrays.sort(x);
        return x[x.length / 2];
    }
}
