package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.core.image.ImageDecoder.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The per-family fuzz targets really land in their family, and leave a valid file (a {@code seed-*}) unchanged. */
class FamilyInputsTest {
    private static final Path SEEDS = Path.of("src/test/resources/dev/brainscan/core/ClassifyFuzzTestInputs");
    private static final Map<String, UnaryOperator<byte[]>> FAMILIES = Map.of(
            "jpeg", FamilyInputs::jpeg, "png", FamilyInputs::png, "webp", FamilyInputs::webp,
            "bmp", FamilyInputs::bmp, "gif", FamilyInputs::gif, "dicom", FamilyInputs::dicom);

    @Test
    void anyBytesSniffAsTheTargetsFamily() {
        Random random = new Random(15);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            FAMILIES.forEach((family, force) -> assertEquals(Format.valueOf(family.toUpperCase()),
                    ImageDecoder.sniff(force.apply(bytes)), family));
        }
    }

    @Test
    void everySeedPassesThroughUnchanged() throws IOException {
        for (String family : FAMILIES.keySet()) {
            List<Path> seeds;
            try (Stream<Path> files = Files.list(SEEDS.resolve(family))) {
                seeds = files.filter(p -> p.getFileName().toString().startsWith("seed-") && !p.getFileName().toString().contains("bare")).toList();
            }
            assertEquals(false, seeds.isEmpty(), family);
            for (Path seed : seeds) {
                byte[] bytes = Files.readAllBytes(seed);
                assertArrayEquals(bytes, FAMILIES.get(family).apply(bytes), seed.toString());
            }
        }
    }

    @Test
    void codeStreamSeedsDecodeInsideTheirMrFile() throws Exception {
        Map<String, UnaryOperator<byte[]>> streams = Map.of("jpeg2000", FamilyInputs::jpeg2000, "jpegls",
                FamilyInputs::jpegls);
        for (Map.Entry<String, UnaryOperator<byte[]>> e : streams.entrySet()) {
            List<Path> seeds;
            try (Stream<Path> files = Files.list(SEEDS.resolve(e.getKey()))) {
                seeds = files.filter(p -> p.getFileName().toString().startsWith("seed-")).toList();
            }
            assertEquals(false, seeds.isEmpty(), e.getKey());
            for (Path seed : seeds) {
                byte[] file = e.getValue().apply(Files.readAllBytes(seed));
                assertEquals(Format.DICOM, ImageDecoder.sniff(file));
                var dicom = new ImageDecoder(dev.brainscan.core.image.Limits.DEFAULT).dicom(file); // not refused
                assertEquals(64 * 64, dicom.frame(0).grey().length, seed.toString());
            }
        }
    }

    @Test
    void pngCrcsAreRecomputedOverTheChunkBodies() throws IOException {
        byte[] png = Files.readAllBytes(SEEDS.resolve("png/seed-phantom.png"));
        byte[] broken = png.clone();
        broken[8 + 8 + 13 + 3] ^= 0x5a; // the IHDR CRC
        assertArrayEquals(png, FamilyInputs.png(broken));
    }
}
