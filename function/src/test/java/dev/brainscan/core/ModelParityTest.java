package dev.brainscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.brainscan.testing.TestModels;
import dev.brainscan.testing.TestPaths;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The shipped ONNX file through DJL + ONNX Runtime against PyTorch's outputs, and its integrity checks. */
class ModelParityTest {
    static final double TOLERANCE = 1e-4;

    static float[] floats(JsonNode node) {
        ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(node.asText())).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }

    @Test
    void onnxRuntimeMatchesPyTorchOnTheParityFile() throws Exception {
        JsonNode parity = Json.MAPPER.readTree(TestPaths.models().resolve("brainscan.parity.json").toFile());
        float[] input = floats(parity.get("input"));
        float[] cam = floats(parity.get("cam"));
        int n = parity.get("inputShape").get(0).asInt();
        int per = input.length / n;
        int camPer = cam.length / n;
        ScanModel model = TestModels.classifier().model();
        double worst = 0;
        for (int i = 0; i < n; i++) {
            Prediction p = model.predictTensor(Arrays.copyOfRange(input, i * per, (i + 1) * per));
            worst = Math.max(worst, Math.abs(p.probability() - parity.get("probability").get(i).floatValue()));
            assertEquals(camPer, p.cam().length);
            for (int k = 0; k < camPer; k++) {
                worst = Math.max(worst, Math.abs(p.cam()[k] - cam[i * camPer + k]));
            }
        }
        System.out.printf("parity: max |ONNX Runtime - PyTorch| = %.2e over %d samples%n", worst, n);
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
        ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(good.manifestJson());
        manifest.put("decisionThreshold", 1.5);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ScanModel.load(
                new ModelSource("bad", Json.MAPPER.writeValueAsBytes(manifest), good.onnx()), 1));
        assertTrue(e.getMessage().contains("decisionThreshold"), e.getMessage());
    }
}
