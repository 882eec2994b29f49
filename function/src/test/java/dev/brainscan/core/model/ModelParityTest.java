package dev.brainscan.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.core.Preprocessor;
import dev.brainscan.core.ScanClassifier;
import dev.brainscan.core.image.ImageDecoder;
import dev.brainscan.core.image.Limits;
import dev.brainscan.core.result.Json;
import dev.brainscan.phantom.Phantom;
import dev.brainscan.testing.ParityFile;
import dev.brainscan.testing.TestModels;
import dev.brainscan.testing.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trained float network ({@code brainscan-fp32.onnx}) through DJL + ONNX Runtime against
 * PyTorch's outputs; the served 8-bit model ({@code brainscan.onnx}, made from it by
 * {@code models/training/quantize.py}) against the float one on real and generated scans; and
 * the integrity checks.
 */
class ModelParityTest {
    static final double TOLERANCE = 1e-4;
    /**
     * How far the 8-bit model's probability may move from the float one's: the largest move
     * measured over 9,870 scans (dataset, variants, dark exposures, Colin 27, enlarged) was 0.031.
     */
    static final double QUANTISATION_TOLERANCE = 0.05;

    /** The float network beside the bundled 8-bit model. */
    static ScanModel fp32() throws Exception {
        return TestModels.floatNetwork(ModelSource.bundled(), TestPaths.models());
    }

    @Test
    void onnxRuntimeMatchesPyTorchOnTheParityFile() throws Exception {
        ParityFile parity = ParityFile.read(TestPaths.models().resolve("brainscan.parity.json"));
        try (ScanModel model = fp32()) {
            matchesPyTorch(parity, model);
        }
    }

    @Test
    void theServedModel_isTheFloatNetworkIn8Bits() throws Exception {
        ModelSource served = ModelSource.bundled();
        var quantized = Json.mapper().readTree(served.manifestJson()).get("quantized");
        byte[] fp32Bytes = Files.readAllBytes(TestPaths.models().resolve(quantized.get("from").asText()));
        assertEquals(quantized.get("fromSha256").asText(), ScanModel.sha256(fp32Bytes),
                "the manifest names the float file it was made from");
        ScanClassifier classifier = TestModels.classifier();
        double threshold = classifier.manifest().decisionThreshold();
        double worst = 0;
        int scans = 0;
        try (ScanModel fp32 = fp32()) {
            Preprocessor preprocessor = Preprocessor.of(classifier.manifest());
            List<byte[]> inputs = new ArrayList<>();
            try (var files = Files.list(TestPaths.events().resolve("scans"))) {
                for (Path f : files.sorted().toList()) {
                    inputs.add(Files.readAllBytes(f));
                }
            }
            for (int i = 0; i < 24; i++) {
                inputs.add(Phantom.jpeg(300 + i, 200 + 37 * i, 180 + 29 * i, i % 2 == 0));
            }
            ImageDecoder decoder = new ImageDecoder(Limits.DEFAULT);
            for (byte[] input : inputs) {
                float[] tensor = preprocessor.crop(decoder.decode(input)).tensor();
                Prediction q = classifier.model().predict(tensor);
                Prediction f = fp32.predict(tensor);
                worst = Math.max(worst, Math.abs(q.probability() - f.probability()));
                assertEquals(f.probability() >= threshold, q.probability() >= threshold,
                        "label changed by quantisation: " + f.probability() + " -> " + q.probability());
                scans++;
            }
        }
        System.out.printf("quantisation: max |8-bit - float| probability = %.4f over %d scans%n", worst, scans);
        assertTrue(worst <= QUANTISATION_TOLERANCE, "max difference " + worst);
        assertTrue(worst > 0, "the served model must be the 8-bit one, not the float file again");
    }

    private static void matchesPyTorch(ParityFile parity, ScanModel model) throws Exception {
        double worst = 0;
        for (int i = 0; i < parity.samples(); i++) {
            Prediction p = model.predict(parity.input(i));
            worst = Math.max(worst, Math.abs(p.probability() - parity.probability()[i]));
            float[] cam = parity.cam(i);
            assertEquals(cam.length, p.cam().length);
            for (int k = 0; k < cam.length; k++) {
                worst = Math.max(worst, Math.abs(p.cam()[k] - cam[k]));
            }
            float[] types = parity.tumorType(i);
            assertEquals(types == null, p.tumorType() == null, "tumor_type output present in one runtime only");
            if (types != null) {
                assertEquals(types.length, p.tumorType().length);
                for (int k = 0; k < types.length; k++) {
                    worst = Math.max(worst, Math.abs(p.tumorType()[k] - types[k]));
                }
            }
        }
        System.out.printf("parity: max |ONNX Runtime - PyTorch| = %.2e over %d samples%n", worst, parity.samples());
        assertTrue(worst <= TOLERANCE, "max difference " + worst);
    }

    @Test
    void bundledModel_isTheBytesOfModelsDirectory() throws Exception {
        byte[] onDisk = Files.readAllBytes(TestPaths.models().resolve("brainscan.onnx"));
        assertEquals(ScanModel.sha256(onDisk), ScanModel.sha256(ModelSource.bundled().onnx()));
        assertEquals(ScanModel.sha256(onDisk), TestModels.classifier().manifest().sha256());
    }

    @Test
    void load_refusesAModelWhoseBytesDoNotMatchTheManifest() {
        ModelSource good = ModelSource.bundled();
        byte[] tampered = good.onnx().clone();
        tampered[tampered.length / 2] ^= 1;
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ScanModel.load(new ModelSource("tampered", good.manifestJson(), tampered), 1));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void load_namesTheManifestFieldThatIsWrong() throws Exception {
        ModelSource good = ModelSource.bundled();
        ObjectNode manifest = (ObjectNode) Json.mapper().readTree(good.manifestJson());
        manifest.put("decisionThreshold", 1.5);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ScanModel.load(
                new ModelSource("bad", Json.mapper().writeValueAsBytes(manifest), good.onnx()), 1));
        assertTrue(e.getMessage().contains("decisionThreshold"), e.getMessage());
    }
}
