package dev.brainscan.core.image;

import dev.brainscan.core.result.ScanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measurement aid for the pattern gate (issue 27): for every image under the given folders
 * (or listed in {@code @file}), one CSV line with what the existing v2 gates say and the
 * {@link PatternCheck} features of the crop, the gate's CPU time and its verdict. One JVM for
 * thousands of images; {@code -Dphantoms=N} adds N phantom slices (JPEG, grey JPEG, PNG).
 *
 * <pre>
 * java -cp function/target/test-classes:function/target/classes:function/target/brainscan.jar \
 *     dev.brainscan.core.image.GateFeatureDump DIR... [@LIST] > features.csv
 * </pre>
 */
public final class GateFeatureDump {
    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private static final PatternCheck PATTERNS = new PatternCheck(PatternCheck.Thresholds.DEFAULT);

    private GateFeatureDump() {
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("@")) {
                for (String line : Files.readAllLines(Path.of(a.substring(1)))) {
                    if (!line.isBlank()) {
                        files.add(Path.of(line.trim()));
                    }
                }
            } else {
                try (Stream<Path> s = Files.walk(Path.of(a))) {
                    s.filter(Files::isRegularFile).filter(p -> p.toString().matches("(?i).*\\.(png|jpe?g|bmp|gif|webp)"))
                            .sorted().forEach(files::add);
                }
            }
        }
        ImageDecoder decoder = new ImageDecoder(Limits.DEFAULT);
        PreprocessingV2 v2 = new PreprocessingV2(BrainCropper.Parameters.DEFAULT, PreprocessingV2.Parameters.DEFAULT);
        MriPlausibility plausibility = new MriPlausibility(MriPlausibility.Thresholds.DEFAULT);
        System.out.println("path,status,coherence,ringPeak,slope,radial,kurt,sym,inSlope,cpuMs,pattern");
        int phantoms = Integer.getInteger("phantoms", 0);
        for (int i = 0; i < phantoms; i++) {
            int w = 128 + (i * 97) % 900;
            int h = 128 + (i * 61) % 900;
            byte[] bytes = switch (i % 3) {
                case 0 -> dev.brainscan.phantom.Phantom.greyJpeg(900 + i, w, h, i % 2 == 0);
                case 1 -> dev.brainscan.phantom.Phantom.jpeg(900 + i, w, h, i % 2 == 0);
                default -> dev.brainscan.testing.FormatVariants.encode(
                        dev.brainscan.phantom.Phantom.generate(900 + i, w, h, i % 2 == 0).image(), "png");
            };
            Path tmp = Files.createTempFile("phantom-" + i + "-", i % 3 == 2 ? ".png" : ".jpg");
            Files.write(tmp, bytes);
            tmp.toFile().deleteOnExit();
            files.add(tmp);
        }
        for (Path p : files) {
            String status;
            String feats = ",,,,,,,,";
            try {
                RgbImage image = decoder.decode(Files.readAllBytes(p));
                BrainCropper.Luma luma = BrainCropper.luma(image);
                double chroma = luma.chroma() == 0 ? 0 : MriPlausibility.castFreeChroma(image, luma.grey());
                String reason = plausibility.colourImplausibility(chroma);
                if (reason == null) {
                    PreprocessingV2.Result pre = v2.run(luma.grey(), image.width(), image.height());
                    PreprocessingV2.Rect frame = pre.frame();
                    int fw = frame == null ? image.width() : frame.width();
                    int fh = frame == null ? image.height() : frame.height();
                    reason = plausibility.implausibility(MriPlausibility.features(fw, fh,
                            PreprocessingV2.framed(luma.grey(), image.width(), frame), pre.region(), chroma));
                    long t0 = CPU.getCurrentThreadCpuTime();
                    PatternCheck.Features f = PatternCheck.features(pre.crop(), pre.cropWidth(), pre.cropHeight());
                    double ms = (CPU.getCurrentThreadCpuTime() - t0) / 1e6;
                    feats = String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%.3f,%.4f,%.4f,%.3f,%s", f.coherence(),
                            f.ringPeak(), f.slope(), f.radial(), f.kurtosis(), f.symmetry(), f.innerSlope(), ms,
                            PATTERNS.implausibility(f) == null ? "pass" : "refused");
                }
                status = reason == null ? "ok" : "NOT_A_BRAIN_MRI";
            } catch (ScanException e) {
                status = e.code().name();
            } catch (RuntimeException e) {
                status = "ERR";
            }
            System.out.println(p + "," + status + "," + feats);
        }
    }
}
