package dev.brainscan.cli;

import dev.brainscan.core.image.BrainCropper;
import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.image.MriPlausibility;
import dev.brainscan.core.image.PreprocessingV2;
import dev.brainscan.core.image.RgbImage;
import dev.brainscan.core.image.dicom.DicomImage;
import dev.brainscan.core.model.ModelManifest;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.phantom.Phantom;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Not a test: the identity harness of issue 30. For every image under the given folders (and,
 * with {@code --enlarge N}, every N-th image enlarged to a 1,000 px longer side and to 3 MP, as
 * {@code bench} makes its large and photo bands) it writes one line with every figure
 * preprocessing v2 and the plausibility gate produce, exactly: the chroma, the cast-free
 * chroma, the box, the frame, the region and its contour area, the steps, the stretch bounds,
 * the gate's features (as double bits) and the SHA-256 of the model tensor's float bits.
 * Run it on two builds and {@code cmp} the files: a speed change must leave them identical.
 *
 * <pre>java -cp function/target/classes:function/target/test-classes:DEPS dev.brainscan.cli.PreprocessingIdentityDump
 *     OUT.txt --enlarge 25 ../shared/datasets/brain-mri/train ../shared/datasets/brain-mri/val events function/src/test/resources</pre>
 */
public final class PreprocessingIdentityDump {

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int enlarge = 0;
        int shard = 0;
        int shards = 1;
        List<Path> roots = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--enlarge")) {
                enlarge = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--shard")) { // i/n: every n-th file from the i-th
                String[] in = args[++i].split("/");
                shard = Integer.parseInt(in[0]);
                shards = Integer.parseInt(in[1]);
            } else {
                roots.add(Path.of(args[i]));
            }
        }
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(Files::isRegularFile).filter(p -> p.toString().toLowerCase(Locale.ROOT)
                        .matches(".*\\.(jpe?g|png|webp|bmp|gif|tiff?|dcm)$")).sorted().forEach(files::add);
            }
        }
        ModelManifest m = ModelManifest.parse(Files.readAllBytes(Path.of("models/brainscan.json")));
        PreprocessingV2 v2 = new PreprocessingV2(m.cropParameters(), m.v2Parameters());
        ImageDecoder decoder = new ImageDecoder(Limits.DEFAULT);
        int n = 0;
        long started = System.nanoTime();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            for (int i = shard; i < files.size(); i += shards) {
                Path f = files.get(i);
                byte[] bytes = Files.readAllBytes(f);
                w.println(f + " " + line(decoder, v2, m, bytes));
                n++;
                if (enlarge > 0 && i % enlarge == 0 && !f.toString().endsWith(".dcm")) {
                    BufferedImage src = ImageIO.read(new ByteArrayInputStream(bytes));
                    if (src != null) {
                        int[] big = BenchBands.longerSide(src.getWidth(), src.getHeight(), 1000);
                        int[] photo = BenchBands.scaledTo(src.getWidth(), src.getHeight(), 3_000_000);
                        w.println(f + "@1000 " + line(decoder, v2, m,
                                Phantom.encode(BenchBands.upscale(src, big[0], big[1]), "jpeg")));
                        w.println(f + "@3MP " + line(decoder, v2, m,
                                Phantom.encode(BenchBands.upscale(src, photo[0], photo[1]), "jpeg")));
                        n += 2;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d images in %.1f s -> %s%n", n, (System.nanoTime() - started) / 1e9, out);
    }

    private static String line(ImageDecoder decoder, PreprocessingV2 v2, ModelManifest m, byte[] bytes) {
        try {
            List<RgbImage> images = new ArrayList<>();
            if (ImageDecoder.sniff(bytes) == ImageDecoder.Format.DICOM) {
                DicomImage d;
                try {
                    d = decoder.dicom(bytes);
                } catch (ScanException e) {
                    if (e.dicom() != null) { // readable but refused (a damaged file has no identifiers)
                        return "dicom-refused " + e.code();
                    }
                    throw e;
                }
                for (int i = 0; i < d.frames(); i++) {
                    images.add(ImageDecoder.image(d.frame(i)));
                }
            } else {
                images.add(decoder.decode(bytes));
            }
            StringBuilder sb = new StringBuilder();
            for (RgbImage image : images) {
                sb.append(figures(v2, m, image)).append(" | ");
            }
            return sb.toString();
        } catch (ScanException e) {
            return "decode-error " + e.code();
        } catch (RuntimeException e) {
            return "exception " + e.getClass().getSimpleName();
        }
    }

    private static String figures(PreprocessingV2 v2, ModelManifest m, RgbImage image) {
        StringBuilder sb = new StringBuilder();
        sb.append(image.width()).append('x').append(image.height()).append(' ');
        BrainCropper.Luma luma = BrainCropper.luma(image);
        sb.append("chroma=").append(Double.doubleToRawLongBits(luma.chroma()));
        double chroma = luma.chroma() == 0 ? 0 : MriPlausibility.castFreeChroma(image, luma.grey());
        sb.append(" castFree=").append(Double.doubleToRawLongBits(chroma));
        sb.append(" grey=").append(sha(luma.grey()));
        try {
            PreprocessingV2.Result pre = v2.run(luma.grey(), image.width(), image.height());
            sb.append(" box=").append(pre.box()).append(" frame=").append(pre.frame()).append(" region=")
                    .append(pre.region().box()).append('/').append(Double.doubleToRawLongBits(pre.region().contourArea()))
                    .append(" steps=").append(pre.steps()).append(" stretch=").append(pre.low()).append(',')
                    .append(pre.high()).append(" cropPixels=").append(sha(pre.crop()));
            PreprocessingV2.Rect frame = pre.frame();
            int fw = frame == null ? image.width() : frame.width();
            int fh = frame == null ? image.height() : frame.height();
            MriPlausibility.Features f = MriPlausibility.features(fw, fh,
                    PreprocessingV2.framed(luma.grey(), image.width(), frame), pre.region(), chroma);
            sb.append(" features=").append(bits(f.chroma())).append(',').append(bits(f.borderDark())).append(',')
                    .append(bits(f.darkFraction())).append(',').append(bits(f.regionFraction())).append(',')
                    .append(bits(f.edgeEnergy())).append(',').append(bits(f.regionFill())).append(',')
                    .append(bits(f.brightFraction())).append(',').append(bits(f.flatFraction()));
            ModelManifest.Input in = m.input();
            float[] t = PreprocessingV2.tensor(pre, in.height(), in.width(), in.mean(), in.std());
            byte[] tb = new byte[t.length * 4];
            for (int i = 0; i < t.length; i++) {
                int v = Float.floatToRawIntBits(t[i]);
                tb[4 * i] = (byte) (v >>> 24);
                tb[4 * i + 1] = (byte) (v >>> 16);
                tb[4 * i + 2] = (byte) (v >>> 8);
                tb[4 * i + 3] = (byte) v;
            }
            sb.append(" tensor=").append(sha(tb));
        } catch (ScanException e) {
            sb.append(" refused ").append(e.code());
        }
        return sb.toString();
    }

    private static String bits(double d) {
        return Long.toHexString(Double.doubleToRawLongBits(d));
    }

    private static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
