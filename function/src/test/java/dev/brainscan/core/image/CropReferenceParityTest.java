package dev.brainscan.core.image;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.brainscan.core.result.CropBox;
import dev.brainscan.core.result.ScanException;
import dev.brainscan.testing.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The Java crop against the boxes OpenCV 4.6 gives for every validation image
 * ({@code crop-reference.csv}): at least 99 % within 2 px on every edge (an image over 700 px:
 * within 2 px of its working resolution, mapped back). Skipped, saying so,
 * where the shared dataset is absent.
 */
class CropReferenceParityTest {
    static final int TOLERANCE_PX = 2;

    record Row(String path, int width, int height, int x, int y, int w, int h, double area) {
    }

    record Outcome(Row row, int worstEdge, int tolerance, String note) {
        Outcome(Row row, int worstEdge, String note) {
            this(row, worstEdge, TOLERANCE_PX, note);
        }
    }

    @Test
    void javaCropMatchesOpenCvReferenceBoxes() throws Exception {
        var dataset = TestPaths.dataset();
        assumeTrue(dataset.isPresent(), "SKIPPED: ../shared/datasets/brain-mri is not here; crop parity not checked");
        Path dir = dataset.get();
        List<String> lines = Files.readAllLines(dir.resolve("crop-reference.csv"));
        ImageDecoder decoder = new ImageDecoder(Limits.DEFAULT);
        BrainCropper cropper = new BrainCropper(BrainCropper.Parameters.DEFAULT);
        List<Outcome> outcomes = new ArrayList<>();
        int exact = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            Row row = new Row(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), Double.parseDouble(f[7]));
            boolean referenceTooSmall = row.area() < 0.01 * row.width() * row.height();
            RgbImage image = decoder.decode(Files.readAllBytes(dir.resolve(row.path())));
            try {
                // an image over 700 px is searched at the working resolution (every n-th pixel) and its box
                // mapped back onto the source: there the tolerance is 2 px of the reduced image, plus the
                // n - 1 px the mapping may add
                CropBox box = image.toSource(cropper.atStep(image.step()).find(image).box());
                int tolerance = (TOLERANCE_PX + 1) * image.step() - 1;
                if (referenceTooSmall) {
                    outcomes.add(new Outcome(row, Integer.MAX_VALUE, "Java found a region, OpenCV's is under 1%"));
                    continue;
                }
                int worst = Math.max(Math.max(Math.abs(box.x() - row.x()), Math.abs(box.y() - row.y())),
                        Math.max(Math.abs(box.x() + box.width() - row.x() - row.w()),
                                Math.abs(box.y() + box.height() - row.y() - row.h())));
                if (worst == 0) {
                    exact++;
                }
                outcomes.add(new Outcome(row, worst, tolerance, "java " + box
                        + (image.step() > 1 ? " at step " + image.step() : "")));
            } catch (ScanException e) {
                outcomes.add(new Outcome(row, referenceTooSmall ? 0 : Integer.MAX_VALUE,
                        e.code() + (referenceTooSmall ? " (OpenCV's region is under 1% too)" : "")));
                if (referenceTooSmall) {
                    exact++;
                }
            }
        }
        long within = outcomes.stream().filter(o -> o.worstEdge() <= o.tolerance()).count();
        double share = (double) within / outcomes.size();
        System.out.printf(Locale.ROOT, "crop parity: %d/%d images (%.2f%%) within %d px on every edge; %d exact%n",
                within, outcomes.size(), 100 * share, TOLERANCE_PX, exact);
        outcomes.stream().filter(o -> o.worstEdge() > 0)
                .sorted(Comparator.comparingInt(Outcome::worstEdge).reversed()).limit(10)
                .forEach(o -> System.out.printf(Locale.ROOT, "  worst: %s edge %s px (%s; OpenCV %d,%d %dx%d)%n",
                        o.row().path(), o.worstEdge() == Integer.MAX_VALUE ? "n/a" : o.worstEdge(), o.note(),
                        o.row().x(), o.row().y(), o.row().w(), o.row().h()));
        assertTrue(share >= 0.99, "only " + within + " of " + outcomes.size() + " within " + TOLERANCE_PX + " px");
    }
}
