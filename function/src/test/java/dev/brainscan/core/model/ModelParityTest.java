package dev.brainscan.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.core.result.Json;
import dev.brainscan.testing.ParityFile;
import dev.brainscan.testing.TestModels;
import dev.brainscan.testing.TestPaths;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The shipped ONNX file through DJL + ONNX Runtime against PyTorch's outputs, and its integrity checks. */
class ModelParityTest {
    static final double TOLERANCE = 1e-4;

    @Test
    void onnxRuntimeMatchesPyTorchOnTheParityFile() throws Exception {
        ParityFile parity = ParityFile.read(TestPaths.models().resolve("brainscan.parity.json"));
        ScanModel model = TestModels.classifier().model();
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
