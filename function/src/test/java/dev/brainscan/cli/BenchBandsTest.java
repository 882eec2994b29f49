package dev.brainscan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brainscan.cli.BenchBands.Band;
import java.awt.image.BufferedImage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The size bands and the dataset mix of {@code bench}. */
class BenchBandsTest {
    @Test
    void bandsFollowTheLongerSideAndPhotosTheirPixels() {
        assertEquals(Band.SMALL, Band.of(224, 224));
        assertEquals(Band.SMALL, Band.of(299, 120));
        assertEquals(Band.MEDIUM, Band.of(300, 200));
        assertEquals(Band.MEDIUM, Band.of(630, 700));
        assertEquals(Band.LARGE, Band.of(701, 500));
        assertEquals(Band.LARGE, Band.of(1275, 1427));
        assertEquals(Band.PHOTO, Band.of(1732, 1732));
        assertEquals(Band.PHOTO, Band.of(1920, 1080));
        assertEquals(Band.LARGE, Band.of(2500, 2500), "over 4 MP is a large scan, not a photo");
    }

    @Test
    void theDatasetMixWeighsEachBandByItsShareNotByItsSampleCount() {
        Map<Band, List<Double>> samples = new EnumMap<>(Band.class);
        samples.put(Band.SMALL, List.of(1.0, 2.0, 3.0));
        samples.put(Band.PHOTO, List.of(100.0, 100.0, 100.0, 100.0, 100.0, 100.0));
        Map<Band, Integer> weights = Map.of(Band.SMALL, 99, Band.PHOTO, 1);
        assertEquals(2.0, BenchBands.weightedMedian(samples, weights));
        assertEquals(0.99 * 2.0 + 0.01 * 100.0, BenchBands.weightedMean(samples, weights), 1e-9);
        // a band the weights do not know counts for nothing; equal weights give the plain median of the bands' mass
        assertEquals(100.0, BenchBands.weightedMedian(samples, Map.of(Band.SMALL, 1, Band.PHOTO, 2)));
        assertTrue(Double.isNaN(BenchBands.weightedMedian(Map.of(Band.LARGE, List.of()), weights)));
    }

    @Test
    void theDatasetCountsAreTheManifestsSevenThousandSevenHundredAndFour() {
        assertEquals(7704, BenchBands.DATASET_COUNTS.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(4, BenchBands.DATASET_COUNTS.size());
    }

    @Test
    void enlargingKeepsTheAspectTheGreyAndLandsInTheBand() {
        int[] wh = BenchBands.scaledTo(468, 444, BenchBands.PHOTO_TARGET_PIXELS);
        assertEquals(Band.PHOTO, Band.of(wh[0], wh[1]));
        assertEquals(468.0 / 444, (double) wh[0] / wh[1], 0.01);
        assertArrayEquals(new int[] {1024, 512}, BenchBands.longerSide(300, 150, 1024));
        BufferedImage grey = new BufferedImage(100, 80, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage big = BenchBands.upscale(grey, wh[0], wh[1]);
        assertEquals(1, big.getRaster().getNumBands());
        assertEquals(wh[0], big.getWidth());
        assertEquals(3, BenchBands.upscale(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB), 20, 20)
                .getColorModel().getNumComponents());
    }

    @Test
    void spreadTakesEvenlySpacedItems() {
        assertEquals(List.of(0, 2, 5, 7), BenchCommand.spread(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 4));
        assertEquals(List.of(1, 2), BenchCommand.spread(List.of(1, 2), 5));
    }
}
